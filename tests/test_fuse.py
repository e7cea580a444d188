"""Rank fusion, by hand."""

from __future__ import annotations

import pytest

from index.fuse import rrf


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
