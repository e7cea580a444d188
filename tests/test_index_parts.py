"""The small pure parts of the index: fusion, filters, tokenizer, BM25 store, query analysis, cache."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.cache import EmbeddingCache
from index.fuse import rrf
from index.lexical import JiebaTokenizer, LexicalIndex, top_k
from index.query import QueryAnalyzer, normalize_query, place_names
from index.rank import AbstainRule, diversify
from ingest import parse_text
from tests.fakes import filter_mask


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


CHUNKS = parse_text(
    "关于印发某方案的通知\n某县人民政府\n2023年6月1日\n某县数字政府建设工作方案\n一、任务\n1.推进。（县数据局牵头）\n"
    "2.落实。（县财政局牵头）",
    "n",
).chunks
RAW_DATE = parse_text("关于印发某方案的通知\n2023224\n某县数字政府建设工作方案\n一、任务\n1.推进。", "r").chunks


def test_filters() -> None:
    assert filter_mask(CHUNKS, {"lead": "县数据局"}).tolist() == [True, False]
    assert filter_mask(CHUNKS, {"year": 2023}).all()
    assert not filter_mask(CHUNKS, {"date_from": "2023-06-02"}).any()
    assert filter_mask(CHUNKS, {"date_to": "2023-06-01", "doc_id": ["n"]}).all()
    # a raw date without separators gives its year to year filters, but never passes a date range
    assert filter_mask(RAW_DATE, {"year": "2023"}).all()
    assert not filter_mask(RAW_DATE, {"year": "2024"}).any()
    assert not filter_mask(RAW_DATE, {"date_from": "2023-01-01"}).any()
    for bad, message in (
        ({"colour": 1}, "unknown filter"),
        ({"date_from": "2023/6/1"}, "ISO date"),
        ({"year": "23"}, "four digits"),
        ({"doc_id": "zz"}, "not in the index"),
        ({"lead": 5}, "string or a list"),
    ):
        with pytest.raises(ValueError, match=message):
            filter_mask(CHUNKS, bad)


def test_tokenizer_keeps_corpus_terms_whole_and_drops_stopwords() -> None:
    tok = JiebaTokenizer(["市行政审批服务局", "陕企通"])
    tokens = tok("市行政审批服务局负责“陕企通”平台的哪些工作？")
    assert "市行政审批服务局" in tokens and "陕企通" in tokens
    assert not {"的", "哪些", "？", "“"} & set(tokens)
    assert tok("ＡＢＣ　Hotline") == ["abc", "hotline"]


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


def test_tokenizer_words_can_come_and_go_as_if_built_fresh() -> None:
    text = "推动陕企通平台与秦政通对接，市行政审批服务局牵头"
    base = JiebaTokenizer(["市行政审批服务局"])
    grown = base.with_words(added=["陕企通", "秦政通"])
    assert grown(text) == JiebaTokenizer(["市行政审批服务局", "陕企通", "秦政通"])(text)
    assert "秦政通" in grown(text) and "秦政通" not in base(text)  # the original is unchanged
    shrunk = grown.with_words(removed=["陕企通", "市行政审批服务局"])
    assert shrunk(text) == JiebaTokenizer(["秦政通"])(text)
    assert shrunk.userwords == ["秦政通"]


def test_top_k_ties_by_index() -> None:
    assert top_k(np.array([0.0, 2.0, 1.0, 2.0]), 2) == [(1, 2.0), (3, 2.0)]


def test_query_normalisation_and_analysis() -> None:
    assert normalize_query("哪些部門負責社會信用體系建設") == "哪些部门负责社会信用体系建设"
    assert normalize_query("ＡＢＣ　１２３４５") == "ABC 12345"
    assert place_names("汉中经济技术开发区管理委员会") == ["汉中经济技术开发区", "汉中经开区", "经开区"]
    analyzer = QueryAnalyzer(
        ["市数据局", "市行政审批服务局"], {"汉台区": {"003"}, "汉台": {"003"}}, all_docs=["000", "003"]
    )
    info = analyzer("汉台区数据局由谁牵头")
    assert info.departments == ["市数据局"] and info.doc_scope == {"003"} and info.asks_responsibility
    assert analyzer("Which department leads the hotline?").asks_responsibility
    assert analyzer("各地是如何推进改革的").cross_doc
    assert not analyzer("企业开办时限").asks_responsibility


def test_abstain_rule_per_script() -> None:
    rule = AbstainRule(min_dense=0.86, min_dense_latin=0.78, min_coverage=0.5)
    assert rule.abstains("今天天气怎么样", 0.85, 0.3)
    assert not rule.abstains("今天天气怎么样", 0.85, 0.6)  # enough lexical support
    assert not rule.abstains("How long does registration take?", 0.80, 0.0)
    assert rule.abstains("How do I bake bread?", 0.75, 0.0)


def test_diversify_spreads_notices() -> None:
    chunks = parse_text("一、任务\n1.甲。\n2.乙。", "x").chunks + parse_text("一、任务\n1.丙。", "y").chunks
    order = diversify([(0, 1.0), (1, 0.9), (2, 0.8)], chunks)
    assert [i for i, _ in order] == [0, 2, 1]  # 0.9 / 1.5 = 0.6 < 0.8


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
