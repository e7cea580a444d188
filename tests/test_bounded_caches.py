"""What a long-running server over a large index keeps between questions stays bounded, and answers do not change."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index import Searcher
from index.lexical import LexicalIndex
from index.stores import chunk_file, local
from index.stores.base import Facts
from index.stores.chunk_file import ChunkLines, LazyChunks
from ingest import parse_text
from tests.fakes import KeywordEmbedder

QUESTIONS = ("哪些部门负责12345热线", "接诉即办", "数据共享", "营商环境", "帮办代办", "政务服务")


def test_facts_are_derived_when_read() -> None:
    chunk = parse_text("一、任务\n（一）牵头部门。负责１２３４５热线。", "d").chunks[0]
    facts = Facts.of(chunk)
    assert "context" not in vars(facts) and facts.title == "牵头部门"
    assert "12345热线" in facts.context and "context" in vars(facts)


def test_kept_facts_and_decoded_chunks_are_capped(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    Searcher.build([corpus / "a.txt", corpus / "b.txt"], tmp_path / "index", embedder=KeywordEmbedder(), cache_dir=cache)
    unbounded = Searcher.open(tmp_path / "index", embedder=KeywordEmbedder(), cache_dir=cache)
    expected = [[(h.id, h.score) for h in unbounded.search(q, k=5)] for q in QUESTIONS]
    monkeypatch.setattr(local, "FACTS_KEPT", 3)
    monkeypatch.setattr(chunk_file, "DECODED_KEPT", 4)
    bounded = Searcher.open(tmp_path / "index", embedder=KeywordEmbedder(), cache_dir=cache)
    for _ in range(2):
        assert [[(h.id, h.score) for h in bounded.search(q, k=5)] for q in QUESTIONS] == expected
        assert len(bounded.store._facts) <= 3
        lines = bounded.store.chunks.lines
        assert sum(c is not None for c in lines._decoded) <= 4


def test_a_chunk_file_is_mapped_and_copied_line_for_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chunks = parse_text("一、任务\n1.推进。（市数据局牵头）\n2.落实。（市财政局牵头）\n3.办理。", "d").chunks
    path = tmp_path / "chunks.jsonl"
    path.write_text("".join(c.to_json() + "\n" for c in chunks), encoding="utf-8")
    monkeypatch.setattr(chunk_file, "_SCAN", 7)  # newlines found across many scan blocks
    lines = ChunkLines(path)
    assert len(lines) == len(chunks) and [lines.chunk(i) for i in range(len(chunks))] == chunks
    copy = tmp_path / "copy.jsonl"
    with copy.open("wb") as handle:
        LazyChunks(lines, np.array([2, 0]), chunks[1:2]).write_lines(handle)
    assert copy.read_text(encoding="utf-8").splitlines() == [chunks[i].to_json() for i in (2, 0, 1)]
    (tmp_path / "empty.jsonl").write_bytes(b"")
    assert len(ChunkLines(tmp_path / "empty.jsonl")) == 0


def test_bm25_postings_made_on_demand_score_as_before_and_stay_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = [["热线", "服务"], ["热线", "热线", "数据"], ["数据", "共享", "服务"], ["营商", "环境"]] * 5
    index = LexicalIndex().build(docs).updated([3], {1: ["热线", "共享"]}, [["热线", "营商"]])
    kept = [d for i, d in enumerate(docs) if i != 3]
    kept[1] = ["热线", "共享"]
    fresh = LexicalIndex().build([*kept, ["热线", "营商"]])
    monkeypatch.setattr("index.lexical.POSTINGS_KEPT", 8)
    for query in (["热线"], ["数据", "服务"], ["营商", "热线", "共享"], ["没有"]):
        assert np.allclose(index.scores(query), fresh.scores(query))
        assert index._made_count <= 8 or len(index._made) == 1
