"""The local index directory: saved and opened, refused when damaged or built otherwise, saved in place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index import IndexMismatchError, IndexNotFoundError, Searcher
from index.stores.layout import CHUNKS, MANIFEST
from tests.fakes import KeywordEmbedder


def test_save_load_round_trip(built: Searcher, tmp_path: Path) -> None:
    loaded = Searcher.open(tmp_path / "index", embedder=KeywordEmbedder())
    for query in ("12345热线", "周末延时服务", "信用体系"):
        assert [h.to_dict() for h in loaded.search(query)] == [h.to_dict() for h in built.search(query)]
    manifest = json.loads((tmp_path / "index" / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["model"] == {
        "name": "fake-keywords",
        "fingerprint": "fake-keywords-v1",
        "dim": KeywordEmbedder.dim,
        "prompts": {},
        "normalized": True,
        "backend": "torch",  # an embedder that names no backend counts as PyTorch
    }
    assert manifest["chunk_count"] == len(built) and manifest["documents"] == ["a", "b"]
    assert "市数据局" in (tmp_path / "index" / CHUNKS).read_text(encoding="utf-8")  # not ASCII-escaped


def test_load_with_another_model_names_the_mismatch(built: Searcher, tmp_path: Path) -> None:
    with pytest.raises(IndexMismatchError, match=r"built with model fake-keywords .*python -m index repair --index"):
        Searcher.open(tmp_path / "index", embedder=KeywordEmbedder("another-model"))


def test_damaged_index_is_refused_with_the_rebuild_command(built: Searcher, tmp_path: Path) -> None:
    chunks = tmp_path / "index" / CHUNKS
    chunks.write_text(chunks.read_text(encoding="utf-8")[:-50], encoding="utf-8")
    refused = r"chunks\.jsonl has [\d,]+ bytes, the manifest recorded [\d,]+.*python -m index repair --index"
    with pytest.raises(IndexMismatchError, match=refused):  # the recorded checksums catch it before any hash
        Searcher.open(tmp_path / "index", embedder=KeywordEmbedder())


def test_missing_index(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFoundError, match="no index at .*python -m index build"):
        Searcher.open(tmp_path / "nowhere", embedder=KeywordEmbedder())


def test_failed_save_keeps_the_previous_index(built: Searcher, tmp_path: Path, monkeypatch) -> None:
    before = (tmp_path / "index" / CHUNKS).read_bytes()

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("index.lexical.LexicalIndex.save_changes", boom)
    with pytest.raises(OSError, match="disk full"):
        built.store.save(tmp_path / "index")
    monkeypatch.undo()
    assert (tmp_path / "index" / CHUNKS).read_bytes() == before
    assert Searcher.open(tmp_path / "index", embedder=KeywordEmbedder()).search("热线")
    assert not list(tmp_path.glob(".index.tmp-*"))


def test_a_local_index_is_saved_in_place_after_a_removal(built: Searcher, tmp_path: Path) -> None:
    built.remove(["b"])
    assert {c.doc_id for c in Searcher.open(tmp_path / "index", embedder=KeywordEmbedder()).store.chunks} == {"a"}
    assert {n.doc_id for n in built.notices()} == {"a", "b"}  # the old searcher is a snapshot
