"""Rank fusion as small pure functions."""

from __future__ import annotations

from collections.abc import Hashable, Sequence


def rrf(
    rankings: Sequence[Sequence[Hashable]], k: int = 60, weights: Sequence[float] | None = None
) -> list[tuple[Hashable, float]]:
    """Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009).

    Each list contributes ``weight / (k + rank)`` (rank from 1) to every item it holds. Ranks,
    not scores, are fused because BM25 scores are unbounded and unnormalised while cosine
    scores live in [-1, 1]; RRF needs no calibration between them and is robust to either
    list being poor. Ties are broken by first appearance.

    Returns:
        (item, fused score) pairs, best first.

    Example:
        >>> [item for item, _ in rrf([["a", "b", "c"], ["c", "a"]])]
        ['a', 'c', 'b']
    """
    weights = weights or [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError(f"{len(weights)} weights for {len(rankings)} rankings")
    scores: dict[Hashable, float] = {}
    order: dict[Hashable, int] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, 1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
            order.setdefault(item, len(order))
    return sorted(scores.items(), key=lambda kv: (-kv[1], order[kv[0]]))
