"""Adding and removing notices in place: the result must answer exactly as a fresh build would."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import index.stores.local
import index.stores.rows
from index import Searcher
from index.corpus import CorpusStats
from index.stores.layout import BASE, CHUNKS
from index.tokenize import JiebaTokenizer
from tests.conftest import collection_name
from tests.fakes import KeywordEmbedder

#: Quotes “接诉即办”, which notice a has unquoted: adding c puts a new word in the dictionary
#: and must re-tokenise a's item 1.
NOTICE_C = """某市政务服务中心工作方案
一、主要任务
1.深化“接诉即办”改革。建立热线工单快速响应机制。（市政务服务中心牵头，市数据局配合）
2.推行帮办代办服务。企业开办全程帮办。（市政务服务中心牵头）
"""
QUERIES = ("12345热线由哪个部门负责", "接诉即办", "企业开办时限", "周末不打烊", "帮办代办", "数据共享 信用")


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def _answers(searcher: Searcher) -> list[object]:
    return (
        [
            [(h.id, h.score) for h in searcher.search(q, k=8, mode=mode)]
            for q in QUERIES
            for mode in ("hybrid", "convex", "dense", "bm25")
        ]
        + [[h.id for h in searcher.search(q, k=8, filters={"lead": "市数据局"})] for q in QUERIES]
        + [searcher.answer(q).lead_line() for q in QUERIES]
    )


@pytest.mark.parametrize("kind", ["flat", "hnsw", "ivf", "milvus"])
def test_changes_answer_exactly_as_a_fresh_build(
    kind: str, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    if kind in ("hnsw", "ivf"):  # every search through FAISS's own search (exact on so few rows), plus extra rows
        monkeypatch.setattr(index.stores.rows, "EXACT_ROWS", 0)
    cache = tmp_path / "cache"
    c_file = _write(tmp_path / "new", "c.txt", NOTICE_C)
    milvus = kind == "milvus"
    target = request.getfixturevalue("milvus_uri") if milvus else tmp_path / "index"
    name = collection_name(request)
    dense_kind = None if milvus else kind
    searcher = Searcher.build(
        [corpus / "a.txt"], target, collection=name, embedder=KeywordEmbedder(), cache_dir=cache, dense_kind=dense_kind
    )
    searcher = searcher.add([corpus / "b.txt"], cache_dir=cache)
    searcher = searcher.add([c_file], cache_dir=cache)
    if not milvus:
        assert searcher.store.lexical.extra_count == 2 + 2 + 1  # b's and c's items, and a's item 1 re-tokenised
    searcher = searcher.remove(["a"])
    searcher = searcher.add([corpus / "a.txt"], cache_dir=cache)  # back, now after b and c
    _write(tmp_path / "new", "c.txt", NOTICE_C.replace("全程帮办", "全程帮办，一次办好"))
    searcher = searcher.add([c_file], cache_dir=cache)  # replaced
    chunks = searcher.all_chunks()
    assert list(dict.fromkeys(c.doc_id for c in chunks)) == ["b", "a", "c"]
    assert searcher.store.tokenizer.userwords == JiebaTokenizer(CorpusStats.of(chunks).words).userwords

    fresh_target = request.getfixturevalue("milvus_uri") if milvus else None
    fresh = Searcher.build(
        chunks, fresh_target, collection=name + "_fresh", embedder=KeywordEmbedder(), cache_dir=cache,
        dense_kind=dense_kind,
    )  # fmt: skip
    expected = _answers(fresh)
    assert _answers(searcher) == expected
    loaded = Searcher.open(target, collection=name, embedder=KeywordEmbedder())
    assert [c.to_dict() for c in loaded.all_chunks()] == [c.to_dict() for c in fresh.all_chunks()]
    assert _answers(loaded) == expected
    if not milvus:
        store = searcher.store
        assert len(store.rows.owners) > store.rows.count  # deleted rows are tombstones, not rebuilt away
        np.testing.assert_array_equal(store.rows.vectors(), fresh.store.rows.vectors())
        assert _answers(Searcher(store.compacted(), searcher.embedder)) == expected


def test_a_save_after_a_change_links_the_base_and_writes_only_the_changes(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    searcher = Searcher.build(corpus, tmp_path / "index", embedder=KeywordEmbedder(), cache_dir=cache)
    base = tmp_path / "index" / BASE
    inodes = {p.name: p.stat().st_ino for p in base.rglob("*") if p.is_file()}
    grown = searcher.add([_write(tmp_path / "new", "c.txt", NOTICE_C)], cache_dir=cache)
    assert {p.name: p.stat().st_ino for p in base.rglob("*") if p.is_file()} == inodes
    manifest = grown.store.manifest
    assert manifest["changes"]["added_chunks"] == 2 and manifest["chunk_count"] == len(searcher) + 2
    assert "某市政务服务中心工作方案" not in (tmp_path / "index" / CHUNKS).read_text(encoding="utf-8")

    monkeypatch.setattr(index.stores.local, "COMPACT_MIN_ROWS", 0)  # the next change folds everything into a new base
    folded = grown.remove(["b"])
    assert {p.name: p.stat().st_ino for p in base.rglob("*") if p.is_file()} != inodes
    assert folded.store.manifest["changes"] == {
        "added_chunks": 0,
        "deleted_chunks": 0,
        "extra_rows": 0,
        "dead_rows": 0,
        "bm25_extra_docs": 0,
    }
    loaded = Searcher.open(tmp_path / "index", embedder=KeywordEmbedder())
    assert _answers(loaded) == _answers(
        Searcher.build(folded.store.chunks, None, embedder=KeywordEmbedder(), cache_dir=cache)
    )


def test_a_failed_change_leaves_the_index_and_the_searcher_as_they_were(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = Searcher.build(corpus, tmp_path / "index", embedder=KeywordEmbedder(), cache_dir=tmp_path / "cache")
    before = _answers(built)

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("index.lexical.LexicalIndex.save_changes", boom)
    with pytest.raises(OSError, match="disk full"):
        built.add([_write(tmp_path / "new", "c.txt", NOTICE_C)], cache_dir=tmp_path / "cache")
    monkeypatch.undo()
    assert _answers(built) == before
    assert _answers(Searcher.open(tmp_path / "index", embedder=KeywordEmbedder())) == before
    with pytest.raises(ValueError, match="empty"):
        built.remove(["a", "b"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="nothing to add"):
        built.add(tmp_path / "empty")
    assert _answers(Searcher.open(tmp_path / "index", embedder=KeywordEmbedder())) == before
