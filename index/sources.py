"""What can be indexed: notice files and directories, or chunks already made; checked before a store sees them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import ingest
from ingest import Chunk

#: Files or directories of notices (read with :func:`ingest.load`), or chunks.
Source = str | Path | Iterable[str | Path] | Sequence[Chunk]


def checked_chunks(chunks: list[Chunk]) -> list[Chunk]:
    """The chunks to index, checked.

    Raises:
        ValueError: if there is nothing to index or chunk ids repeat.
    """
    if not chunks:
        raise ValueError("nothing to index: no readable notices")
    seen: set[str] = set()
    for chunk in chunks:
        if chunk.id in seen:
            raise ValueError(f"chunk id {chunk.id!r} occurs twice; each notice must be indexed once")
        seen.add(chunk.id)
    return chunks


def as_chunks(source: Source) -> list[Chunk]:
    """Chunks as given, or read from files and directories."""
    if isinstance(source, (str, Path)):
        return ingest.load(source)
    items = list(source)
    if items and all(isinstance(c, Chunk) for c in items):
        return items  # type: ignore[return-value]
    return ingest.load(items)  # type: ignore[arg-type]
