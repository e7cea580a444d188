"""Rank fusion, by hand."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from index import Searcher
from index.fuse import convex, rrf
from tests.fakes import KeywordEmbedder


def test_rrf_hand_computed() -> None:
    # a: 1/61 + 1/62 = 0.032522; c: 1/63 + 1/61 = 0.032266; b: 1/62 = 0.016129
    fused = dict(rrf([["a", "b", "c"], ["c", "a"]]))
    assert fused == pytest.approx({"a": 1 / 61 + 1 / 62, "c": 1 / 63 + 1 / 61, "b": 1 / 62})
    assert [i for i, _ in rrf([["a", "b", "c"], ["c", "a"]])] == ["a", "c", "b"]


def test_rrf_ties_keep_first_appearance_and_weights_apply() -> None:
    assert [i for i, _ in rrf([["x"], ["y"]])] == ["x", "y"]
    assert [i for i, _ in rrf([["x"], ["y"]], weights=[1, 2])] == ["y", "x"]
    with pytest.raises(ValueError, match="2 weights for 1 rankings"):
        rrf([["x"]], weights=[1, 2])


def test_convex_follows_the_useful_list_when_the_other_is_useless() -> None:
    """A retriever that tells nothing (all scores equal, or no list at all) cannot reorder the other."""
    lexical = [("c", 9.0), ("a", 4.0), ("b", 1.0)]
    flat_dense = [("a", 0.8), ("b", 0.8), ("c", 0.8), ("d", 0.8)]
    assert [i for i, _ in convex(flat_dense, lexical, 0.6)][:3] == ["c", "a", "b"]
    dense = [("b", 0.9), ("d", 0.85), ("a", 0.5)]
    assert [i for i, _ in convex(dense, [], 0.6)] == ["b", "d", "a"]


class _SameVector(KeywordEmbedder):
    """An encoder that gives every text the same vector: a dense retriever that knows nothing."""

    name = "same-vector"  # its own embedding cache, never the keyword embedder's

    def encode(self, texts: Sequence[str], *, query: bool = False, show_progress: bool = False) -> np.ndarray:
        same = np.zeros((len(texts), self.dim), dtype=np.float32)
        same[:, -1] = 1.0
        return same


@pytest.mark.parametrize("query", ["12345热线", "企业开办时限", "周末延时服务", "数据共享"])
def test_the_default_fusion_is_never_below_bm25_when_dense_is_useless(corpus: Path, tmp_path: Path, query: str) -> None:
    searcher = Searcher.build(corpus, None, embedder=_SameVector(), cache_dir=tmp_path / "cache")
    fused = [h.id for h in searcher.search(query, k=10)]
    lexical = [h.id for h in searcher.search(query, k=10, mode="bm25")]
    assert fused[0] == lexical[0]
    assert set(lexical[:3]) <= set(fused[:5])
