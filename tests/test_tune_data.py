"""Training pairs: gold questions and feedback votes read, checked and split without leakage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest import parse_text
from tests.conftest import NOTICE_A, NOTICE_B
from tune.data import Pair, TuneDataError, feedback_pairs, gold_pairs, split

CHUNKS = [*parse_text(NOTICE_A, "a").chunks, *parse_text(NOTICE_B, "b").chunks]


def _lines(path: Path, records: list[object]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_gold_questions_become_pairs_over_the_chunks_that_answer_them(tmp_path: Path) -> None:
    gold = _lines(
        tmp_path / "q.jsonl",
        [
            {"id": "q1", "query": "12345热线谁负责", "relevant": [{"doc": "a", "quote": "规范12345热线运行"}]},
            {"id": "q2", "query": "企业开办要几天", "relevant": [{"doc": "b"}]},  # a whole notice answers
            {"id": "q3", "query": "明天下雨吗", "relevant": []},  # unanswerable: left out
            {"id": "q4", "query": "12345热线谁负责", "relevant": [{"doc": "a", "quote": "接诉即办"}]},  # asked again
        ],
    )
    pairs, skipped = gold_pairs(gold, CHUNKS)
    assert skipped == [] and pairs == [
        Pair("q1", "12345热线谁负责", ("a#一/1",)),
        Pair("q2", "企业开办要几天", ("b#一/(一)", "b#一/(二)")),
    ]


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ([], "no questions"),
        ([{"id": "q1", "query": "x", "relevant": [{"doc": "zz"}]}], "doc ids not in the index: q1: zz"),
        ([{"id": "q1", "query": "x", "relevant": [{"doc": "a", "quote": "不存在的话"}]}], "no chunk of their notice"),
        ([{"id": "q1", "query": "x", "relevant": [{"doc": "a"}]}] * 2, "used more than once: q1"),
        ([{"id": "q1", "query": "x", "relevant": []}], "no answerable question"),
        (["not a question"], ":1: not a question record"),
    ],
)
def test_bad_gold_files_are_refused_naming_the_problem(tmp_path: Path, records: list[object], message: str) -> None:
    with pytest.raises(TuneDataError, match=message):
        gold_pairs(_lines(tmp_path / "q.jsonl", records), CHUNKS)


def test_unknown_doc_ids_can_be_skipped_and_are_listed(tmp_path: Path) -> None:
    gold = _lines(
        tmp_path / "q.jsonl",
        [
            {"id": "q1", "query": "热线", "relevant": [{"doc": "a", "quote": "规范12345热线运行"}]},
            {"id": "q2", "query": "空的", "relevant": [{"doc": "empty"}]},
        ],
    )
    pairs, skipped = gold_pairs(gold, CHUNKS, skip_unknown=True)
    assert [p.id for p in pairs] == ["q1"] and skipped == ["q2: empty"]


def _vote(answer: str, vote: str, shown: list[str], **more: object) -> dict[str, object]:
    return {"answer_id": answer, "question": f"问题{answer}", "chunk_ids": shown, "vote": vote, **more}


def test_votes_on_one_answer_merge_into_a_pair_and_stale_votes_are_counted(tmp_path: Path) -> None:
    log = _lines(
        tmp_path / "feedback.jsonl",
        [
            _vote("x", "down", ["a#一/3", "a#一/1"]),
            _vote("x", "pick", ["a#一/3", "a#一/1"], right="a#一/1"),  # the right clause was second
            _vote("y", "up", ["b#一/(一)", "b#一/(二)"]),
            _vote("z", "down", ["a#二/4"]),  # only 👎: no positive, no pair
            _vote("old", "up", ["gone#1"]),  # a notice replaced since
        ],
    )
    pairs, stale = feedback_pairs(log, [c.id for c in CHUNKS])
    assert stale == 1
    assert pairs == [
        Pair("x", "问题x", ("a#一/1",), ("a#一/3",), "feedback"),
        Pair("y", "问题y", ("b#一/(一)",), (), "feedback"),
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"answer_id": "x", "question": "q", "vote": "up"}, "line 1 .*chunk_ids"),
        (_vote("x", "up", []), "line 1 .*no chunk ids"),
        (_vote("x", "pick", ["a#一/1"]), "line 1 .*vote 'pick'"),
        (_vote("x", "maybe", ["a#一/1"]), "line 1 .*vote 'maybe'"),
    ],
)
def test_a_feedback_line_that_is_not_a_vote_is_refused_naming_its_line(
    tmp_path: Path, line: dict[str, object], message: str
) -> None:
    with pytest.raises(TuneDataError, match=message):
        feedback_pairs(_lines(tmp_path / "f.jsonl", [line]), [c.id for c in CHUNKS])
    with pytest.raises(TuneDataError, match="no votes"):
        feedback_pairs(_lines(tmp_path / "empty.jsonl", []), [c.id for c in CHUNKS])


def test_the_split_keeps_questions_that_share_a_clause_on_one_side() -> None:
    pairs = [Pair(f"q{i}", f"问题{i}", (f"c{i // 3}",)) for i in range(60)]  # 20 groups of 3 sharing a clause
    pairs += [Pair("bridge", "两个都对", ("c0", "c1"))]  # joins groups 0 and 1
    train, validation = split(pairs, 0.2, seed=1)
    assert len(train) + len(validation) == len(pairs) and 12 <= len(validation) <= 18
    assert not {c for p in train for c in p.positives} & {c for p in validation for c in p.positives}
    assert split(pairs, 0.2, seed=1) == (train, validation)  # fixed by the seed
    with pytest.raises(TuneDataError, match="nothing to validate on"):
        split([Pair("a", "x", ("c",)), Pair("b", "y", ("c",))])


def test_one_vote_per_answer_the_last_one_wins(tmp_path: Path) -> None:
    log = tmp_path / "feedback.jsonl"
    votes = [
        {"answer_id": "a1", "question": "热线", "chunk_ids": ["x#1", "x#2"], "vote": "up"},
        {"answer_id": "a1", "question": "热线", "chunk_ids": ["x#1", "x#2"], "vote": "up"},  # a repeated click
        {"answer_id": "a1", "question": "热线", "chunk_ids": ["x#1", "x#2"], "vote": "down"},  # changed their mind
        {"answer_id": "a2", "question": "开办", "chunk_ids": ["x#1", "x#2"], "vote": "down"},
        {"answer_id": "a2", "question": "开办", "chunk_ids": ["x#1", "x#2"], "vote": "up"},
    ]
    log.write_text("".join(json.dumps(v, ensure_ascii=False) + "\n" for v in votes), encoding="utf-8")
    pairs, stale = feedback_pairs(log, ["x#1", "x#2"])
    assert stale == 0 and [(p.id, p.positives, p.negatives) for p in pairs] == [("a2", ("x#1",), ())]
