"""Compare two notices (or two versions of a regulation): every item kept, reworded, new or dropped."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ingest import Chunk
from web.changes.align import Weights, align
from web.changes.items import Item, items_of
from web.changes.status import CHANGES, STATUSES, Change, pair_change, single_change

#: Encodes passages into unit vectors, one row each (the index's encoder, through its cache).
Encode = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class Side:
    """One notice of a comparison: its id, title, date and 文号."""

    doc_id: str
    title: str
    date: str
    doc_number: str

    @classmethod
    def of(cls, doc_id: str, chunks: Sequence[Chunk]) -> Side:
        """The side of a notice from its chunks."""
        first = chunks[0] if chunks else None
        return cls(doc_id, first.title if first else doc_id, (first.date or "") if first else "",
                   (first.doc_number or "") if first else "")  # fmt: skip

    def titled(self, info: Any) -> Side:
        """This side with the library's title and date (a NoticeInfo's) where its chunks name none."""
        title = self.title if self.title and self.title != self.doc_id else info.title or self.title
        return Side(self.doc_id, title, self.date or info.date or "", self.doc_number)


@dataclass(frozen=True)
class Comparison:
    """Two notices side by side.

    Attributes:
        before: The earlier notice.
        after: The later notice.
        rows: One :class:`~web.changes.status.Change` per pair or lone item, in the later
            notice's order, each dropped item after the one it followed.
    """

    before: Side
    after: Side
    rows: tuple[Change, ...]

    def counts(self) -> dict[str, int]:
        """How many rows have each status and each change beside the text (zeros included)."""
        have = Counter(r.status for r in self.rows) + Counter(c for r in self.rows for c in r.changes)
        return {name: have.get(name, 0) for name in (*STATUSES, *CHANGES)}

    def summary(self) -> str:
        """One line of counts, such as "修改 3，新增 1，删除 0，保留 80，牵头单位变化 0，…"."""
        return "，".join(f"{k} {v}" for k, v in self.counts().items())


def vectors(items: Sequence[Item], encode: Encode) -> np.ndarray:
    """The bodies' vectors (an empty 0-row matrix for no items)."""
    if not items:
        return np.zeros((0, 1), dtype=np.float32)
    return np.asarray(encode([i.body for i in items]), dtype=np.float32)


def compare(
    before: tuple[str, Sequence[Chunk]], after: tuple[str, Sequence[Chunk]], encode: Encode,
    weights: Weights | None = None,
) -> Comparison:  # fmt: skip
    """Align the items of two notices, each given as (doc_id, chunks in order), and mark each row.

    Raises:
        ValueError: if a notice has more items than :data:`web.changes.align.MAX_ITEMS`.
    """
    a, b = items_of(before[1]), items_of(after[1])
    rows = []
    for i, j, score in align(a, b, vectors(a, encode), vectors(b, encode), weights):
        if i is not None and j is not None:
            rows.append(pair_change(a[i], b[j], score))
        else:
            rows.append(single_change(a[i] if i is not None else None, b[j] if j is not None else None))
    return Comparison(Side.of(before[0], before[1]), Side.of(after[0], after[1]), tuple(rows))
