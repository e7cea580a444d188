"""Which item of the earlier notice became which of the later: alignment by meaning, characters and place.

Each pair of items gets one score from three signals:

- **meaning**: the cosine of the two bodies' vectors from the encoder the index uses (so a task
  reworded from 领购 to 领用, or moved to another section, still finds its counterpart);
- **characters**: the Dice overlap of the bodies' character bigrams (what stays the same word for
  word, which the encoder blurs between two items of one topic);
- **place**: how near the two items sit in their notices, 0 to 1 (a regulation keeps its order; a
  yearly 工作要点 mostly does).

The pairs are chosen once for all (the assignment of largest total score, :func:`scipy.optimize.
linear_sum_assignment`), so one later item cannot take two earlier ones, and a pair is kept only
when its score reaches :attr:`Weights.floor`; what is left over is new or dropped. The weights
and the floor were chosen on the hand-checked pairs of ``eval/alignment/gold.jsonl``, each corpus
left out in turn (docs/compare.md, ``python -m eval.alignment``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix

from web.changes.items import Item

#: The most items of one notice compared (a pair's score matrix is items × items).
MAX_ITEMS = 3000


@dataclass(frozen=True)
class Weights:
    """How the three signals add up, and the score a pair must reach.

    Attributes:
        meaning: Weight of the encoder's cosine, rescaled so that ``meaning_zero`` counts as 0.
        chars: Weight of the character-bigram overlap.
        place: Weight of nearness in the notice.
        meaning_zero: The cosine that counts as no likeness at all (the encoder rates any two
            Chinese passages of one field well above 0).
        floor: The least score of a kept pair.
    """

    meaning: float = 1.0
    chars: float = 0.5
    place: float = 0.3
    meaning_zero: float = 0.85
    floor: float = 0.55


def _bigrams(key: str) -> set[str]:
    return {key[i : i + 2] for i in range(len(key) - 1)} or {key}


def char_overlap(a: Sequence[str], b: Sequence[str]) -> np.ndarray:
    """Dice overlap of the character bigrams of every key of ``a`` with every key of ``b`` (0 to 1).

    >>> char_overlap(["加快建设平台"], ["加快建设平台", "完善制度"]).round(2).tolist()
    [[1.0, 0.0]]
    """
    vocabulary: dict[str, int] = {}
    rows = []
    for keys in (a, b):
        data, cols, ptr = [], [], [0]
        for key in keys:
            grams = _bigrams(key)
            cols.extend(vocabulary.setdefault(g, len(vocabulary)) for g in grams)
            data.extend([1.0] * len(grams))
            ptr.append(len(cols))
        rows.append((data, cols, ptr))
    a_m, b_m = (csr_matrix((d, c, p), shape=(len(p) - 1, max(1, len(vocabulary)))) for d, c, p in rows)
    shared = (a_m @ b_m.T).toarray()
    sizes = np.asarray(a_m.sum(axis=1)).reshape(-1, 1) + np.asarray(b_m.sum(axis=1)).reshape(1, -1)
    return 2 * shared / np.maximum(sizes, 1)


@dataclass(frozen=True)
class Signals:
    """The three signals of every pair of items (rows: earlier items, columns: later ones)."""

    cosine: np.ndarray
    chars: np.ndarray
    place: np.ndarray

    @classmethod
    def of(cls, a: Sequence[Item], b: Sequence[Item], a_vecs: np.ndarray, b_vecs: np.ndarray) -> Signals:
        """The signals of two notices' items; ``a_vecs`` and ``b_vecs`` are their bodies' unit vectors."""
        cosine = np.asarray(a_vecs, dtype=np.float32) @ np.asarray(b_vecs, dtype=np.float32).T
        where_a = np.array([i.place for i in a]).reshape(-1, 1)
        place = 1 - np.abs(where_a - np.array([i.place for i in b]).reshape(1, -1))
        return cls(cosine, char_overlap([i.key for i in a], [i.key for i in b]), place)

    def scores(self, w: Weights) -> np.ndarray:
        """Every pair's score under the weights, 0 to 1."""
        meaning = np.clip((self.cosine - w.meaning_zero) / (1 - w.meaning_zero), 0, 1)
        total = w.meaning * meaning + w.chars * self.chars + w.place * self.place
        return total / max(1e-9, w.meaning + w.chars + w.place)

    def pairs(self, w: Weights) -> dict[int, tuple[int, float]]:
        """The chosen pairs: later index -> (earlier index, score), each scoring at least ``w.floor``."""
        if not self.cosine.size:
            return {}
        s = self.scores(w)
        rows, cols = linear_sum_assignment(-s)
        return {int(j): (int(i), float(s[i, j])) for i, j in zip(rows, cols, strict=True) if s[i, j] >= w.floor}


def align(
    a: Sequence[Item], b: Sequence[Item], a_vecs: np.ndarray, b_vecs: np.ndarray, w: Weights | None = None
) -> list[tuple[int | None, int | None, float]]:
    """The items of ``a`` and ``b`` side by side: (index in a, index in b, score), in the later notice's order.

    A pair has both indexes; a dropped item of ``a`` has ``None`` for b, a new item of ``b`` has
    ``None`` for a. Each dropped item follows the item it came after in ``a``.

    Raises:
        ValueError: if either side has more than :data:`MAX_ITEMS` items.
    """
    for side, items in (("earlier", a), ("later", b)):
        if len(items) > MAX_ITEMS:
            raise ValueError(f"the {side} notice has {len(items)} items; at most {MAX_ITEMS} are compared")
    matched = Signals.of(a, b, a_vecs, b_vecs).pairs(w or Weights()) if a and b else {}
    return _in_order(len(a), len(b), matched)


def _in_order(n_a: int, n_b: int, matched: dict[int, tuple[int, float]]) -> list[tuple[int | None, int | None, float]]:
    """Later notice's order, each dropped item placed after the pair of its nearest earlier neighbour."""
    paired_a = {i: j for j, (i, _) in matched.items()}
    after: dict[int, list[int]] = {}  # b index (or -1 for the start) -> dropped a items placed after it
    anchor = -1
    for i in range(n_a):
        if i in paired_a:
            anchor = paired_a[i]
        else:
            after.setdefault(anchor, []).append(i)
    rows: list[tuple[int | None, int | None, float]] = [(i, None, 0.0) for i in after.get(-1, [])]
    for j in range(n_b):
        i, score = matched.get(j, (None, 0.0))
        rows.append((i, j, score))
        rows.extend((d, None, 0.0) for d in after.get(j, []))
    return rows
