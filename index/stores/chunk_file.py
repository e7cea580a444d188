"""A chunk file read without parsing it whole: chunks are decoded when first asked for.

Opening a 111k-chunk index used to decode all of ``chunks.jsonl`` (≈ 3 s); a search needs a few
dozen chunks. :class:`LazyChunks` holds the file's bytes and each line's span, decodes a chunk on
first access and keeps it. Iterating decodes everything once (filters, updates, exports).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import overload

import numpy as np

from ingest import Chunk


class ChunkLines:
    """The lines of a JSON Lines chunk file, decoded on demand and kept (shared by every view of it)."""

    def __init__(self, path: Path) -> None:
        self.data = Path(path).read_bytes()
        ends = np.flatnonzero(np.frombuffer(self.data, dtype=np.uint8) == 0x0A)
        if len(self.data) and (not len(ends) or ends[-1] != len(self.data) - 1):
            ends = np.append(ends, len(self.data))  # a last line without its newline
        starts = np.concatenate([[0], ends[:-1] + 1]) if len(ends) else np.zeros(0, dtype=np.int64)
        keep = ends > starts  # blank lines are not chunks
        self.starts, self.ends = starts[keep].astype(np.int64), ends[keep].astype(np.int64)
        self._decoded: list[Chunk | None] = [None] * len(self.starts)
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
            self._decoded[line] = found
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
