"""The ONNX encoder backends ("onnx", "onnx-int8"): the model exported once, run by onnxruntime without torch."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.encoders.base import model_identity
from index.encoders.onnx_export import EXPORT_FILE, ensure_export
from index.encoders.onnx_session import OnnxSession


class OnnxEmbedder:
    """The encoder on onnxruntime: ``backend`` "onnx" (fp32) or "onnx-int8" (dynamic int8 weights).

    The export is made on first use and cached by the model's weights hash (see
    :mod:`index.encoders.onnx_export`); the vectors it gives are cached apart from PyTorch's. With
    "onnx-int8" passages encoded in different batches differ slightly (cosine ≥ 0.996: the batch
    shares one activation scale); the embedding cache keeps the vector a text got first, so a
    rebuild or an update reuses it. Questions are encoded one at a time (see ``query_batch_size``).

    Example:
        >>> embedder = OnnxEmbedder(backend="onnx-int8")       # exports once, ≈ 30 s
        >>> embedder.encode(["哪些部门负责12345热线"], query=True).shape
        (1, 384)
    """

    def __init__(
        self,
        path: str | Path | None = None,
        backend: str = "onnx-int8",
        *,
        batch_size: int = 32,
        query_batch_size: int | None = None,
        threads: int | None = None,
        spin: bool = False,
        export_root: Path | None = None,
    ) -> None:
        folder, self.name, self.fingerprint = model_identity(path)
        self.path, self.backend = folder, backend
        self.export = ensure_export(folder, self.fingerprint, backend, export_root)
        settings = json.loads((self.export / EXPORT_FILE).read_text(encoding="utf-8"))
        self.session = OnnxSession(self.export / "model.onnx", self.export / "tokenizer.json", settings, threads, spin)
        self.dim = int(settings["dim"])
        self.prompts: dict[str, str] = dict(settings.get("prompts", {}))
        self.batch_size = batch_size
        # Dynamic int8 quantises each batch's activations with one scale for the whole batch, so a
        # text's vector depends on its batch (cosine 0.997 between a question alone and in a batch of
        # 16). Questions are encoded one per run there: a question gets the same vector alone or in a
        # batch lookup, and search_batch answers exactly as search does.
        self.query_batch_size = query_batch_size or (1 if backend == "onnx-int8" else 16)
        self.probe_cosine = settings.get("probe_cosine", {})

    def encode(self, texts: Sequence[str], *, query: bool = False, show_progress: bool = False) -> np.ndarray:
        """Encode texts with the model's query or passage prompt; rows L2-normalised."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        prompt = self.prompts.get("query" if query else "passage", "")
        batch = self.query_batch_size if query else self.batch_size
        return self.session.encode([prompt + t for t in texts], batch)
