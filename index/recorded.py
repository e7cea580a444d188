"""What an index records of the models that serve it, and how a searcher gets them back.

A local index's manifest names its encoder (name, weights hash, dimension, prompts and, for a
model other than the bundled one, its folder) and, when it has one, its reranker (folder,
weights hash, depth). Opening the index without naming a model loads the recorded ones, so the
chat, the CLI and ``python -m eval`` answer with the models the index was built with.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from index.encoders.base import Embedder, backend_of, check_backend
from index.encoders.factory import make_embedder
from index.errors import IndexMismatchError
from index.rerank import DEPTH, Reranker
from index.stores.layout import MANIFEST, read_manifest_raw, rebuild_hint


def model_info(embedder: Embedder) -> dict[str, Any]:
    """What an index records of the model that embedded it."""
    info: dict[str, Any] = {
        "name": embedder.name,
        "fingerprint": embedder.fingerprint,
        "dim": embedder.dim,
        "prompts": getattr(embedder, "prompts", {}),
        "normalized": True,
        "backend": backend_of(embedder),
    }
    path = getattr(embedder, "path", None)
    if path is not None and not (Path(path) / "SOURCE.json").is_file():  # not the bundled conversion
        info["path"] = str(Path(path).resolve())
    return info


def _recorded_model(folder: Path) -> dict[str, Any] | None:
    """The model record of the local index at ``folder`` (None: no index or an unreadable manifest)."""
    if not (Path(folder) / MANIFEST).is_file():
        return None
    try:
        return dict(read_manifest_raw(folder).get("model", {}))
    except (OSError, ValueError):
        return None


def recorded_backend(folder: Path) -> str | None:
    """The encoder backend a local index records ("torch" for indexes older than the choice; None: no index)."""
    model = _recorded_model(folder)
    return None if model is None else str(model.get("backend", "torch"))


def recorded_embedder(folder: Path, backend: str | None = None) -> Embedder:
    """The encoder a local index was built with: its recorded folder (or the bundled model) and backend.

    ``backend`` overrides the recorded one (a different one is then refused when the index loads,
    with the command that rebuilds it); with no index at ``folder``, the default backend.

    Raises:
        IndexMismatchError: if the index names a model folder that is no longer there.
    """
    model = _recorded_model(folder)  # the manifest is read once
    recorded = None if model is None else str(model.get("backend", "torch"))
    if backend and recorded and backend != recorded:  # refused before any model is loaded
        check_backend({"backend": recorded}, {"backend": backend}, str(folder), rebuild_hint(folder))
    backend = backend or recorded
    path = model.get("path") if model else None
    if not path:
        return make_embedder(None, backend)
    if not Path(path).is_dir():
        raise IndexMismatchError(
            f"{folder} was built with the model in {path}, which is not there any more; restore that folder, "
            f"or rebuild with: {rebuild_hint(folder)} [--model PATH]"
        )
    return make_embedder(path, backend)


def recorded_reranker(settings: dict[str, Any], folder: str | Path) -> Any:
    """The reranker an index records (None when it has none).

    Raises:
        IndexMismatchError: if its folder is gone or holds other weights.
    """
    info = settings.get("reranker")
    if not info:
        return None
    if not Path(info["path"]).is_dir():
        raise IndexMismatchError(
            f"{folder} reranks with the model in {info['path']}, which is not there any more; restore it, "
            "or rebuild the index without --reranker"
        )
    reranker = Reranker(info["path"], depth=int(info.get("depth", DEPTH)))
    if reranker.fingerprint != info["fingerprint"]:
        raise IndexMismatchError(
            f"{folder} was built with the reranker in {info['path']} (sha256 {info['fingerprint'][:12]}…), "
            f"which now holds other weights (sha256 {reranker.fingerprint[:12]}…); rebuild the index"
        )
    return reranker
