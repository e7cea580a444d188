"""The encoder a model folder and a backend name ask for."""

from __future__ import annotations

from pathlib import Path

from index.encoders.base import BACKENDS, DEFAULT_BACKEND, Embedder
from index.encoders.onnx_embed import OnnxEmbedder
from index.encoders.sentence import SentenceTransformerEmbedder


def make_embedder(path: str | Path | None = None, backend: str | None = None) -> Embedder:
    """The encoder of a local model folder (None: the bundled model) on a backend (None: the default).

    Raises:
        ValueError: for an unknown backend.
    """
    backend = backend or DEFAULT_BACKEND
    if backend not in BACKENDS:
        raise ValueError(f"unknown encoder backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    if backend == "torch":
        return SentenceTransformerEmbedder(path)
    return OnnxEmbedder(path, backend)
