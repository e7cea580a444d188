"""The on-disk index: a directory with a manifest, written to a temporary name and renamed."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

from index.errors import IndexMismatchError, IndexNotFoundError
from index.paths import file_sha256

#: 2: a base written once (linked by later saves) plus the changes since. 3: the whole-chunk
#: vector embeds the title and section path (index.views.dense_text), so a 2 is rebuilt.
FORMAT_VERSION = 3
MANIFEST = "manifest.json"
#: The folder of the base: chunks, FAISS index and BM25 postings as built or last compacted.
BASE = "base"
CHUNKS = f"{BASE}/chunks.jsonl"
#: Chunks added since the base was written.
EXTRA_CHUNKS = "chunks.extra.jsonl"
PACKAGES = ("faiss-cpu", "jieba", "sentence-transformers", "transformers", "torch", "numpy", "opencc")


def first_build_hint(path: Path) -> str:
    """The command that builds an index at ``path`` for the first time."""
    return f"python -m index build data/notices --index {path}"


def rebuild_hint(path: Path) -> str:
    """The command that rebuilds a damaged index at ``path``, uploads and their doc_ids kept (``index repair``)."""
    return f"python -m index repair --index {path}"


def package_versions() -> dict[str, str]:
    """Versions of the packages whose formats or behaviour the index depends on."""
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    return out


@contextmanager
def atomic_directory(path: Path) -> Iterator[Path]:
    """Yield a fresh temporary directory that replaces ``path`` only if the block succeeds.

    The previous index stays in place and loadable until the new one is complete; a crash
    leaves at most a ``.tmp`` directory beside it, which the next build removes.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    recover(path)
    remove_leftovers(path)
    work = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-", dir=path.parent))
    try:
        yield work
        _fsync_tree(work)
        if path.exists():
            old = path.parent / f".{path.name}.old-{os.getpid()}-{time.time_ns()}"
            os.replace(path, old)
            os.replace(work, path)
            fsync_directory(path.parent)  # the renames themselves survive a power cut
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(work, path)
            fsync_directory(path.parent)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)


def recover(path: Path) -> bool:
    """Put the previous index back if a process died between the two renames of a swap.

    A swap moves the old directory aside, then the new one into place; killed in between,
    ``path`` is missing while ``.NAME.old-*`` holds the complete previous index. Returns True
    when it restored one.
    """
    path = Path(path)
    if path.exists():
        return False
    olds = sorted(path.parent.glob(f".{path.name}.old-*"), key=lambda p: p.stat().st_mtime)
    for old in reversed(olds):
        if (old / MANIFEST).is_file():
            os.replace(old, path)
            return True
    return False


def remove_leftovers(path: Path) -> list[str]:
    """Remove what killed saves left beside the index at ``path`` (``.NAME.tmp-*``, ``.NAME.old-*``).

    Call it holding the index's writer lock (a save in progress owns its own ``.tmp-*``), after
    :func:`recover` has put back a previous index that a swap left aside. Returns the names removed.
    """
    path = Path(path)
    stale = [*path.parent.glob(f".{path.name}.tmp-*"), *path.parent.glob(f".{path.name}.old-*")]
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)
    return sorted(f.name for f in stale)


def _fsync_tree(folder: Path) -> None:
    """Fsync every file of ``folder``, then every directory, deepest first (their entries name the files)."""
    folders = [folder]
    for item in folder.rglob("*"):
        if item.is_file():
            with item.open("rb") as handle:
                os.fsync(handle.fileno())
        elif item.is_dir():
            folders.append(item)
    for directory in sorted(folders, key=lambda d: len(d.parts), reverse=True):
        fsync_directory(directory)


def fsync_directory(folder: Path) -> None:
    """Fsync a directory, so that files created, renamed or removed in it stay so after a crash."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    """Write ``manifest.json`` (UTF-8, readable)."""
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")


def read_manifest_raw(folder: Path) -> dict[str, Any]:
    """The manifest at ``folder`` as written, unchecked.

    Raises:
        OSError: if it cannot be read; ValueError: if it is not JSON.
    """
    return json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))


def read_manifest(folder: Path) -> dict[str, Any]:
    """Read and check a manifest.

    Raises:
        IndexNotFoundError: if there is no index at ``folder``.
        IndexMismatchError: if the manifest is unreadable, of another format, or a chunk file
            the manifest records no checksum for does not match its recorded hash.
    """
    folder = Path(folder)
    recover(folder)
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        check_manifest_there(folder)
        raise IndexNotFoundError(f"no index at {folder} (no {MANIFEST}); build one with: {first_build_hint(folder)}")
    try:
        manifest = read_manifest_raw(folder)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise IndexMismatchError(f"{manifest_path} is damaged ({exc}); rebuild with: {rebuild_hint(folder)}") from exc
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise IndexMismatchError(
            f"{folder} has index format {version}, this code reads {FORMAT_VERSION}; "
            f"rebuild with: {rebuild_hint(folder)}"
        )
    expected = ((CHUNKS, manifest.get("base", {}).get("sha256")), (EXTRA_CHUNKS, manifest.get("extra_hash")))
    for name, digest in expected:
        if name in manifest.get("files", {}):
            continue  # checked with every other file by its recorded CRC32 (checksums.verify), not read twice
        chunks = folder / name
        if not chunks.is_file() or file_sha256(chunks) != digest:
            raise IndexMismatchError(
                f"{chunks} is missing or does not match the hash in the manifest "
                f"(a damaged or half-copied index); rebuild with: {rebuild_hint(folder)}"
            )
    return manifest


def check_manifest_there(folder: Path) -> None:
    """Refuse an index directory whose manifest is gone while the rest is there.

    Such a folder is a damaged index, not a missing one: building a new one would drop what was
    uploaded, so the refusal names the file and the repair.

    Raises:
        IndexMismatchError: when ``folder`` holds index files but no ``manifest.json``.
    """
    folder = Path(folder)
    if not (folder / MANIFEST).is_file() and folder.is_dir() and any(folder.iterdir()):
        raise IndexMismatchError(
            f"{folder / MANIFEST} is missing, though the rest of the index is there (a damaged index); "
            f"repair it, uploads kept, with: {rebuild_hint(folder)}"
        )


def base_hash_at(path: Path, base_id: str) -> str | None:
    """The base's chunk hash if the index at ``path`` holds the base with this id, else None.

    A save links a base it finds there instead of writing it again.
    """
    try:
        base = read_manifest_raw(path).get("base", {})
    except (OSError, ValueError):
        return None
    return base.get("sha256") if base.get("id") == base_id and (path / CHUNKS).is_file() else None


def link_file(source: Path, target: Path) -> None:
    """Hard-link ``source`` to ``target`` (copy where the file system cannot link)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
