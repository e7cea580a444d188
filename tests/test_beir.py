"""BEIR-layout benchmarks: the example of docs/evaluation.md, graded qrels, conversion, runs and eval.compare.

The example folder is built from the code blocks of docs/evaluation.md, so the page cannot drift
from what ``python -m eval --beir`` reads.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from eval.beir import load_beir, write_beir
from eval.compare import compare, per_question
from eval.compare import main as compare_main
from eval.relevance import Entry, Question, load_questions
from eval.runner import evaluate
from eval.runs import read_qrels, read_run
from index import Searcher
from index.paths import ROOT
from tests.fakes import KeywordEmbedder

_BLOCK = re.compile(r"```(?:json|text)\n(.*?)```", re.S)


def example(folder: Path) -> Path:
    """Write the BEIR example of docs/evaluation.md (its three blocks after the section title) into ``folder``."""
    page = (ROOT / "docs" / "evaluation.md").read_text(encoding="utf-8")
    section = page[page.index("## BEIR/MTEB-layout benchmarks") :]
    corpus, queries, qrels = _BLOCK.findall(section)[:3]
    (folder / "qrels").mkdir(parents=True)
    (folder / "corpus.jsonl").write_text(corpus, encoding="utf-8")
    (folder / "queries.jsonl").write_text(queries, encoding="utf-8")
    (folder / "qrels" / "test.tsv").write_text(qrels, encoding="utf-8")
    return folder


def test_the_documented_example_reads_as_graded_passage_questions(tmp_path: Path) -> None:
    beir = load_beir(example(tmp_path / "beir"))
    questions = {q.id: q for q in beir.questions}
    assert set(questions) == {"q1", "q2", "q3", "q4"}
    assert questions["q1"].relevant == [Entry("p1", None, 2), Entry("p4", None, 1)]
    assert questions["q1"].kind == "department" and questions["q1"].query == "12345热线由哪个部门牵头"
    assert not questions["q4"].answerable  # judged, nothing relevant
    assert beir.missing_passages == 0


def test_python_m_eval_beir_measures_the_example_and_writes_runs_compare_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The whole path with a fake encoder: eval --beir → runs + graded qrels → eval.compare gives the same means."""
    import eval.__main__ as cli

    monkeypatch.setattr(cli, "embedder_of", lambda args: KeywordEmbedder())
    folder = example(tmp_path / "beir")
    out = tmp_path / "out"
    assert cli.main(["--beir", str(folder), "--modes", "bm25,plain-bm25", "--k", "1,5,10", "--out", str(out)]) == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["group_by"] == "doc" and report["questions"] == 4
    bm25 = report["modes"]["bm25"]["summary"]
    assert bm25["answerable"] == 3 and bm25["abstain_right"] is not None
    qrels = read_qrels(out / "qrels.trec")
    assert qrels["q1"] == {"p1": 2, "p4": 1}  # passage ids, graded
    run = read_run(out / "runs" / "bm25.trec")
    assert all(doc.startswith("p") and "#" not in doc for ranked in run.values() for doc, _ in ranked)
    as_json = read_run(out / "runs" / "bm25.json")  # the same lists (TREC has no line for an empty one)
    assert {qid: ranked for qid, ranked in as_json.items() if ranked} == run
    for metric, key in (("ndcg@10", "ndcg@10"), ("mrr@10", "mrr@10"), ("recall@5", "recall@5")):
        values = per_question(run, qrels, metric)
        assert sum(values.values()) / len(values) == pytest.approx(bm25[key])
    capsys.readouterr()
    runs = [str(out / "runs" / "plain-bm25.trec"), str(out / "runs" / "bm25.json")]
    assert compare_main([*runs, "--qrels", str(folder)]) == 0  # a BEIR folder's qrels are the same
    printed = capsys.readouterr().out
    assert "3 judged questions" in printed and "ndcg@10" in printed


def test_graded_ndcg_comes_from_the_grades(tmp_path: Path) -> None:
    """q1's partly relevant passage first and its full answer second: nDCG below 1, by the linear-gain formula."""
    run = {"q1": [("p4", 2.0), ("p1", 1.0)]}
    qrels = {"q1": {"p1": 2, "p4": 1}}
    (value,) = per_question(run, qrels, "ndcg@10").values()
    assert value == pytest.approx((1 + 2 / math.log2(3)) / (2 + 1 / math.log2(3)))
    assert per_question({"q1": [("p1", 2.0), ("p4", 1.0)]}, qrels, "ndcg@10") == {"q1": 1.0}


