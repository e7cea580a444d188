"""The BM25 index: scores by hand, round trips, changes equal to a fresh build, ties."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.lexical import LexicalIndex, top_k


def test_lexical_index_round_trip_and_unknown_tokens(tmp_path: Path) -> None:
    index = LexicalIndex().build([["热线", "管理"], ["数据", "共享"], ["热线", "热线", "对接"]])
    assert [i for i, _ in index.search(["热线"], 5)] == [2, 0]
    assert index.search(["不存在"], 5) == []
    assert index.search(["热线"], 5, mask=np.array([True, True, False])) == index.search(["热线"], 5)[1:]
    changed = index.updated(removed=[1], replaced={0: ["管理", "热线"]}, added=[["热线"]])
    for each in (index, changed):
        each.save_base(tmp_path / "base")
        each.save_changes(tmp_path / "changes")
        again = LexicalIndex.load(tmp_path / "base", tmp_path / "changes")
        assert again.search(["热线"], 5) == each.search(["热线"], 5)


def test_bm25_scores_by_hand() -> None:
    # Lucene BM25, k1 1.2, b 0.75. Doc 2 "热线 热线 对接": tf 2, length 3, average length 7/3,
    # df 2 of N 3 → idf ln(1 + 1.5/2.5); tf part 2 / (2 + 1.2 (0.25 + 0.75 · 3/(7/3))).
    index = LexicalIndex().build([["热线", "管理"], ["数据", "共享"], ["热线", "热线", "对接"]])
    idf = math.log(1 + 1.5 / 2.5)
    expected = idf * 2 / (2 + 1.2 * (0.25 + 0.75 * 3 / (7 / 3)))
    assert index.scores(["热线"])[2] == pytest.approx(expected, rel=1e-6)
    assert index.scores(["热线", "热线"])[2] == pytest.approx(2 * expected, rel=1e-6)  # as bm25s: repeats count


TOKENS = st.lists(st.lists(st.sampled_from(list("甲乙丙丁戊己庚辛")), max_size=6), min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(TOKENS, TOKENS, st.data())
def test_bm25_after_changes_equals_a_fresh_build(first: list[list[str]], more: list[list[str]], data) -> None:
    removed = sorted(data.draw(st.sets(st.integers(0, len(first) - 1))))
    kept = [d for i, d in enumerate(first) if i not in removed]
    replaced = {}
    if kept:
        j = data.draw(st.integers(0, len(kept) - 1))
        replaced = {j: data.draw(TOKENS)[0]}
    changed = LexicalIndex().build(first).updated(removed, replaced, more)
    again = changed.updated([], {}, [["甲", "乙"]])  # changes on changes
    fresh_docs = [replaced.get(j, d) for j, d in enumerate(kept)] + more
    for index, docs in ((changed, fresh_docs), (again, [*fresh_docs, ["甲", "乙"]])):
        fresh = LexicalIndex().build(docs)
        for query in (["甲"], ["乙", "丙", "乙"], list("丁戊己庚辛")):
            np.testing.assert_array_equal(index.scores(query), fresh.scores(query))
            np.testing.assert_array_equal(index.compacted().scores(query), fresh.scores(query))


def test_top_k_ties_by_index() -> None:
    assert top_k(np.array([0.0, 2.0, 1.0, 2.0]), 2) == [(1, 2.0), (3, 2.0)]
