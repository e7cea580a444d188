"""Changing a local index safely: hold its writer lock, and change what is on disk now, not a stale copy."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from index.searcher import Searcher
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
