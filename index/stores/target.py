"""Which store a target names, and how to build or open it: an index directory, a milvus-lite file or a Milvus URI.

The searcher runs one pipeline over any :class:`index.stores.base.Store`; only here is the
choice between :class:`index.stores.local.LocalStore` and :class:`index.stores.milvus.MilvusStore`.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from index.errors import IndexNotFoundError
from index.stores.base import Encode, Store
from index.stores.layout import MANIFEST, check_manifest_there, first_build_hint, package_versions, recover
from index.stores.local import LocalStore
from index.stores.milvus import MilvusStore
from ingest import Chunk

#: A URI (or a milvus-lite ``.db`` file) opens a Milvus collection; anything else is an index directory.
MILVUS_SCHEMES = ("http://", "https://", "tcp://", "grpc://", "unix:")
DEFAULT_COLLECTION = "policy_qa"


def is_milvus(target: str | Path | None) -> bool:
    """True when ``target`` names a Milvus server (a URI) or a milvus-lite file (``*.db``)."""
    text = str(target or "")
    return text.startswith(MILVUS_SCHEMES) or text.endswith(".db")


def build_store(
    target: str | Path | None,
    chunks: list[Chunk],
    encode: Encode,
    model: dict[str, Any],
    settings: dict[str, Any],
    *,
    collection: str = DEFAULT_COLLECTION,
    token: str = "",
    dense_kind: str | None = None,
) -> Store:
    """A new store holding ``chunks``: a Milvus collection (created or replaced) or a local index.

    A local index is written to ``target`` when it is given (None keeps it in memory); its
    manifest records the model, the package versions, the build time and the ``settings``.
    """
    if is_milvus(target):
        store = MilvusStore.create(str(target), collection, model, token=token)
        return store.add(chunks, encode)
    started = time.time()
    manifest = {
        "model": model,
        "packages": package_versions(),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "settings": settings,
    }
    local = LocalStore.build(chunks, encode, manifest, dense_kind)
    local.manifest["build_seconds"] = round(time.time() - started, 2)
    if target is not None:
        local.save(target)
    return local


def require_local(target: str | Path) -> None:
    """Put back a swap killed half-way, then make sure an index directory is there (before any model loads).

    Raises:
        IndexNotFoundError: naming the directory and the command that builds one.
        IndexMismatchError: when the directory is there without its manifest (repair, not build).
    """
    folder = Path(target)
    recover(folder)
    if not (folder / MANIFEST).is_file():
        check_manifest_there(folder)
        raise IndexNotFoundError(f"no index at {target}; build one with: {first_build_hint(folder)}")


def connect_store(
    target: str | Path, model: dict[str, Any], *, collection: str = DEFAULT_COLLECTION, token: str = ""
) -> Store:
    """Open the store ``target`` names for questions encoded by ``model``.

    Raises:
        IndexNotFoundError: if there is no index (or collection) there.
        IndexMismatchError: if it was built with another model or backend, or is damaged.
    """
    if is_milvus(target):
        return MilvusStore.connect(str(target), collection, model, token=token)
    return LocalStore.load(Path(target), model)
