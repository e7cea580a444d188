"""Choosing the alignment's weights on the gold, each pair of documents left out in turn.

For each pair of documents held out, the weights of :class:`web.changes.align.Weights` that give
the best mean pair F1 (then status accuracy) on the others are chosen from a grid, and scored on
the one held out. The held-out figures say how the method does on documents it was not fitted
to; the weights chosen on all of them are the defaults if they agree.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np

from eval.alignment import GoldPair, pooled, report, score
from web.changes.align import Signals as PairSignals
from web.changes.align import Weights

#: The grid searched.
GRID = {"meaning": (0.0, 0.5, 1.0, 2.0), "chars": (0.0, 0.5, 1.0, 2.0), "place": (0.0, 0.15, 0.3, 0.6),
        "meaning_zero": (0.7, 0.8, 0.85), "floor": tuple(round(0.2 + 0.05 * k, 2) for k in range(13))}  # fmt: skip


class Signals:
    """A gold pair's signals, computed once with the bundled encoder (through the embedding cache)."""

    def __init__(self, paths_a: list[str], paths_b: list[str], signals: PairSignals) -> None:
        self.paths_a, self.paths_b, self.signals = paths_a, paths_b, signals

    @classmethod
    def of(cls, gold: GoldPair) -> Signals:
        """Encode both documents' bodies and compute the three signals."""
        from index.encoders.cache import embed_cached
        from index.encoders.factory import make_embedder

        embedder = _embedder(make_embedder)
        vecs = [embed_cached(embedder, [i.body for i in items]) for items in (gold.a, gold.b)]
        return cls([i.path for i in gold.a], [i.path for i in gold.b], PairSignals.of(gold.a, gold.b, *vecs))


_EMBEDDER: list = []


def _embedder(make):  # one encoder for every pair of documents
    if not _EMBEDDER:
        _EMBEDDER.append(make(None))
    return _EMBEDDER[0]


def predict(s: Signals, w: Weights) -> set[tuple[str, str]]:
    """The pairs chosen under ``w``, as (earlier path, later path)."""
    return {(s.paths_a[i], s.paths_b[j]) for j, (i, _) in s.signals.pairs(w).items()}


def grid() -> Iterator[Weights]:
    """Every weighting of :data:`GRID` (all-zero weightings left out)."""
    for values in itertools.product(*GRID.values()):
        w = Weights(**dict(zip(GRID, values, strict=True)))
        if w.meaning + w.chars + w.place > 0:
            yield w


def best(golds: list[GoldPair], signals: list[Signals]) -> tuple[Weights, float, float]:
    """The weights of best mean F1 (then mean status accuracy) over these pairs of documents."""
    top: tuple[float, float, Weights] | None = None
    for w in grid():
        results = [score(g, predict(s, w)) for g, s in zip(golds, signals, strict=True)]
        key = (float(np.mean([r["f1"] for r in results])), float(np.mean([r["status"] for r in results])))
        if top is None or key > top[:2]:
            top = (*key, w)
    assert top is not None
    return top[2], top[0], top[1]


def leave_one_out(golds: list[GoldPair], signals: list[Signals]) -> str:
    """Held-out figures of each pair of documents, and the weights chosen on all: a Markdown report."""
    held, lines = [], []
    for k, gold in enumerate(golds):
        w, _, _ = best(golds[:k] + golds[k + 1 :], signals[:k] + signals[k + 1 :])
        held.append(score(gold, predict(signals[k], w)))
        lines.append(f"- without {gold.name}: {w}")
    w_all, f1, status = best(golds, signals)
    return "\n".join(["Held out in turn (weights chosen on the others):", "", report(held), "",
                      "Weights chosen with each left out:", *lines, "",
                      f"On all: {w_all} (mean F1 {f1:.3f}, status {status:.3f}); pooled held-out F1 "
                      f"{pooled(held)['f1']:.3f}"])  # fmt: skip
