"""Pair signatures and the notice table: what lets a change to a large local index read only what it touches."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index import Searcher
from index.stores.local_files import PAIRS
from index.stores.notices import CHUNK_NOTICES, NoticeTable
from index.stores.pairs import PairSignatures, pair_slots
from index.tokenize import normalize_text
from index.views import context_text
from ingest import parse_text
from tests.fakes import KeywordEmbedder
from tests.test_updates import NOTICE_C

#: A small alphabet, so that words and texts share pairs often (the hard case for a signature).
_TEXT = st.text(alphabet="热线服务市数据局接诉即办一网通", min_size=0, max_size=40)


@settings(max_examples=200, deadline=None)
@given(
    texts=st.lists(_TEXT, min_size=1, max_size=30),
    word=st.text(alphabet="热线服务市数据局接诉即办一网通", min_size=2, max_size=5),
)
def test_every_text_holding_a_word_is_a_candidate(texts: list[str], word: str) -> None:
    signatures = PairSignatures.of(texts, len(texts), slices=64)  # few slices: many collisions
    candidates = set(signatures.candidates([word]).tolist())
    assert {i for i, text in enumerate(texts) if word in text} <= candidates


def test_signatures_rule_out_texts_without_the_pairs_and_span_blocks(tmp_path: Path) -> None:
    texts = [f"第{i}项 数据共享" for i in range(9000)]  # more than one block of 8,192
    texts[8500] = "推进接诉即办改革"
    signatures = PairSignatures.of(texts, len(texts))
    assert signatures.candidates(["接诉即办"]).tolist() == [8500]
    assert len(signatures.candidates(["数据共享"])) == 8999
    signatures.save(tmp_path / "pairs.npy")
    loaded = PairSignatures.load(tmp_path / "pairs.npy", len(texts))
    assert loaded.candidates(["接诉即办", "第0项"]).tolist() == [0, 8500]
    with pytest.raises(ValueError, match="do not fit"):
        PairSignatures.load(tmp_path / "pairs.npy", len(texts) + 9)
    with pytest.raises(ValueError, match="texts given"):
        PairSignatures.of(texts, len(texts) + 1)


def test_a_one_character_word_leaves_every_text_a_candidate() -> None:
    assert len(pair_slots("热")) == 0
    assert PairSignatures.of(["热线", "数据"], 2).candidates(["热"]).tolist() == [0, 1]


def test_the_notice_table_follows_changes_and_is_checked_at_load(tmp_path: Path) -> None:
    a = parse_text("一、任务\n1.推进。\n2.落实。", "a").chunks
    b = parse_text("一、任务\n1.办理。", "b").chunks
    c = parse_text("一、任务\n1.新增。\n2.再增。", "c").chunks
    table = NoticeTable.of(a + b).updated({"a"}, c)
    fresh = NoticeTable.of(b + c)
    assert table.infos == fresh.infos and table.chunk_notice.tolist() == fresh.chunk_notice.tolist() == [0, 1, 1]
    assert table.numbers({"c"}).tolist() == [1, 2]
    table.save(tmp_path)
    loaded = NoticeTable.load(tmp_path, 3)
    assert loaded is not None and loaded.infos == table.infos
    assert NoticeTable.load(tmp_path / "none", 3) is None
    with pytest.raises(ValueError, match="does not agree"):
        NoticeTable.load(tmp_path, 4)
    np.save(tmp_path / CHUNK_NOTICES, np.array([0, 0, 0], dtype=np.int32))
    with pytest.raises(ValueError, match="does not agree"):
        NoticeTable.load(tmp_path, 3)


@pytest.mark.parametrize("signatures", ["saved", "derived"])
def test_an_opened_index_re_tokenises_the_chunks_that_hold_a_new_word(
    signatures: str, corpus: Path, tmp_path: Path
) -> None:
    """Opened from disk (signatures mapped, or derived for a base saved without them), adding c
    re-tokenises a's item that holds “接诉即办” unquoted, and nothing else."""
    (tmp_path / "c.txt").write_text(NOTICE_C, encoding="utf-8")
    cache = tmp_path / "cache"
    built = Searcher.build(
        [corpus / "a.txt", corpus / "b.txt"], tmp_path / "index", embedder=KeywordEmbedder(), cache_dir=cache
    )
    assert (tmp_path / "index" / "base" / PAIRS).is_file()
    opened = Searcher.open(tmp_path / "index", embedder=KeywordEmbedder(), cache_dir=cache)
    if signatures == "derived":
        opened.store._base = dataclasses.replace(opened.store._base, pairs=None)
    added = opened.add([tmp_path / "c.txt"], cache_dir=cache)
    assert added.store.lexical.extra_count == 2 + 1  # c's two items and a's item 1
    fresh = Searcher.build(added.all_chunks(), embedder=KeywordEmbedder(), cache_dir=cache)
    for query in ("接诉即办", "12345热线由哪个部门负责", "帮办代办"):
        assert [(h.id, h.score) for h in added.search(query, k=8)] == [
            (h.id, h.score) for h in fresh.search(query, k=8)
        ]
    assert [n.doc_id for n in added.notices()] == ["a", "b", "c"] == [n.doc_id for n in built.notices()] + ["c"]
    assert [c.doc_id for c in added.store.document("b")] == ["b"] * built.notices()[1].chunks


def test_rebased_signatures_are_those_of_the_new_texts() -> None:
    """Folding changes copies the kept texts' bits and signs only the added ones."""
    old_texts = [f"第{i}项 数据共享" for i in range(9000)]
    old_texts[11] = "推进接诉即办改革"
    old = PairSignatures.of(old_texts, len(old_texts))
    origin = np.array([5, -1, 7, 11, *range(12, 9000, 2), -1, -1])  # kept ones, added ones between and after
    added = iter(["12345热线", "帮办代办", "一网通办"])
    texts = [old_texts[o] if o >= 0 else next(added) for o in origin.tolist()]
    rebased = PairSignatures.rebased(old, origin, lambda n: texts[n])
    assert np.array_equal(rebased.bits, PairSignatures.of(texts, len(texts)).bits)
    assert rebased.candidates(["接诉即办", "帮办"]).tolist() == [3, len(origin) - 2]


def test_a_folded_index_keeps_its_signatures_and_answers_as_a_fresh_build(corpus: Path, tmp_path: Path) -> None:
    (tmp_path / "c.txt").write_text(NOTICE_C, encoding="utf-8")
    cache = tmp_path / "cache"
    built = Searcher.build([corpus / "a.txt", corpus / "b.txt"], embedder=KeywordEmbedder(), cache_dir=cache)
    changed = built.add([tmp_path / "c.txt"], cache_dir=cache).remove(["b"])
    folded = changed.store.compacted()
    contexts = [normalize_text(context_text(c)) for c in folded.chunks]
    assert folded._base.pairs is not None
    assert np.array_equal(folded._base.pairs.bits, PairSignatures.of(contexts, len(contexts)).bits)
    folded.save(tmp_path / "index")
    opened = Searcher.open(tmp_path / "index", embedder=KeywordEmbedder(), cache_dir=cache)
    assert [c.id for c in opened.all_chunks()] == [c.id for c in changed.all_chunks()]
    assert opened.store.notices() == changed.store.notices()
    assert opened.search("接诉即办")[0].id == changed.search("接诉即办")[0].id