def test_a_gold_set_converted_to_beir_gives_the_same_figures(corpus: Path, tmp_path: Path) -> None:
    """Gold-format questions over a passages.jsonl, and the BEIR folder written from them: equal reports."""
    passages = tmp_path / "passages.jsonl"
    chunks = Searcher.build(corpus, embedder=KeywordEmbedder(), cache_dir=tmp_path / "c0").all_chunks()
    docs: dict[str, list[str]] = {}
    for chunk in chunks:
        docs.setdefault(chunk.doc_id, []).append(chunk.text)
    passages.write_text(
        "".join(json.dumps({"id": d, "text": "\n".join(t)}, ensure_ascii=False) + "\n" for d, t in docs.items()),
        encoding="utf-8",
    )
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        '{"id": "g1", "query": "企业开办时限", "kind": "fact", "relevant": [{"doc": "b"}]}\n'
        '{"id": "g2", "query": "12345热线", "kind": "keyword", "relevant": [{"doc": "a", "grade": 2}, {"doc": "b"}]}\n'
        '{"id": "g3", "query": "护照", "kind": "unanswerable", "relevant": []}\n',
        encoding="utf-8",
    )
    assert write_beir(load_questions(gold), passages, tmp_path / "beir") == (len(docs), 3)
    beir = load_beir(tmp_path / "beir")
    reports = []
    for questions, corpus_file in ((load_questions(gold), passages), (beir.questions, beir.corpus)):
        searcher = Searcher.build(corpus_file, embedder=KeywordEmbedder(), cache_dir=tmp_path / "c1")
        report = evaluate(searcher, questions, modes=["bm25", "convex"], ks=[1, 5], group_by="doc")
        reports.append({m: r["summary"] for m, r in report["modes"].items()})
        reports[-1]["runs"] = {m: r["runs"] for m, r in report["modes"].items()}
    assert reports[0] == reports[1]


def test_a_quote_judged_set_is_refused_and_bad_folders_are_named(tmp_path: Path) -> None:
    quoted = [Question("q", "问", "", [Entry("d", "引文")])]
    with pytest.raises(ValueError, match="judge by quote"):
        write_beir(quoted, tmp_path / "none.jsonl", tmp_path / "out")
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "corpus.jsonl").write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match="queries.jsonl"):
        load_beir(tmp_path / "half")
    folder = example(tmp_path / "beir")
    (folder / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq9\tp1\t1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="q9"):
        load_beir(folder)
    (folder / "qrels" / "test.tsv").write_text("q1\tp1\tgood\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"test.tsv:1: the grade 'good'"):
        load_beir(folder)


def test_compare_holds_to_what_ranx_printed_on_the_fixture() -> None:
    """Means, t-test p-values and randomization p-values of ranx 0.3.21 (docs/experiments/ranx_check.py)."""
    data = ROOT / "tests" / "data" / "ranx"
    qrels = read_qrels(data / "qrels.trec")
    runs = [(name, read_run(data / f"{name}.trec")) for name in ("a", "b")]
    ranx = {  # metric: (mean a, mean b, Student p, Fisher p with 10,000 permutations)
        "ndcg@10": (0.575967, 0.677576, 0.116133, 0.1094),
        "mrr@10": (0.670952, 0.8225, 0.063886, 0.066),
        "recall@5": (0.475, 0.65, 0.03205, 0.0361),
        "hit@3": (0.65, 0.825, 0.050914, 0.0885),
    }
    report = compare(runs, qrels, list(ranx))
    assert report["questions"] == 40
    for metric, (mean_a, mean_b, p_t, p_fisher) in ranx.items():
        entry = report["metrics"][metric]
        assert entry["means"] == pytest.approx([mean_a, mean_b], abs=1e-6)
        (against,) = entry["against"]
        assert against["p_t"] == pytest.approx(p_t, abs=1e-6)
        # two independent 10,000-permutation estimates: their difference has sd √(2p(1-p)/10⁴)
        assert abs(against["p_fisher"] - p_fisher) <= 4 * math.sqrt(2 * p_fisher * (1 - p_fisher) / 10_000)
    # four metrics, one family: Holm's step-down over the larger of each comparison's two p-values
    family = [
        max(report["metrics"][m]["against"][0]["p_t"], report["metrics"][m]["against"][0]["p_fisher"]) for m in ranx
    ]
    order = sorted(range(4), key=lambda i: family[i])
    expected, running = [0.0] * 4, 0.0
    for step, i in enumerate(order):
        running = max(running, min(1.0, (4 - step) * family[i]))
        expected[i] = running
    assert [report["metrics"][m]["against"][0]["p_holm"] for m in ranx] == pytest.approx(expected)
    assert report["warnings"] == [
        "4 comparisons: * uses Holm-adjusted p-values (family-wise error at the level chosen)"
    ]
    few = compare(runs, {q: qrels[q] for q in list(qrels)[:2]}, ["recall@5"])
    assert few["questions"] == 2 and few["warnings"][0].startswith("only 2 judged questions")


def test_run_and_qrels_files_refuse_what_they_cannot_read(tmp_path: Path) -> None:
    bad = tmp_path / "bad.trec"
    bad.write_text("q1 Q0 d1 1 high run\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.trec:1"):
        read_run(bad)
    bad.write_text("q1 d1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.trec:1"):
        read_qrels(bad)
    with pytest.raises(ValueError, match="unknown metric"):
        per_question({}, {}, "map@10")
