"""Follow-up questions read against the turn before: each kind, bad history, and the clauses they point to."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import Searcher
from index.reading.conversation import MAX_HISTORY, Turn, read, subject
from tests.fakes import KeywordEmbedder


@pytest.mark.parametrize(
    ("previous", "question", "kind", "text"),
    [
        ("秦政通是什么", "它由哪个部门牵头？什么时候完成？", "pronoun", "秦政通由哪个部门牵头？什么时候完成？"),
        ("哪些部门负责12345热线", "这项工作什么时候完成", "pronoun", "12345热线什么时候完成"),
        ("秦政通是什么", "什么时候完成？", "ellipsis", "秦政通，什么时候完成？"),
        ("告知承诺制怎么推行", "哪些部门牵头？", "ellipsis", "告知承诺制推行，哪些部门牵头？"),
        (
            "中小企业数字化转型指南面向谁",
            "实施原则是什么？",
            "ellipsis",
            "中小企业数字化转型指南面向，实施原则是什么？",
        ),
        ("企业开办要多久", "那简易注销呢", "switch", "简易注销要多久"),
        ("城市全域数字化转型的目标是什么", "到2030年呢", "switch", "城市全域数字化转型的目标是什么，到2030年"),
        ("跨省通办怎么推进", "还有呢", "more", "跨省通办怎么推进"),
        ("秦政通是什么", "营业执照怎么办", "", "营业执照怎么办"),  # a new subject stands alone
    ],
)
def test_each_kind_of_follow_up_is_written_out_from_the_turn_before(
    previous: str, question: str, kind: str, text: str
) -> None:
    reading = read(question, [previous])
    assert (reading.follow_up, reading.text) == (kind, text)
    assert reading.question == question and (reading.previous is not None) == bool(kind)


def test_a_question_without_history_or_with_an_empty_subject_before_stands_alone() -> None:
    assert read("它由哪个部门牵头？").follow_up == ""
    assert read("它由哪个部门牵头？", ["是什么？"]).follow_up == ""  # nothing to point back to
    assert subject("什么时候完成？") == "" and subject("有什么条件？", aspects=True) == ""


def test_history_from_clients_is_bounded_and_refused_in_words() -> None:
    long = Turn.of("问" * 2000)
    assert len(long.query) == 500
    assert Turn.of({"query": "秦政通", "chunk_ids": ["a"] * 80}).chunk_ids == ("a",) * 50
    with pytest.raises(ValueError, match="chunk_ids"):
        Turn.of({"query": "秦政通", "chunk_ids": "a"})
    with pytest.raises(ValueError, match="question string"):
        Turn.of(5)
    turns = [f"问题{i}" for i in range(MAX_HISTORY + 5)]
    assert read("它是什么", turns).previous == Turn(f"问题{MAX_HISTORY + 4}")  # the last turn counts


def test_the_clause_pointed_to_comes_first_and_more_leaves_out_what_was_shown(tmp_path: Path) -> None:
    from ingest import parse_text

    notice = parse_text(
        "某市工作要点\n一、任务\n1.推广秦政通协同办公。（市数据局牵头）\n"
        "2.规范12345热线运行。（市数据局牵头）\n3.推进数据共享。（市行政审批局牵头）\n",
        "x",
    )
    searcher = Searcher.build(notice.chunks, embedder=KeywordEmbedder(), cache_dir=tmp_path)
    first = searcher.answer("秦政通是什么", k=3)
    pointed = first.hits[0].id
    follow = searcher.answer("它由哪个部门牵头？", k=3, history=[Turn("秦政通是什么", (pointed,))])
    assert follow.reading is not None and follow.reading.follow_up == "pronoun"
    assert follow.hits[0].id == pointed and [h.rank for h in follow.hits] == list(range(1, len(follow.hits) + 1))
    assert follow.query == "它由哪个部门牵头？" and "市数据局" in follow.lead_line()
    shown = tuple(h.id for h in first.hits[:2])
    more = searcher.answer("还有哪些？", k=3, history=[Turn("秦政通是什么", shown)])
    assert more.reading.follow_up == "more" and not {h.id for h in more.hits} & set(shown)
    assert more.to_dict()["reading"] == {"text": "秦政通是什么", "follow_up": "more", "previous": "秦政通是什么"}
