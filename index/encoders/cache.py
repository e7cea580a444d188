"""An on-disk embedding cache keyed by model fingerprint and text hash (SQLite, no pickle).

Vectors are stored as they are computed, so an interrupted build resumes where it stopped
and a rebuild or an incremental update re-encodes only texts it has not seen.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.encoders.base import backend_of
from index.paths import cache_root


def text_key(text: str) -> str:
    """Stable key of a text: sha256 of its UTF-8 bytes, hex, 32 characters."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class EmbeddingCache:
    """Passage vectors of one model, in one SQLite file.

    Example:
        >>> import tempfile, numpy as np
        >>> cache = EmbeddingCache(Path(tempfile.mkdtemp()) / "c.sqlite", dim=2)
        >>> calls = []
        >>> def encode(texts):
        ...     calls.append(list(texts))
        ...     return np.ones((len(texts), 2), dtype=np.float32)
        >>> cache.embed(["a", "b"], encode).shape, cache.embed(["b", "c"], encode).shape, calls
        ((2, 2), (2, 2), [['a', 'b'], ['c']])
    """

    def __init__(self, path: Path, dim: int) -> None:
        self.path, self.dim = Path(path), dim
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, timeout=60)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB NOT NULL)")

    def get(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Vectors for the keys that are cached."""
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 900):
            part = list(keys[start : start + 900])
            marks = ",".join("?" * len(part))
            for key, blob in self._db.execute(f"SELECT key, v FROM vec WHERE key IN ({marks})", part):
                vector = np.frombuffer(blob, dtype=np.float32)
                if vector.size == self.dim:
                    found[key] = vector
        return found

    def put(self, keys: Sequence[str], vectors: np.ndarray) -> None:
        """Store vectors (one transaction)."""
        rows = [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in zip(keys, vectors, strict=True)]
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO vec (key, v) VALUES (?, ?)", rows)

    def embed(
        self,
        texts: Sequence[str],
        encode: Callable[[Sequence[str]], np.ndarray],
        batch: int = 256,
        progress: Callable[[int], None] | None = None,
    ) -> np.ndarray:
        """Vectors for ``texts``, encoding only the missing ones, in batches saved as they finish."""
        keys = [text_key(t) for t in texts]
        have = self.get(keys)
        todo = sorted(
            {k: t for k, t in zip(keys, texts, strict=True) if k not in have}.items(), key=lambda kv: len(kv[1])
        )
        if progress is not None:
            progress(len(texts) - len(todo))
        for start in range(0, len(todo), batch):
            part = todo[start : start + batch]
            vectors = encode([t for _, t in part])
            self.put([k for k, _ in part], vectors)
            have.update({k: v for (k, _), v in zip(part, vectors, strict=True)})
            if progress is not None:
                progress(len(part))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, key in enumerate(keys):
            out[i] = have[key]
        return out

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM vec").fetchone()[0])

    def close(self) -> None:
        """Close the database."""
        self._db.close()


#: Texts encoded (and saved to the cache) per step of a build: a killed build loses at most
#: this many, and resumes from the cache.
EMBED_BATCH = 256


def cache_file_name(embedder: Any) -> str:
    """The cache file of an embedder's vectors: keyed by weights hash, dimension and backend.

    PyTorch's vectors keep the name they always had; an ONNX backend's vectors differ from them
    (int8 weights, other kernels) and get files of their own.
    """
    backend = backend_of(embedder)
    suffix = "" if backend == "torch" else f"-{backend}"
    return f"{embedder.fingerprint[:24]}-{embedder.dim}{suffix}.sqlite"


def embed_cached(
    embedder: Any, texts: list[str], cache_dir: Path | None = None, show_progress: bool = False
) -> np.ndarray:
    """Passage vectors of ``texts`` through the model's cache file (``cache_dir`` or the user cache)."""
    folder = Path(cache_dir) if cache_dir is not None else cache_root() / "embeddings"
    cache = EmbeddingCache(folder / cache_file_name(embedder), embedder.dim)
    bar = None
    if show_progress:
        from tqdm import tqdm

        bar = tqdm(total=len(texts), desc="embedding", unit="text")
    try:
        return cache.embed(
            texts, lambda batch: embedder.encode(batch), batch=EMBED_BATCH, progress=bar.update if bar else None
        )
    finally:
        cache.close()
        if bar is not None:
            bar.close()
