"""The search modes and rank fusion: which retrievers a mode runs, and how their rankings combine.

The fusions are small pure functions.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Literal, get_args

Mode = Literal["hybrid", "convex", "dense", "bm25"]
#: hybrid: RRF of dense and lexical, then the structure rules; convex: the same with a convex
#: combination of normalised scores instead of RRF; dense, bm25: one retriever, no rules.
MODES: tuple[str, ...] = get_args(Mode)
GroupBy = Literal["doc"] | None
#: How hits may be grouped: None (every chunk on its own) or "doc" (the best chunk of each document).
GROUPINGS: tuple[str | None, ...] = (None, "doc")
#: The modes that fuse both retrievers and apply the structure rules.
FUSED = ("hybrid", "convex")
#: The mode used when none is named: chosen by ``python -m eval.fusion`` leave-one-corpus-out over
#: five benchmarks (docs/search.md, "Choosing the default fusion").
DEFAULT_MODE: Mode = "convex"
#: Candidates taken from each retriever before fusion.
CANDIDATES = 100
#: Weight of the dense scores in the convex mode (the lexical ones get 1 − ALPHA): α 0.6–0.8 are
#: within 0.001 of each other over the five benchmarks and 0.7 holds on every one (docs/search.md).
ALPHA = 0.7
#: RRF constant (Cormack et al. 2009).
RRF_K = 60


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


def minmax(scores: Sequence[float]) -> list[float]:
    """Scale scores to [0, 1] by the list's own minimum and maximum (all 1.0 if they are equal)."""
    if not scores:
        return []
    low, high = min(scores), max(scores)
    if high <= low:
        return [1.0] * len(scores)
    return [(s - low) / (high - low) for s in scores]


def convex(
    dense: Sequence[tuple[Hashable, float]], lexical: Sequence[tuple[Hashable, float]], alpha: float = 0.7
) -> list[tuple[Hashable, float]]:
    """Convex combination of min-max normalised scores: ``alpha·dense + (1 − alpha)·lexical``.

    Bruch, Gai & Ingber (ACM TOIS 2023, "An Analysis of Fusion Functions for Hybrid
    Retrieval") find this beats RRF when the weight is set on held-in data, because it keeps
    how much better the top hit is than the rest, which RRF throws away. Per-query min-max
    scaling makes BM25's unbounded scores comparable with cosines. An item missing from one
    list gets 0 from it.

    Returns:
        (item, fused score) pairs, best first (ties by first appearance, dense list first).

    Example:
        >>> dense, lexical = [("a", 0.9), ("b", 0.85), ("c", 0.8)], [("b", 12.0), ("c", 3.0)]
        >>> [(i, round(s, 2)) for i, s in convex(dense, lexical)]     # b: 0.7 × 0.5 + 0.3 × 1
        [('a', 0.7), ('b', 0.65), ('c', 0.0)]
    """
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha={alpha} must lie in [0, 1]")
    scores: dict[Hashable, float] = {}
    for weight, ranking in ((alpha, dense), (1.0 - alpha, lexical)):
        for (item, _), scaled in zip(ranking, minmax([s for _, s in ranking]), strict=True):
            scores[item] = scores.get(item, 0.0) + weight * scaled
    order = {item: n for n, item in enumerate(dict.fromkeys([i for i, _ in dense] + [i for i, _ in lexical]))}
    return sorted(scores.items(), key=lambda kv: (-kv[1], order[kv[0]]))


def zscores(ranking: Sequence[tuple[Hashable, float]]) -> dict[Hashable, float]:
    """Each item's score in standard deviations from the list's mean (spread 1 when all are equal)."""
    if not ranking:
        return {}
    values = [s for _, s in ranking]
    mean = sum(values) / len(values)
    spread = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5 or 1.0
    return {item: (score - mean) / spread for item, score in ranking}


def passage_convex(
    dense: Sequence[tuple[Hashable, float]],
    lexical: Sequence[tuple[Hashable, float]],
    alpha: float,
    doc_of: Mapping[Hashable, str],
) -> list[tuple[Hashable, float]]:
    """Passages fused, not chunks: for passage benchmarks, where a passage is what is judged.

    Each retriever's score of a passage is its best chunk's; the passages' scores are z-scored
    over each list (min-max over a hundred candidates lets one outlier squash the rest) and
    combined ``alpha·dense + (1 − alpha)·lexical``, a passage missing from a list getting that
    list's lowest. A passage is shown by its chunk with the best fused z-score; scores are scaled
    to [0, 1] for the structure rules. One item per passage, best first.

    Example:
        >>> doc = {"a1": "A", "a2": "A", "b1": "B", "c1": "C"}
        >>> dense, lexical = [("a2", 0.9), ("b1", 0.8), ("c1", 0.7)], [("b1", 9.0), ("a1", 8.0), ("c1", 1.0)]
        >>> [(k, round(s, 2)) for k, s in passage_convex(dense, lexical, 0.7, doc)]
        [('a2', 1.0), ('b1', 0.66), ('c1', 0.0)]
    """

    def best(ranking: Sequence[tuple[Hashable, float]]) -> list[tuple[str, float]]:
        out: dict[str, float] = {}
        for key, score in ranking:
            out[doc_of[key]] = max(score, out.get(doc_of[key], float("-inf")))
        return list(out.items())

    zd, zl = zscores(best(dense)), zscores(best(lexical))
    low_d, low_l = min(zd.values(), default=0.0), min(zl.values(), default=0.0)
    passages = {d: alpha * zd.get(d, low_d) + (1 - alpha) * zl.get(d, low_l) for d in {**zd, **zl}}
    cd, cl = zscores(dense), zscores(lexical)
    cd_low, cl_low = min(cd.values(), default=0.0), min(cl.values(), default=0.0)
    shown: dict[str, tuple[float, Hashable]] = {}
    for key in dict.fromkeys([k for k, _ in dense] + [k for k, _ in lexical]):
        chunk = alpha * cd.get(key, cd_low) + (1 - alpha) * cl.get(key, cl_low)
        if doc_of[key] not in shown or chunk > shown[doc_of[key]][0]:
            shown[doc_of[key]] = (chunk, key)
    scaled = minmax(list(passages.values()))
    return sorted(((shown[d][1], s) for d, s in zip(passages, scaled, strict=True)), key=lambda kv: -kv[1])


def fuse(
    mode: str,
    dense: Sequence[tuple[Hashable, float]],
    lexical: Sequence[tuple[Hashable, float]],
    alpha: float = ALPHA,
    rrf_k: int = RRF_K,
) -> list[tuple[Hashable, float]]:
    """One query's candidates in a mode: either list alone, their RRF ("hybrid") or their convex fusion."""
    if mode == "dense":
        return list(dense)
    if mode == "bm25":
        return list(lexical)
    if mode == "hybrid":
        return rrf([[i for i, _ in dense], [i for i, _ in lexical]], k=rrf_k)
    return convex(dense, lexical, alpha)
