"""Validation of a tuning run: every corpus chunk ranked for each held-out question, with and without a reranker."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from index.rerank import DEPTH as RERANK_DEPTH
from index.tune_data import Pair


def rank_metrics(
    query_vectors: np.ndarray, chunk_vectors: np.ndarray, ids: Sequence[str], pairs: Sequence[Pair]
) -> dict[str, float]:
    """Hit@1/@10 and MRR@10 of the first relevant chunk when every chunk is ranked by cosine."""
    from eval.metrics import hit_at, rr_at

    position = {cid: i for i, cid in enumerate(ids)}
    scores = query_vectors @ chunk_vectors.T
    hits1, hits10, rrs = [], [], []
    for row, pair in zip(scores, pairs, strict=True):
        order = np.argsort(-row, kind="stable")
        rank_of = np.empty(len(order), dtype=np.int64)
        rank_of[order] = np.arange(1, len(order) + 1)
        best = [int(min(rank_of[position[p]] for p in pair.positives if p in position))]
        hits1.append(hit_at(best, 1))
        hits10.append(hit_at(best, 10))
        rrs.append(rr_at(best, 10))
    n = max(1, len(pairs))
    return {"hit@1": sum(hits1) / n, "hit@10": sum(hits10) / n, "mrr@10": sum(rrs) / n, "questions": len(pairs)}


def rerank_metrics(
    reranker: Any,
    query_vectors: np.ndarray,
    chunk_vectors: np.ndarray,
    ids: Sequence[str],
    texts: Sequence[str],
    pairs: Sequence[Pair],
    depth: int = RERANK_DEPTH,
) -> tuple[dict[str, float], list[float]]:
    """The dense ranking with its top ``depth`` reordered by the reranker; and the ms per question."""
    from eval.metrics import hit_at, rr_at

    relevant_sets = [set(p.positives) for p in pairs]
    scores = query_vectors @ chunk_vectors.T
    hits1, hits10, rrs, times = [], [], [], []
    for row, pair, relevant in zip(scores, pairs, relevant_sets, strict=True):
        order = [int(i) for i in np.argsort(-row, kind="stable")[:depth]]
        started = time.perf_counter()
        logits = reranker.predict([(pair.question, texts[i]) for i in order], batch_size=depth, show_progress_bar=False)
        times.append((time.perf_counter() - started) * 1000)
        top = [order[i] for i in np.argsort(-np.asarray(logits), kind="stable")]
        found = [r for r, i in enumerate(top, 1) if ids[i] in relevant]
        best = [found[0] if found else None]
        hits1.append(hit_at(best, 1))
        hits10.append(hit_at(best, 10))
        rrs.append(rr_at(best, 10))
    n = max(1, len(pairs))
    return {"hit@1": sum(hits1) / n, "hit@10": sum(hits10) / n, "mrr@10": sum(rrs) / n, "questions": len(pairs)}, times
