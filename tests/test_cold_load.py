"""Opening a saved index reads what the save wrote; it recomputes nothing it does not need."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from index import Searcher
from index.corpus import CorpusStats
from index.fuse import CANDIDATES
from index.stores.base import Facts
from index.stores.chunk_file import ChunkLines, LazyChunks
from index.tokenize import _base_dictionary
from ingest import Chunk
from tests.conftest import NOTICES
from tests.fakes import KeywordEmbedder


@pytest.fixture
def saved(corpus: Path, tmp_path: Path) -> tuple[Searcher, Path]:
    """The two small notices and three copies of the bundled ones: more chunks than a question's candidates."""
    for copy in range(3):
        for source in sorted(NOTICES.glob("*.txt")):
            (corpus / f"{copy}-{source.name}").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    built = Searcher.build(corpus, tmp_path / "index", embedder=KeywordEmbedder(), cache_dir=tmp_path / "cache")
    assert len(built) > 2 * CANDIDATES
    return built, tmp_path / "index"


class Counted:
    """Wraps a function and counts its calls."""

    def __init__(self, function: Any) -> None:
        self.function, self.calls = function, 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.function(*args, **kwargs)


def test_open_recomputes_neither_statistics_nor_every_chunk(saved: tuple[Searcher, Path], monkeypatch: Any) -> None:
    built, folder = saved
    chunks = len(built)

    def rebuilt(*args: Any) -> None:
        raise AssertionError("corpus statistics recomputed on open")

    monkeypatch.setattr(CorpusStats, "of", classmethod(rebuilt))
    monkeypatch.setattr(type(_base_dictionary()), "suggest_freq", rebuilt)  # user-word frequencies are read
    decoded = Counted(Chunk.from_dict.__func__)
    derived = Counted(Facts.of.__func__)
    monkeypatch.setattr(Chunk, "from_dict", classmethod(decoded))
    monkeypatch.setattr(Facts, "of", classmethod(derived))
    opened = Searcher.open(folder, embedder=KeywordEmbedder())
    assert decoded.calls == 0 and derived.calls == 0  # no chunk decoded, no derived strings computed
    assert opened.store.stats == built.store.stats
    text = "规范12345热线运行，推进“秦政通”协同办公，市数据局牵头"
    assert opened.store.tokenizer(text) == built.store.tokenizer(text)
    assert opened.store.tokenizer.userwords == built.store.tokenizer.userwords
    assert [n.to_dict() for n in opened.notices()] == [n.to_dict() for n in built.notices()]
    assert decoded.calls == 0  # the notice list was read, not rebuilt from the chunks
    hits = opened.search("12345热线", k=3)
    assert 0 < decoded.calls <= 2 * CANDIDATES < chunks  # only the candidates of the question (dense and BM25)
    assert derived.calls <= decoded.calls
    assert [h.to_dict() for h in hits] == [h.to_dict() for h in built.search("12345热线", k=3)]


def test_statistics_and_notices_follow_changes(saved: tuple[Searcher, Path], corpus: Path) -> None:
    built, folder = saved
    smaller = built.remove({"b"})
    reopened = Searcher.open(folder, embedder=KeywordEmbedder())
    assert reopened.store.stats == smaller.store.stats == CorpusStats.of(smaller.all_chunks())
    assert "b" not in [n.doc_id for n in reopened.notices()] and len(reopened.notices()) == len(built.notices()) - 1
    again = reopened.add(corpus / "b.txt")
    assert Searcher.open(folder, embedder=KeywordEmbedder()).store.stats == again.store.stats
    assert [n.to_dict() for n in Searcher.open(folder, embedder=KeywordEmbedder()).notices()] == [
        n.to_dict() for n in again.notices()
    ]


def test_an_index_saved_before_statistics_were_saved_still_opens(saved: tuple[Searcher, Path]) -> None:
    built, folder = saved
    (folder / "stats.json").unlink()
    (folder / "notices.json").unlink()
    lexicon = folder / "lexicon.txt"  # words only, as saves wrote it before
    lexicon.write_text("".join(line.split("\t")[0] + "\n" for line in lexicon.read_text().splitlines()), "utf-8")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    del manifest["files"]  # saves of that time recorded no checksums either
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    opened = Searcher.open(folder, embedder=KeywordEmbedder())
    assert opened.store.stats == built.store.stats and len(opened.notices()) == len(built.notices())
    assert opened.store.tokenizer.frequencies() == built.store.tokenizer.frequencies()


def test_damaged_statistics_are_reported_with_the_rebuild_command(saved: tuple[Searcher, Path]) -> None:
    from index import IndexMismatchError

    _, folder = saved
    (folder / "stats.json").write_text(json.dumps([1, 2]), encoding="utf-8")
    with pytest.raises(IndexMismatchError, match="python -m index repair --index"):
        Searcher.open(folder, embedder=KeywordEmbedder())


def test_lazy_chunks_read_like_a_list(tmp_path: Path, seeds: dict) -> None:
    chunks = [c for notice in seeds.values() for c in notice.chunks]
    path = tmp_path / "chunks.jsonl"
    path.write_text("".join(c.to_json() + "\n" for c in chunks[:10]) + "\n" + chunks[10].to_json(), encoding="utf-8")
    lines = ChunkLines(path)
    assert len(lines) == 11  # a blank line skipped, a last line without its newline kept
    lazy = LazyChunks(lines, [0, 10, 3], chunks[20:22])
    assert [c.id for c in lazy] == [chunks[i].id for i in (0, 10, 3, 20, 21)]
    assert lazy[-1] == chunks[21] and lazy[1:3] == [chunks[10], chunks[3]] and len(lazy) == 5
    with pytest.raises(IndexError):
        lazy[5]
    path.write_text("not json\n", encoding="utf-8")
    with pytest.raises(ValueError, match="record 1 is not a chunk"):
        LazyChunks(ChunkLines(path))[0]
