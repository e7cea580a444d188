"""A chunk file read without parsing it whole: chunks are decoded when first asked for.

Opening a 111k-chunk index used to decode all of ``chunks.jsonl`` (≈ 3 s); a search needs a few
dozen chunks. :class:`LazyChunks` maps the file (a million chunks' lines are ≈ 1 GB that need not
stay in memory), keeps each line's span, decodes a chunk on first access and keeps it. Iterating
decodes everything once (filters, exports).
"""

from __future__ import annotations

import json
import mmap
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, overload

import numpy as np

from ingest import Chunk

_SCAN = 64 << 20
#: Decoded chunks kept per file (then dropped and decoded again as asked for).
DECODED_KEPT = 200_000


def _mapped(path: Path) -> bytes | mmap.mmap:
    """The file's bytes, memory-mapped (pages are read when touched and can be dropped), or b"" if empty."""
    with path.open("rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return b""
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)


def _newlines(data: bytes | mmap.mmap) -> np.ndarray:
    """Positions of the newline bytes, found 64 MiB at a time (not a boolean array the file's size)."""
    view = np.frombuffer(data, dtype=np.uint8)
    parts = [np.flatnonzero(view[at : at + _SCAN] == 0x0A) + at for at in range(0, len(view), _SCAN)]
    return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, dtype=np.int64)


class ChunkLines:
    """The lines of a JSON Lines chunk file, decoded on demand and kept (shared by every view of it)."""

    def __init__(self, path: Path) -> None:
        self.data = _mapped(Path(path))
        ends = _newlines(self.data)
        if len(self.data) and (not len(ends) or ends[-1] != len(self.data) - 1):
            ends = np.append(ends, len(self.data))  # a last line without its newline
        starts = np.concatenate([[0], ends[:-1] + 1]) if len(ends) else np.zeros(0, dtype=np.int64)
        keep = ends > starts  # blank lines are not chunks
        self.starts, self.ends = starts[keep].astype(np.int64), ends[keep].astype(np.int64)
        self._decoded: list[Chunk | None] = [None] * len(self.starts)
        self._kept = 0
        self.path = Path(path)

    def __len__(self) -> int:
        return len(self.starts)

    def chunk(self, line: int) -> Chunk:
        """The chunk on line ``line`` (0-based, blank lines not counted).

        Raises:
            ValueError: if that line is not a chunk record (the message names the file and line).
        """
        found = self._decoded[line]
        if found is None:
            raw = self.data[self.starts[line] : self.ends[line]]
            try:
                found = Chunk.from_dict(json.loads(raw))
            except (ValueError, TypeError) as exc:
                raise ValueError(f"{self.path}: record {line + 1} is not a chunk ({exc})") from exc
            if self._kept >= DECODED_KEPT:  # bounded: a long run over a large file does not keep it all decoded
                self._decoded = [None] * len(self.starts)
                self._kept = 0
            self._decoded[line] = found
            self._kept += 1
        return found


class LazyChunks(Sequence[Chunk]):
    r"""A list of chunks: chosen lines of a :class:`ChunkLines` file, then chunks held in memory.

    Example:
        >>> import tempfile
        >>> from ingest import parse_text
        >>> chunks = parse_text("一、任务\n1.推进。（市数据局牵头）\n2.落实。（市财政局牵头）", "d").chunks
        >>> path = Path(tempfile.mkdtemp()) / "chunks.jsonl"
        >>> _ = path.write_text("".join(c.to_json() + "\n" for c in chunks), encoding="utf-8")
        >>> lazy = LazyChunks(ChunkLines(path), np.array([1]), chunks[:1])
        >>> [c.id for c in lazy] == [chunks[1].id, chunks[0].id]
        True
    """

    def __init__(self, lines: ChunkLines, rows: np.ndarray | None = None, tail: Sequence[Chunk] = ()) -> None:
        self.lines = lines
        self.rows = np.arange(len(lines), dtype=np.int64) if rows is None else np.asarray(rows, dtype=np.int64)
        self.tail = list(tail)

    def __len__(self) -> int:
        return len(self.rows) + len(self.tail)

    @overload
    def __getitem__(self, index: int) -> Chunk: ...

    @overload
    def __getitem__(self, index: slice) -> list[Chunk]: ...

    def __getitem__(self, index: int | slice) -> Chunk | list[Chunk]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"chunk {index} out of range ({len(self)} chunks)")
        if index < len(self.rows):
            return self.lines.chunk(int(self.rows[index]))
        return self.tail[index - len(self.rows)]

    def __iter__(self) -> Iterator[Chunk]:
        for row in self.rows.tolist():
            yield self.lines.chunk(row)
        yield from self.tail

    def write_lines(self, handle: BinaryIO) -> None:
        """Write the chunks as JSON Lines: lines of the file copied as they are, the rest encoded."""
        data = self.lines.data
        for start, end in zip(self.lines.starts[self.rows].tolist(), self.lines.ends[self.rows].tolist(), strict=True):
            handle.write(data[start:end])
            handle.write(b"\n")
        for chunk in self.tail:
            handle.write(chunk.to_json().encode("utf-8") + b"\n")
