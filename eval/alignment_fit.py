"""``python -m eval.alignment_fit``: the alignment's weights chosen on the gold, each pair of documents left out.

For each pair of documents held out, the weights of :class:`web.changes.align.Weights` that give
the best mean pair F1 (then status accuracy) on the others are chosen from a grid, and scored on
the one held out. The held-out figures say how the method does on documents it was not fitted
to; the weights chosen on all of them are the defaults if they agree.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from eval.alignment import CORPUS, GOLD, GoldPair, Signals, load_gold, pooled, predict, report, score
from web.changes.align import Weights

#: The grid searched.
GRID = {"meaning": (0.0, 0.5, 1.0, 2.0), "chars": (0.0, 0.5, 1.0, 2.0), "place": (0.0, 0.15, 0.3, 0.6),
        "meaning_zero": (0.7, 0.8, 0.85), "floor": tuple(round(0.2 + 0.05 * k, 2) for k in range(13))}  # fmt: skip


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


def main(argv: list[str] | None = None) -> int:
    """Print the held-out figures and the weights chosen; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m eval.alignment_fit", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the shared corpus folder")
    args = parser.parse_args(argv)
    golds = load_gold(GOLD, args.corpus)
    print(leave_one_out(golds, [Signals.of(g) for g in golds]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
