"""Searcher with a fake keyword embedder: API, fusion, departments, filters, persistence, updates."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from index import MODES, Searcher
from tests.conftest import collection_name
from tests.fakes import KeywordEmbedder


def test_search_returns_hits_with_every_chunk_field(backend: Any) -> None:
    hits = backend.search("12345热线由哪个部门负责", k=3)
    top = hits[0]
    assert top.id == "a#一/1" and top.label == "1" and top.lead == ["市数据局"]
    assert top.section == ["一、优化政务服务"] and top.title == "某市2024年政务服务工作要点"
    assert top.issuer == "某市人民政府办公室" and top.date == "2024-03-01"
    assert [h.rank for h in hits] == [1, 2, 3]
    assert "热线" in top.matched and "12345" in top.matched
    assert hits == backend.search_batch(["12345热线由哪个部门负责"], k=3)[0]


def test_modes_are_pure_and_selectable(backend: Any) -> None:
    dense = backend.search("企业开办", k=2, mode="dense")
    lexical = backend.search("企业开办", k=2, mode="bm25")
    assert dense[0].id == lexical[0].id == "b#一/(一)"
    with pytest.raises(ValueError, match="unknown mode 'fuzzy'"):
        backend.search("企业", mode="fuzzy")  # type: ignore[arg-type]


@pytest.mark.parametrize("k", [0, -1, 2.5])
def test_bad_k_is_refused(backend: Any, k: object) -> None:
    with pytest.raises(ValueError, match="k="):
        backend.search("热线", k=k)  # type: ignore[arg-type]


def test_department_questions_put_its_items_first(backend: Any) -> None:
    hits = backend.search("市数据局牵头负责哪些工作", k=3)
    assert {h.id for h in hits[:2]} == {"a#一/1", "a#一/2"}  # the two items 市数据局 leads
    assert "市数据局" not in hits[2].lead
    answer = backend.answer("哪些部门负责12345热线")
    assert answer.asks_responsibility and not answer.abstained
    assert answer.leads["某市2024年政务服务工作要点"][0] == ("1", ["市数据局"])
    assert "市数据局牵头（第1项）" in answer.lead_line()


def test_place_names_scope_the_search(backend: Any) -> None:
    # "经开区" names notice b only; its items outrank the generic match in a.
    hits = backend.search("经开区企业审批", k=2)
    assert hits[0].doc_id == "b"


def test_filters_apply_with_the_query(backend: Any) -> None:
    assert {h.doc_id for h in backend.search("审批", k=10, filters={"doc_id": "b"})} == {"b"}
    led = backend.search("数据", k=10, filters={"lead": "市行政审批局"})
    assert led and all("市行政审批局" in h.lead for h in led)
    assert backend.search("热线", filters={"year": 2024})[0].date == "2024-03-01"
    assert backend.search("热线", filters={"year": 2023}) == []
    with pytest.raises(ValueError, match="unknown filter"):
        backend.search("热线", filters={"color": "red"})


@pytest.mark.parametrize("kind", ["local", "milvus"])
def test_incremental_add_equals_full_rebuild_and_encodes_only_new_text(
    kind: str, corpus: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    target = tmp_path / "index" if kind == "local" else request.getfixturevalue("milvus_uri")
    name = collection_name(request)
    embedder = KeywordEmbedder()
    only_a = tmp_path / "only_a"
    only_a.mkdir()
    shutil.copy(corpus / "a.txt", only_a / "a.txt")
    small = Searcher.build(only_a, target, collection=name, embedder=embedder, cache_dir=tmp_path / "cache")
    embedder.calls.clear()
    grown = small.add([corpus / "b.txt"], cache_dir=tmp_path / "cache")
    encoded = [t for batch in embedder.calls for t in batch]
    text_b = (corpus / "b.txt").read_text(encoding="utf-8")  # views carry b's title and headings: its lines
    assert encoded and all(line in text_b for t in encoded for line in t.split("\n"))
    full = Searcher.build(corpus, None, embedder=KeywordEmbedder(), cache_dir=tmp_path / "fresh-cache")
    assert [c.id for c in grown.all_chunks()] == [c.id for c in full.all_chunks()]
    for query in ("企业开办", "12345热线", "周末", "市数据局牵头负责哪些工作"):
        for mode in MODES:
            assert [h.id for h in grown.search(query, mode=mode)] == [h.id for h in full.search(query, mode=mode)]
    reopened = Searcher.open(target, collection=name, embedder=KeywordEmbedder())  # saved in place
    assert [c.id for c in reopened.all_chunks()] == [c.id for c in full.all_chunks()]
    if kind == "local":
        np.testing.assert_allclose(grown.store.rows.vectors(), full.store.rows.vectors(), atol=1e-6)


def test_remove_equals_rebuild_without_and_unknown_ids_change_nothing(
    backend: Searcher, corpus: Path, tmp_path: Path
) -> None:
    smaller = backend.remove(["b"])
    assert [n.doc_id for n in smaller.notices()] == ["a"]
    assert all(h.doc_id == "a" for h in smaller.search("企业开办", k=10))
    only_a = Searcher.build([corpus / "a.txt"], None, embedder=KeywordEmbedder(), cache_dir=tmp_path / "cache")
    for mode in MODES:
        assert [h.id for h in smaller.search("审批数据", mode=mode)] == [
            h.id for h in only_a.search("审批数据", mode=mode)
        ]
    with pytest.raises(KeyError, match="zzz"):
        smaller.remove(["zzz"])
    with pytest.raises(ValueError, match="empty"):
        smaller.remove(["a"])
    assert [n.doc_id for n in smaller.notices()] == ["a"]


def test_build_refuses_empty_and_duplicate_input(tmp_path: Path, corpus: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="nothing to index"):
        Searcher.build(tmp_path / "empty", embedder=KeywordEmbedder(), cache_dir=tmp_path / "c")
    chunks = Searcher.build(corpus, embedder=KeywordEmbedder(), cache_dir=tmp_path / "c").all_chunks()
    with pytest.raises(ValueError, match="occurs twice"):
        Searcher.build(chunks + chunks[:1], embedder=KeywordEmbedder(), cache_dir=tmp_path / "c")


def test_abstains_on_questions_without_support(backend: Any) -> None:
    # The fake embedder gives "天气" no passage match and no token of it is in the corpus.
    assert backend.answer("今天天气怎么样").abstained
    assert backend.answer("今天天气怎么样").hits == []
    assert not backend.answer("12345热线").abstained


@pytest.mark.parametrize("query", ["", "   ", "\n\t"])
def test_empty_questions_get_a_clear_error(backend: Any, query: str) -> None:
    with pytest.raises(ValueError, match="empty"):
        backend.search(query)
    with pytest.raises(ValueError, match="query 2 is empty"):
        backend.search_batch(["热线", query])


def test_adding_and_removing_a_notice_shows_in_the_next_search(backend: Any, tmp_path: Path) -> None:
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "c.txt").write_text(
        "某县工作方案\n一、任务\n1.推行夜间延时帮办服务。（县政务中心牵头）\n", encoding="utf-8"
    )
    cache = tmp_path / "cache"
    version = backend.version()
    backend = backend.add(extra, cache_dir=cache)
    top = backend.search("夜间延时帮办", k=1, mode="bm25")[0]
    assert top.doc_id == "c" and top.lead == ["县政务中心"]
    assert backend.version() != version  # feedback records which index answered
    backend = backend.remove(["c"])
    assert backend.version() == version
    assert all(h.doc_id != "c" for h in backend.search("夜间延时帮办", k=10))
    with pytest.raises(KeyError, match="not in the index"):
        backend.remove(["c"])


def test_a_notice_reads_in_order_and_a_changed_file_replaces_its_old_version(backend: Any, tmp_path: Path) -> None:
    info, chunks = backend.document("a")
    assert info.doc_id == "a" and len(chunks) == info.chunks
    assert [c.id for c in chunks] == [c.id for c in backend.all_chunks() if c.doc_id == "a"]
    with pytest.raises(KeyError, match="not in the index"):
        backend.document("nope")
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "c2.txt").write_text(
        "某县工作方案\n一、任务\n1.推行夜间延时帮办服务。（县政务中心牵头）\n", encoding="utf-8"
    )
    with pytest.raises(KeyError, match="not in the index"):  # nothing is added when the old one is unknown
        backend.add(extra, replacing=["nope"], cache_dir=tmp_path / "cache")
    assert "c2" not in {n.doc_id for n in backend.notices()}
    before = {n.doc_id for n in backend.notices()}
    backend = backend.add(extra, replacing=["b"], cache_dir=tmp_path / "cache")
    assert {n.doc_id for n in backend.notices()} == before - {"b"} | {"c2"}
    assert backend.search("夜间延时帮办", k=1, mode="bm25")[0].doc_id == "c2"
    assert backend.store.document("b") == []
    with pytest.raises(KeyError):
        backend.document("b")


def test_department_aliases_deadlines_and_generic_units_on_both_backends(backend: Any, tmp_path: Path) -> None:
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "w.txt").write_text(
        "2024年某市营商环境工作要点\n一、任务\n"
        "1.推进信用修复。（2024年6月底前完成，牵头单位：市发展和改革委员会；责任单位：各有关部门）\n"
        "2.推进项目审批提速。（牵头单位：市工信局；配合单位：市数据局）\n"
        "3.推进诚信建设宣传。（长期坚持，市发改委牵头）\n",
        encoding="utf-8",
    )
    backend = backend.add(extra, cache_dir=tmp_path / "cache")
    # every name of the department finds the items it leads; a generic unit is not a department
    for name in ("市发改委", "市发展改革委", "市发展和改革委员会"):
        led = backend.search("推进", k=10, filters={"lead": name})
        assert {h.label for h in led} == {"1", "3"}, name
    assert [h.id for h in backend.search("推进", k=10, filters={"due_before": "2024-06-30"})] == ["w#一/1"]
    assert backend.search("推进", k=10, filters={"due_before": "2024-01-01"}) == []
    with pytest.raises(ValueError, match="ISO date"):
        backend.search("推进", filters={"due_before": "六月底"})
    answer = backend.answer("发改委牵头负责哪些工作", k=3)  # the items it leads first, under any of its names
    assert {h.id for h in answer.hits} == {"w#一/1", "w#一/3", "a#一/3"}
    line = answer.lead_line()  # one canonical name, the notice's wording beside it once
    assert "市发展改革委（原文：市发改委）牵头" in line and line.count("原文") == 1 and "各有关部门" not in line
    assert answer.to_dict()["wording"] == {"市发展改革委": "市发改委"}  # the deprecated flat form, still served
    assert list(answer.to_dict()["wordings"].values()) == [{"市发展改革委": "市发改委"}]


def test_each_mode_times_its_own_stages_and_keeps_its_ranking_when_abstaining(backend: Searcher) -> None:
    (bm25,) = backend.run(["热线"], k=3, mode="bm25", with_abstain=True)
    assert {"analyse", "lexical", "rank", "abstain"} == set(bm25.timings)  # the encoder only for the abstain rule
    (dense,) = backend.run(["热线"], k=3, mode="dense")
    assert {"analyse", "encode", "dense", "rank"} == set(dense.timings)
    (refused,) = backend.run(["今天天气怎么样"], k=3, mode="hybrid", with_abstain=True)
    assert refused.abstained and backend.answer("今天天气怎么样").hits == []
    assert refused.hits and refused.hits == backend.search("今天天气怎么样", k=3, mode="hybrid")  # eval still scores it


def test_group_by_doc_returns_the_best_chunk_of_distinct_documents(built: Searcher) -> None:
    plain = built.search("企业开办 数据 热线 周末", k=10)
    grouped = built.search("企业开办 数据 热线 周末", k=10, group_by="doc")
    assert len({h.doc_id for h in plain}) < len(plain)  # several items of one notice without grouping
    assert [h.doc_id for h in grouped] == list(dict.fromkeys(h.doc_id for h in plain))
    assert [h.id for h in grouped] == [next(p.id for p in plain if p.doc_id == h.doc_id) for h in grouped]
    assert [h.rank for h in grouped] == list(range(1, len(grouped) + 1))
    assert len({h.doc_id for h in built.search("热线", k=10, mode="bm25", group_by="doc")}) == len(
        built.search("热线", k=10, mode="bm25", group_by="doc")
    )
    with pytest.raises(ValueError, match="group_by"):
        built.search("热线", group_by="notice")  # type: ignore[arg-type]
