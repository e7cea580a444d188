"""Run gold questions through a searcher and measure every mode side by side."""

from __future__ import annotations

import platform
import time
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from eval.metrics import ap_at, hit_at, ndcg_at, percentile, precision_at, recall_at, rr_at
from eval.plain import PlainBaseline
from eval.relevance import Question, answered_ranks
from eval.significance import mean_interval
from index import Searcher
from index.encoders.base import backend_of

#: The textbook baseline's row (:mod:`eval.plain`), measured beside the search's modes.
PLAIN = PlainBaseline.name
#: Depth of the retrieved list that metrics look at (MRR@10, nDCG@10 need 10).
DEPTH = 10


def _summary(rows: list[dict[str, Any]], ks: Sequence[int]) -> dict[str, float]:
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    out: dict[str, float] = {"questions": len(rows), "answerable": len(answerable)}
    for k in ks:
        out[f"recall@{k}"] = _mean([recall_at(r["ranks"], k) for r in answerable])
        out[f"hit@{k}"] = _mean([hit_at(r["ranks"], k) for r in answerable])
        out[f"precision@{k}"] = _mean([precision_at(r["ranks"], k) for r in answerable])
    out["map@10"] = _mean([ap_at(r["ranks"], 10) for r in answerable])
    out["mrr@10"] = _mean([rr_at(r["ranks"], 10) for r in answerable])
    out["ndcg@10"] = _mean([ndcg_at(r["ranks"], 10, r["grades"]) for r in answerable])
    if 5 in ks:  # the chart's per-kind bars carry it: a kind of 2 questions is not a measurement of 1.0
        out["recall@5_ci"] = mean_interval([recall_at(r["ranks"], 5) for r in answerable])  # type: ignore[assignment]
    out["abstain_right"] = _mean([float(r["abstained"]) for r in unanswerable]) if unanswerable else None
    out["abstain_wrong"] = _mean([float(r["abstained"]) for r in answerable]) if answerable else None
    return out


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def evaluate(
    searcher: Searcher,
    questions: Sequence[Question],
    modes: Sequence[str] = ("convex", "hybrid", "dense", "bm25"),
    ks: Sequence[int] = (1, 3, 5, 10),
    show_progress: bool = False,
    group_by: str | None = None,
) -> dict[str, Any]:
    """Measure each mode on the questions (``group_by="doc"``: one chunk per document, for passage benchmarks).

    Returns:
        A report dict: per mode the metrics over answerable questions (recall@k, hit@k,
        precision@k, map@10, mrr@10, ndcg@10), abstention rates, latency p50/p95 of single questions (the mode's own
        stages, and the whole answer with the abstain rule's retrieval), a
        breakdown by ``kind``, the failures (with the top 3 returned), and each question's
        ranked chunk ids, or passage ids when grouped by document (for TREC run files).

    Example:
        >>> from eval.relevance import load_questions
        >>> report = evaluate(Searcher.open(), load_questions("eval/queries/dev.jsonl")[:3], modes=["bm25"])
        >>> report["modes"]["bm25"]["summary"]["questions"]
        3
    """
    ks = sorted(set(ks))
    depth = max(DEPTH, max(ks))
    report: dict[str, Any] = {
        "ks": ks,
        "questions": len(questions),
        "modes": {},
        "machine": _machine(),
        "model": searcher.embedder.name,
        "backend": backend_of(searcher.embedder),
        "reranker": searcher.reranker.info() if hasattr(searcher.reranker, "info") else None,
        "store": searcher.store.describe(),
        "chunks": len(searcher),
        "group_by": group_by,
    }
    baseline = PlainBaseline(searcher.all_chunks(), group_by) if PLAIN in modes else None
    for mode in modes:
        rows, latencies, answer_latencies = [], [], []
        iterator: Sequence[Question] = questions
        if show_progress:
            from tqdm import tqdm

            iterator = tqdm(questions, desc=f"eval {mode}", unit="q")
        for question in iterator:
            # One pass: each question is asked alone, as staff ask it. The result keeps its ranking
            # when it abstains (the ranking still counts for recall). The mode's latency is the time
            # of its own stages; the answer latency adds the retrieval only the abstain rule needs.
            started = time.perf_counter()
            if mode == PLAIN:
                assert baseline is not None
                units = baseline.rank(question.query, depth)
                answer_latencies.append((time.perf_counter() - started) * 1000)
                latencies.append(answer_latencies[-1])
                ranked = [(u.id, u.doc_id, u.text, score) for u, score in units]
                abstained = False
            else:
                (result,) = searcher.run([question.query], k=depth, mode=mode, with_abstain=True, group_by=group_by)
                answer_latencies.append((time.perf_counter() - started) * 1000)
                latencies.append(answer_latencies[-1] - result.timings.get("abstain", 0.0))
                ranked = [(h.id, h.doc_id, h.text, h.score) for h in result.hits]
                abstained = result.abstained
            ranks = answered_ranks(question, [(doc_id, text) for _, doc_id, text, _ in ranked])
            rows.append(
                {
                    "id": question.id,
                    "query": question.query,
                    "kind": question.kind,
                    "answerable": question.answerable,
                    "ranks": ranks,
                    "grades": [e.grade for e in question.relevant],
                    "abstained": abstained,
                    # passage-level runs name passages (as their qrels do); others name chunks
                    "ranked": [doc if group_by == "doc" else ident for ident, doc, _, _ in ranked],
                    "scores": [score for _, _, _, score in ranked],
                    "top3": [{"id": ident, "text": text[:120]} for ident, _, text, _ in ranked[:3]],
                    "missing": [
                        e.quote or e.doc for e, r in zip(question.relevant, ranks, strict=True) if r is None or r > 5
                    ],
                }
            )
        by_kind = defaultdict(list)
        for row in rows:
            by_kind[row["kind"] or "-"].append(row)
        report["modes"][mode] = {
            "summary": _summary(rows, ks),
            "latency_ms": {"p50": round(percentile(latencies, 50), 2), "p95": round(percentile(latencies, 95), 2)},
            "answer_latency_ms": {
                "p50": round(percentile(answer_latencies, 50), 2),
                "p95": round(percentile(answer_latencies, 95), 2),
            },
            "by_kind": {kind: _summary(group, ks) for kind, group in sorted(by_kind.items())},
            "failures": [
                {k: r[k] for k in ("id", "query", "kind", "ranks", "missing", "top3", "abstained")}
                for r in rows
                if (r["answerable"] and r["missing"]) or (r["answerable"] == r["abstained"])
            ],
            "runs": {r["id"]: list(zip(r["ranked"], r["scores"], strict=True)) for r in rows},
        }
    return report


def _machine() -> dict[str, Any]:
    import os

    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "system": platform.system(),
    }
