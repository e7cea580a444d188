"""Retrieval metrics over entry ranks (each relevant entry counts once, at its best rank).

A question's result is the list of its entries' best ranks (1-based; ``None`` = not found in
the retrieved list). Every function here is pure and small.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Ranks = Sequence[int | None]


def recall_at(ranks: Ranks, k: int) -> float:
    """Share of entries answered within the top ``k``.

    >>> recall_at([1, 4, None], 3)
    0.3333333333333333
    """
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks) if ranks else 0.0


def hit_at(ranks: Ranks, k: int) -> float:
    """1.0 when any entry is answered within the top ``k``."""
    return float(any(r is not None and r <= k for r in ranks))


def rr_at(ranks: Ranks, k: int = 10) -> float:
    """Reciprocal rank of the first answered entry, 0 beyond ``k``.

    >>> rr_at([4, None, 2])
    0.5
    """
    found = [r for r in ranks if r is not None and r <= k]
    return 1.0 / min(found) if found else 0.0


def precision_at(ranks: Ranks, k: int) -> float:
    """Share of the top ``k`` that are answered entries (trec_eval's ``P_k``, each entry at its best rank).

    >>> precision_at([1, 4, None], 5)
    0.4
    """
    return sum(1 for r in ranks if r is not None and r <= k) / k


def ap_at(ranks: Ranks, k: int = 10) -> float:
    """Average precision within the top ``k`` over every entry (trec_eval's ``map_cut_k``): unfound entries add 0.

    >>> ap_at([1, 4, None])  # (1/1 + 2/4) / 3
    0.5
    """
    found = sorted(r for r in ranks if r is not None and r <= k)
    return sum(i / r for i, r in enumerate(found, 1)) / len(ranks) if ranks else 0.0


def ndcg_at(ranks: Ranks, k: int = 10, grades: Sequence[float] | None = None) -> float:
    """Normalised DCG with linear gains (trec_eval's and ranx's ``ndcg``), capped at 1.

    Each answered entry adds grade/log2(rank+1) (grade 1 when no grades are given); the ideal
    puts the entries, highest grade first, at ranks 1…k. The cap matters when one chunk answers
    two entries at the same rank.

    >>> round(ndcg_at([1, 3]), 4)   # (1 + 1/2) / (1 + 1/log2(3))
    0.9197
    >>> round(ndcg_at([2, 1], grades=[2, 1]), 4)   # (2/log2(3) + 1) / (2 + 1/log2(3))
    0.8597
    """
    if not ranks:
        return 0.0
    gains = list(grades) if grades is not None else [1.0] * len(ranks)
    dcg = sum(g / math.log2(r + 1) for r, g in zip(ranks, gains, strict=True) if r is not None and r <= k)
    ideal = sum(g / math.log2(i + 1) for i, g in enumerate(sorted(gains, reverse=True)[:k], 1))
    return min(1.0, dcg / ideal) if ideal > 0 else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0–100) by linear interpolation; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)
