"""Changing a local index safely: hold its writer lock, change what is on disk now, and repair it from its sources."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from index.encoders.base import Embedder
from index.searcher import Searcher
from index.stores.layout import recover, remove_leftovers
from index.stores.removals import read_removed
from index.stores.writer import disk_generation, writer_lock


@contextmanager
def writing(searcher: Searcher) -> Iterator[Searcher]:
    """Hold the writer lock of the searcher's index and yield the searcher of what is saved there now.

    When another writer (the CLI beside the app, a second CLI) saved since ``searcher`` was
    loaded, the index is opened again, with the same encoder and reranker, so the change made
    in the block lands on top of theirs instead of over it. A Milvus collection is shared
    server state and needs neither: the searcher is yielded as it is.

    Example:
        >>> with writing(searcher) as current:          # doctest: +SKIP
        ...     searcher = current.add(["new_notice.docx"])
    """
    path = getattr(searcher.store, "path", None)
    if path is None:
        yield searcher
        return
    with writer_lock(Path(path)):
        if disk_generation(Path(path)) != searcher.store.manifest.get("generation"):
            searcher = Searcher.open(
                Path(path), embedder=searcher.embedder, reranker=searcher.reranker, cache_dir=searcher.cache_dir
            )
        yield searcher


def tidy(path: Path) -> list[str]:
    """Remove the temporary folders that killed saves left beside the local index at ``path``.

    Done under the writer lock, and only when no other writer holds it (a save in progress keeps
    its own folder): an app calls it as it starts. Returns the names removed ([] when the lock was busy).
    """
    path = Path(path)
    if not path.parent.is_dir():
        return []
    try:
        with writer_lock(path, wait=0):
            recover(path)
            return remove_leftovers(path)
    except TimeoutError:
        return []


def repair(
    path: Path,
    sources: Sequence[str | Path],
    uploads: Path | None = None,
    *,
    embedder: Embedder | None = None,
    backend: str | None = None,
) -> tuple[Searcher, list[str]]:
    """Rebuild the local index at ``path`` from ``sources`` and every upload stored in ``uploads``.

    What a damaged index's refusal advises (``python -m index repair``). Each stored upload is
    read as it was when it was added (:func:`ingest.uploaded.read_stored`): the same doc_id,
    title, chunk ids and content hash, so the library, its feedback and its exports still name
    the same notices. Notices removed from the index (its tombstones, :mod:`index.stores.removals`)
    are left out, so the repaired index holds what the damaged one held. Embeddings come from
    the cache, so only text never seen is encoded. The new index is saved under the writer lock
    (a running app reopens it before its next change).

    Returns:
        The new searcher, and the files that could not be read, each with why (they are left
        where they are; the rest is indexed).

    Raises:
        ValueError: if nothing at all could be read, or two notices share a doc_id.
    """
    from ingest import bounds
    from ingest.bounded import load_bounded
    from ingest.uploaded import UnreadableUploadError, read_stored

    problems: list[str] = []
    removed = read_removed(path)  # what was removed stays removed (index/stores/removals.py)
    chunks = [chunk for notice in load_bounded(list(sources), warnings=problems) for chunk in notice.chunks]
    found = uploads.iterdir() if uploads is not None and uploads.is_dir() else ()
    for upload in sorted(p for p in found if p.is_file() and not p.name.startswith(".")):
        try:
            chunks += read_stored(upload, upload.parent)
        except (UnreadableUploadError, bounds.LimitError, OSError) as exc:
            problems.append(str(exc))
    chunks = [chunk for chunk in chunks if chunk.doc_id not in removed]
    if not chunks:
        raise ValueError(f"nothing to index: {'; '.join(problems) or 'no notices in ' + ', '.join(map(str, sources))}")
    return Searcher.build(chunks, path, embedder=embedder, backend=backend), problems
