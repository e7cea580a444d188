"""An item as a comparison reads it: its body without label or duty notes, normalised, and its place.

Two versions of a notice or a regulation say the same thing with other numbers ("第八十一条" becomes
"第八十条" when an article before it is struck out), other spacing ("总 则"), other widths of
punctuation ("（" and "("), and a duty note that may change on its own (牵头单位, 完成时限). So an item
is compared by its body: the text without its label and its duty notes, NFKC-folded, without
whitespace. The units and the limit are compared apart (:mod:`web.changes.status`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from ingest import Chunk
from ingest.duties import without_notes
from ingest.numbering import parse_marker

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Item:
    r"""One item of a notice, ready to be compared.

    Attributes:
        chunk: The item as indexed.
        body: Its text without label and duty notes, as written (lines joined by "\n").
        key: ``body`` NFKC-folded without whitespace: two items with equal keys say the same.
        place: Its position in its notice, 0 (first) to 1 (last).
    """

    chunk: Chunk
    body: str
    key: str
    place: float

    @property
    def path(self) -> str:
        """The item's place in its notice's id (the chunk id after "#")."""
        return self.chunk.id.partition("#")[2]

    @property
    def heading(self) -> str:
        """Its nearest section heading and its label ("第六章 法律责任 第六十三条"; "" for neither)."""
        return " ".join(p for p in (*self.chunk.section[-1:], self.chunk.label) if p)


def body_of(chunk: Chunk) -> str:
    r"""An item's text without its opening label (as written) and without its duty notes.

    >>> from ingest.api import parse_text
    >>> c = parse_text("一、总体安排\n1.开展试点。（市数据局牵头）", doc_id="d").chunks[0]
    >>> body_of(c)
    '开展试点。'
    """
    text = chunk.text.strip()
    first, newline, rest = text.partition("\n")
    marker = parse_marker(first)
    if marker is not None and chunk.label and marker.label.replace(" ", "") == chunk.label.replace(" ", ""):
        text = marker.rest + newline + rest
    return without_notes(text).strip()


def unspaced(text: str) -> str:
    """The text without whitespace (a line break or a space inside Chinese text says nothing)."""
    return _SPACE.sub("", text)


def key_of(text: str) -> str:
    """The comparable form of a body: NFKC (full-width to half-width), no whitespace.

    >>> key_of("道路运输管理， 应当（公平）") == key_of("道路运输管理,应当(公平)")
    True
    """
    return unspaced(unicodedata.normalize("NFKC", text))


def items_of(chunks: Sequence[Chunk]) -> list[Item]:
    """The comparable items of one notice, in order (every chunk that has a body)."""
    kept = [(c, body_of(c)) for c in chunks]
    kept = [(c, b) for c, b in kept if key_of(b)]
    last = max(1, len(kept) - 1)
    return [Item(c, b, key_of(b), i / last) for i, (c, b) in enumerate(kept)]
