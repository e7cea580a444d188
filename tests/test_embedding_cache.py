"""The on-disk embedding cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from index.encoders.cache import EmbeddingCache


def test_embedding_cache_encodes_only_missing_and_survives_reopen(tmp_path: Path) -> None:
    calls: list[list[str]] = []

    def encode(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)

    cache = EmbeddingCache(tmp_path / "c.sqlite", dim=2)
    first = cache.embed(["甲", "乙乙", "甲"], encode)
    cache.close()
    again = EmbeddingCache(tmp_path / "c.sqlite", dim=2)
    second = again.embed(["乙乙", "丙丙丙"], encode)
    assert calls == [["甲", "乙乙"], ["丙丙丙"]]
    assert first[:, 0].tolist() == [1, 2, 1] and second[:, 0].tolist() == [2, 3]
    assert len(again) == 3
