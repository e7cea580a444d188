"""Metrics on a hand-worked example, the relevance rule, unanswerables, and the report files."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eval.metrics import ap_at, hit_at, ndcg_at, percentile, precision_at, recall_at, rr_at
from eval.plain import PlainBaseline
from eval.relevance import Entry, Question, answered_ranks, grouping, load_questions, norm, qrels_for
from eval.report import write_all
from eval.runner import evaluate
from index import Searcher
from tests.fakes import KeywordEmbedder


def test_metrics_on_a_hand_worked_example() -> None:
    # Three entries; the retrieved list answers them at ranks 2 and 4, the third not at all.
    ranks = [2, None, 4]
    assert recall_at(ranks, 1) == 0.0
    assert recall_at(ranks, 3) == pytest.approx(1 / 3)
    assert recall_at(ranks, 5) == pytest.approx(2 / 3)
    assert hit_at(ranks, 1) == 0.0 and hit_at(ranks, 2) == 1.0
    assert rr_at(ranks) == 0.5  # first answered entry at rank 2
    # DCG = 1/log2(3) + 1/log2(5) = 0.63093 + 0.43068 = 1.06161
    # IDCG (3 entries at ranks 1..3) = 1 + 0.63093 + 0.5 = 2.13093 → nDCG = 0.49819
    assert ndcg_at(ranks) == pytest.approx((1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3) + 0.5))
    assert ndcg_at(ranks) == pytest.approx(0.49819, abs=1e-5)
    assert rr_at([11]) == 0.0 and ndcg_at([]) == 0.0 and recall_at([], 5) == 0.0
    assert ndcg_at([1, 1]) == 1.0  # one chunk answering two entries: capped
    assert percentile([10, 20, 30, 40], 50) == 25.0 and percentile([], 95) == 0.0


def test_relevance_rule_normalises_quotes_and_counts_each_entry_once() -> None:
    question = Question(
        "q", "?", "fact", [Entry("d1", "企业开办时限 压减至１个工作日"), Entry("d2"), Entry("d1", "不存在的引文")]
    )
    ranked = [
        ("d2", "无关"),
        ("d1", "……企业开办时限压减至1个\n工作日以内。"),
        ("d1", "企业开办时限压减至1个工作日"),
        ("d2", "又一条"),
    ]
    # entry 1 first answered at rank 2 (NFKC + white space removed on both sides), entry 2
    # (doc only) at rank 1 by any chunk of d2, entry 3 never; later answers do not count twice.
    assert answered_ranks(question, ranked) == [2, 1, None]
    assert norm("１２３４５ 热线\t") == "12345热线"
    assert not Entry("d1", "热线").answered_by("d2", "热线")


def test_question_file_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text('{"id": "a", "query": "x", "relevant": []}\n{"query": "no id"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"q\.jsonl:2"):
        load_questions(path)


def test_evaluate_counts_unanswerables_separately(corpus: Path, tmp_path: Path) -> None:
    searcher = Searcher.build(corpus, embedder=KeywordEmbedder(), cache_dir=tmp_path / "cache")
    questions = [
        Question("q1", "12345热线", "keyword", [Entry("a", "规范12345热线运行")]),
        Question("q2", "企业开办时限", "fact", [Entry("b", "企业开办时限压缩至1个工作日"), Entry("a", "不存在")]),
        Question("q3", "今天天气怎么样", "unanswerable", []),
    ]
    report = evaluate(searcher, questions, modes=["hybrid", "bm25"], ks=[1, 5])
    hybrid = report["modes"]["hybrid"]["summary"]
    # q1: its entry at rank 1 → recall@1 1.0; q2: one of two entries at rank 1 → 0.5.
    assert hybrid["answerable"] == 2 and hybrid["questions"] == 3
    assert hybrid["recall@1"] == pytest.approx((1.0 + 0.5) / 2)
    assert hybrid["mrr@10"] == 1.0
    assert hybrid["abstain_right"] == 1.0 and hybrid["abstain_wrong"] == 0.0
    assert set(report["modes"]["hybrid"]["by_kind"]) == {"keyword", "fact", "unanswerable"}
    kinds = report["modes"]["hybrid"]["by_kind"]
    assert kinds["keyword"]["recall@5_ci"] is None  # one question: no interval, the chart draws none
    lo, hi = hybrid["recall@5_ci"]  # two answerable questions: a wide Student-t interval around the mean
    assert 0.0 <= lo <= hybrid["recall@5"] <= hi <= 1.0
    failures = {f["id"]: f for f in report["modes"]["hybrid"]["failures"]}
    assert set(failures) == {"q2"} and failures["q2"]["missing"] == ["不存在"]
    assert report["modes"]["hybrid"]["latency_ms"]["p95"] >= report["modes"]["hybrid"]["latency_ms"]["p50"] > 0

    out = tmp_path / "report"
    qrels = qrels_for(questions, [(c.id, c.doc_id, c.text) for c in searcher.all_chunks()])
    write_all(report, qrels, out)
    saved = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert saved["modes"]["bm25"]["summary"]["recall@5"] == report["modes"]["bm25"]["summary"]["recall@5"]
    assert "## Failures: hybrid" in (out / "report.md").read_text(encoding="utf-8")
    assert (out / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    run = (out / "runs" / "hybrid.trec").read_text(encoding="utf-8").splitlines()
    assert run[0].split()[:4] == ["q1", "Q0", "a#一/1", "1"]
    assert "q1 0 a#一/1 1" in (out / "qrels.trec").read_text(encoding="utf-8")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(1, 15)), min_size=1, max_size=6, unique=True))
def test_metrics_agree_with_ir_measures(ranks: list[int | None]) -> None:
    """Where each entry is answered by one distinct chunk, entry metrics are standard metrics."""
    import ir_measures
    from ir_measures import AP, RR, P, R, Success, nDCG

    qrels = [ir_measures.Qrel("q", f"e{i}", 1) for i in range(len(ranks))]
    placed = {r: f"e{i}" for i, r in enumerate(ranks) if r is not None}
    run = [ir_measures.ScoredDoc("q", placed.get(r, f"junk{r}"), 100.0 - r) for r in range(1, 16)]
    measures = [R @ 5, R @ 10, RR @ 10, nDCG @ 10, Success @ 3, P @ 5, AP @ 10]
    got = ir_measures.calc_aggregate(measures, qrels, run)
    assert recall_at(ranks, 5) == pytest.approx(got[R @ 5])
    assert recall_at(ranks, 10) == pytest.approx(got[R @ 10])
    assert rr_at(ranks) == pytest.approx(got[RR @ 10])
    assert ndcg_at(ranks) == pytest.approx(got[nDCG @ 10])
    assert hit_at(ranks, 3) == pytest.approx(got[Success @ 3])
    assert precision_at(ranks, 5) == pytest.approx(got[P @ 5])  # issue 44, item 12: MAP and P@k, as BEIR prints
    assert ap_at(ranks, 10) == pytest.approx(got[AP @ 10])


def test_the_laws_sample_holds_every_named_law_and_seeded_distractors(tmp_path: Path) -> None:
    from eval.laws_sample import sample

    laws = tmp_path / "laws" / "省"
    laws.mkdir(parents=True)
    for name in ("甲条例", "乙条例", "丙条例", "丁条例", "戊条例"):
        (laws / f"{name}.txt").write_text(f"# {name}\n第一条 测试。", encoding="utf-8")
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"id": "1", "query": "甲", "relevant": [{"doc": "甲条例"}]}\n', encoding="utf-8")
    first = sample(tmp_path / "laws", questions, size=3)
    assert first[0].stem == "甲条例" and len(first) == 3
    assert first == sample(tmp_path / "laws", questions, size=3)  # the same draw every time
    questions.write_text('{"id": "1", "query": "己", "relevant": [{"doc": "己条例"}]}\n', encoding="utf-8")
    with pytest.raises(FileNotFoundError, match="己条例"):
        sample(tmp_path / "laws", questions, size=3)


def test_the_plain_baseline_is_a_row_and_passage_questions_are_grouped_by_document(
    corpus: Path, tmp_path: Path
) -> None:
    searcher = Searcher.build(corpus, embedder=KeywordEmbedder(), cache_dir=tmp_path / "cache")
    questions = [
        Question("q1", "企业开办时限", "fact", [Entry("b")]),
        Question("q2", "12345热线", "keyword", [Entry("a")]),
    ]
    group_by = grouping("auto", questions)
    report = evaluate(searcher, questions, modes=["convex", "plain-bm25"], ks=[1, 5], group_by=group_by)
    assert group_by == "doc" and report["group_by"] == "doc"
    for mode in ("convex", "plain-bm25"):
        for ranked in report["modes"][mode]["runs"].values():
            docs = [ident.split("#")[0] for ident, _ in ranked]  # a chunk id (doc#path) or a doc_id
            assert len(docs) == len(set(docs))  # one entry per document
    plain = PlainBaseline(searcher.all_chunks(), "doc")
    assert [u.id for u in plain.units] == ["a", "b"] and "企业开办" in plain.units[1].text
    by_chunk = PlainBaseline(searcher.all_chunks())
    assert len(by_chunk.units) == len(searcher.all_chunks())
    assert "企业开办时限" in by_chunk.rank("企业开办时限", k=1)[0][0].text
