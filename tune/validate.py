"""Validation of a tuning run: every corpus chunk ranked for each held-out question, with and without a reranker."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from index.rerank import DEPTH as RERANK_DEPTH
from index.rerank import CrossEncoderScorer, rerank
from tune.data import Pair


def _summary(best: Sequence[int | None]) -> dict[str, float]:
    """Hit@1, Hit@10 and MRR@10 over questions, from each question's best relevant rank (None: not found)."""
    from eval.metrics import hit_at, rr_at

    n = max(1, len(best))
    return {
        "hit@1": sum(hit_at([r], 1) for r in best) / n,
        "hit@10": sum(hit_at([r], 10) for r in best) / n,
        "mrr@10": sum(rr_at([r], 10) for r in best) / n,
        "questions": len(best),
    }


def rank_metrics(
    query_vectors: np.ndarray, chunk_vectors: np.ndarray, ids: Sequence[str], pairs: Sequence[Pair]
) -> dict[str, float]:
    """Hit@1/@10 and MRR@10 of the first relevant chunk when every chunk is ranked by cosine."""
    position = {cid: i for i, cid in enumerate(ids)}
    best: list[int | None] = []
    for row, pair in zip(query_vectors @ chunk_vectors.T, pairs, strict=True):
        order = np.argsort(-row, kind="stable")
        rank_of = np.empty(len(order), dtype=np.int64)
        rank_of[order] = np.arange(1, len(order) + 1)
        best.append(int(min(rank_of[position[p]] for p in pair.positives if p in position)))
    return _summary(best)


def rerank_metrics(
    reranker: Any,
    query_vectors: np.ndarray,
    chunk_vectors: np.ndarray,
    ids: Sequence[str],
    texts: Sequence[str],
    pairs: Sequence[Pair],
    depth: int = RERANK_DEPTH,
) -> tuple[dict[str, float], list[float]]:
    """The dense ranking with its top ``depth`` reordered by the rerank stage; and the ms per question."""
    scorer = CrossEncoderScorer(reranker)
    text_of = dict(enumerate(texts))
    best: list[int | None] = []
    times = []
    for row, pair in zip(query_vectors @ chunk_vectors.T, pairs, strict=True):
        head = [(int(i), float(row[i])) for i in np.argsort(-row, kind="stable")[:depth]]
        started = time.perf_counter()
        reordered = rerank(scorer, pair.question, head, text_of, depth)
        times.append((time.perf_counter() - started) * 1000)
        relevant = set(pair.positives)
        best.append(next((r for r, (i, _) in enumerate(reordered, 1) if ids[int(i)] in relevant), None))
    return _summary(best), times
