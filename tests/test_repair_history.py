"""Repair keeps history: a removed notice stays removed, a deleted manifest is named, leftovers of killed saves go."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from eval.harness.corrupt import damage
from index import Searcher
from index.errors import IndexMismatchError, IndexNotFoundError
from index.stores.removals import read_removed, removed_path
from index.writing import repair, tidy
from tests.fakes import KeywordEmbedder

QUESTIONS = ["12345热线", "企业开办时限", "审批人员培训", "周末不打烊", "停车治理"]


def _state(searcher: Searcher) -> tuple[list[str], list[list[str]]]:
    return sorted(n.doc_id for n in searcher.notices()), [[h.id for h in searcher.search(q, k=5)] for q in QUESTIONS]


@pytest.fixture
def changed(built: Searcher, tmp_path: Path) -> tuple[Searcher, Path]:
    """The two-notice index with a third notice added from the same folder and one of the first two removed."""
    corpus = tmp_path / "notices"
    (corpus / "c.txt").write_text("某县停车治理方案\n一、任务\n1.推行错时停车。（县交通局牵头）", encoding="utf-8")
    searcher = built.add([corpus / "c.txt"]).remove(["a"])
    return searcher, corpus


def test_repair_after_a_remove_gives_the_answers_of_before_the_damage(
    changed: tuple[Searcher, Path], tmp_path: Path
) -> None:
    searcher, corpus = changed
    path = searcher.store.path
    before = _state(searcher)
    assert before[0] == ["b", "c"] and read_removed(path) == {"a"}
    damage(path / "base" / "dense.faiss", "flip")

    repaired, problems = repair(path, [corpus], embedder=KeywordEmbedder())

    assert problems == [] and _state(repaired) == before  # "a" is still in the folder, and stays out
    assert _state(Searcher.open(path, embedder=KeywordEmbedder())) == before


def test_the_tombstones_outlive_a_deleted_manifest_and_a_notice_added_again_lifts_its_own(
    changed: tuple[Searcher, Path],
) -> None:
    searcher, corpus = changed
    path = searcher.store.path
    before = _state(searcher)
    (path / "manifest.json").unlink()
    assert removed_path(path).is_file()
    repaired, _ = repair(path, [corpus], embedder=KeywordEmbedder())
    assert _state(repaired) == before

    again = repaired.add([corpus / "a.txt"])
    assert "a" in {n.doc_id for n in again.notices()} and read_removed(path) == set()
    damage(path / "base" / "dense.faiss", "zero")
    assert "a" in {n.doc_id for n in repair(path, [corpus], embedder=KeywordEmbedder())[0].notices()}


def test_without_a_removal_repair_rebuilds_everything(built: Searcher, corpus: Path) -> None:
    path = built.store.path
    assert read_removed(path) == set() and not removed_path(path).exists()
    assert _state(repair(path, [corpus], embedder=KeywordEmbedder())[0]) == _state(built)


def test_a_deleted_manifest_is_named_with_repair_not_build(built: Searcher) -> None:
    path = built.store.path
    (path / "manifest.json").unlink()
    for opening in (
        lambda: Searcher.open(path, embedder=KeywordEmbedder()),
        lambda: Searcher.open(path, embedder=KeywordEmbedder(), build_if_missing=True),
    ):
        with pytest.raises(IndexMismatchError, match=r"manifest.json is missing.*python -m index repair --index"):
            opening()
    shutil.rmtree(path)  # truly absent: that is a missing index, built on request
    with pytest.raises(IndexNotFoundError, match="build one with"):
        Searcher.open(path, embedder=KeywordEmbedder())


def test_leftovers_of_killed_saves_are_removed_at_start(built: Searcher) -> None:
    path = built.store.path
    before = _state(built)
    for name in (f".{path.name}.tmp-abc", f".{path.name}.old-1-2"):
        (path.parent / name).mkdir()
        (path.parent / name / "chunks.jsonl").write_text("{}", encoding="utf-8")
    assert tidy(path) == [f".{path.name}.old-1-2", f".{path.name}.tmp-abc"]
    assert not list(path.parent.glob(f".{path.name}.*-*")) and tidy(path) == []
    assert _state(Searcher.open(path, embedder=KeywordEmbedder())) == before


def test_a_swap_killed_half_way_is_put_back_before_leftovers_go(built: Searcher) -> None:
    path = built.store.path
    before = _state(built)
    aside = path.parent / f".{path.name}.old-9-9"
    path.rename(aside)  # killed between the two renames of a save: the previous index lies aside
    assert tidy(path) == [] and path.is_dir() and not aside.exists()
    assert _state(Searcher.open(path, embedder=KeywordEmbedder())) == before
