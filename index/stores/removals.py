"""Tombstones: the notices removed from a local index, so that a repair does not bring them back.

A repair rebuilds an index from its source folders and stored uploads. A notice removed with
``python -m index remove`` (or replaced by a version under another doc_id) still has its file
in ``data/notices``, so without a record the repair would put it back, and answers after the
repair would differ from answers before the damage.

Each save of a local index writes the set twice: in its manifest (``"removed"``, swapped in
with the index, so a crash never separates the two) and beside the directory in
``.NAME.removed.json`` (which survives a deleted or damaged manifest). The set never names a
notice the index holds: adding a notice again (or building an index that holds it) lifts its
tombstone.

Example:
    >>> import tempfile
    >>> index = Path(tempfile.mkdtemp()) / "index"
    >>> write_removed(index, {"004_aa86904b000f6775"})
    >>> sorted(read_removed(index))
    ['004_aa86904b000f6775']
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from index.stores.layout import fsync_directory, read_manifest_raw

#: The manifest's key for the removed doc_ids.
KEY = "removed"


def removed_path(index: Path) -> Path:
    """The tombstone file of an index directory: ``.NAME.removed.json`` beside it."""
    index = Path(index).absolute()
    return index.parent / f".{index.name}.removed.json"


def read_removed(index: Path) -> set[str]:
    """The doc_ids removed from the index at ``index``: its manifest's and its tombstone file's, those readable."""
    found: set[str] = set()
    with contextlib.suppress(OSError, ValueError, AttributeError):
        found |= _ids(read_manifest_raw(Path(index)).get(KEY, []))
    with contextlib.suppress(OSError, ValueError, AttributeError):
        found |= _ids(json.loads(removed_path(index).read_text(encoding="utf-8")).get(KEY, []))
    return found


def write_removed(index: Path, doc_ids: Iterable[str]) -> None:
    """Write the tombstone file beside ``index`` (atomically, fsync'd); an empty set removes it."""
    path = removed_path(index)
    ids = sorted(set(doc_ids))
    if not ids:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(path.name + ".tmp")
    with scratch.open("w", encoding="utf-8") as handle:
        json.dump({KEY: ids}, handle, ensure_ascii=False, indent=1)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(scratch, path)
    fsync_directory(path.parent)


def _ids(value: object) -> set[str]:
    return {v for v in value if isinstance(v, str)} if isinstance(value, list) else set()


__all__ = ["KEY", "read_removed", "removed_path", "write_removed"]
