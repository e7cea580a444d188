"""A checksum of every file of a local index, recorded at save and verified at open.

Like Lucene's CRC32 footer per file: a truncated, zeroed, flipped or missing file is refused
by name before FAISS or NumPy reads it, instead of answering differently or crashing. CRC32
(zlib; twice SHA-256's speed here, docs/experiments/checksum_speed.py) catches accidental damage; it is not a
defence against someone who can write the index folder (they could rewrite the manifest too).
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from pathlib import Path

from index.errors import IndexMismatchError

#: Files the manifest cannot record (it holds the records).
UNRECORDED = frozenset({"manifest.json"})
_BLOCK = 1 << 20


def crc32_of(path: Path) -> str:
    """The CRC32 of a file's bytes, as 8 hex digits."""
    value = 0
    with Path(path).open("rb") as handle:
        while block := handle.read(_BLOCK):
            value = zlib.crc32(block, value)
    return f"{value:08x}"


def record(folder: Path, known: Mapping[str, dict[str, object]] | None = None) -> dict[str, dict[str, object]]:
    """``{relative path: {"size", "crc32"}}`` for every file under ``folder`` but the manifest.

    ``known`` entries are reused for files of the same size (base files hard-linked from the
    previous save are not read again).
    """
    folder = Path(folder)
    out: dict[str, dict[str, object]] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if name in UNRECORDED:
            continue
        size = path.stat().st_size
        old = (known or {}).get(name)
        if old is not None and old.get("size") == size:
            out[name] = dict(old)
        else:
            out[name] = {"size": size, "crc32": crc32_of(path)}
    return out


def verify(folder: Path, recorded: Mapping[str, Mapping[str, object]], repair: str) -> None:
    """Check every recorded file: present, of its size, of its CRC32.

    Raises:
        IndexMismatchError: naming the first damaged file, what is wrong, and ``repair``.
    """
    folder = Path(folder)
    for name, expected in recorded.items():
        path = folder / name
        problem = None
        if not path.is_file():
            problem = "is missing"
        elif (size := path.stat().st_size) != expected.get("size"):
            problem = f"has {size:,} bytes, the manifest recorded {expected.get('size'):,}"
        elif crc32_of(path) != expected.get("crc32"):
            problem = "does not match its recorded checksum (damaged on disk)"
        if problem:
            raise IndexMismatchError(f"{path} {problem}; the index cannot be trusted. Repair with: {repair}")
