"""One writer at a time: concurrent adds all land, a stale writer is refused, the app writes on top of the CLI."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from index import Searcher
from index.errors import IndexChangedError
from index.stores.writer import lock_path, writer_lock
from index.writing import writing
from tests.conftest import NOTICE_B
from tests.fakes import KeywordEmbedder
from web.library import Library


def _notice(folder: Path, n: int) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / f"n{n:02d}.txt"
    path.write_text(NOTICE_B.replace("某区经开区深化审批改革工作方案", f"第{n}号停车治理方案"), encoding="utf-8")
    return path


def _add_one(index: str, notice: str, cache: str) -> None:
    """A writer process: open the index, add one notice under the writer lock (what `python -m index add` does)."""
    searcher = Searcher.open(Path(index), embedder=KeywordEmbedder(), cache_dir=Path(cache))
    with writing(searcher) as current:
        current.add([Path(notice)], cache_dir=Path(cache))


def test_concurrent_writer_processes_lose_no_acknowledged_add(built: Searcher, tmp_path: Path) -> None:
    index = built.store.path
    notices = [_notice(tmp_path / "new", n) for n in range(8)]
    context = multiprocessing.get_context("spawn")  # fork is unsafe in a test process holding other threads
    workers = [context.Process(target=_add_one, args=(str(index), str(p), str(tmp_path / "cache"))) for p in notices]
    for worker in workers:  # all eight load the same generation, then race for the lock
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [w.exitcode for w in workers] == [0] * len(workers)  # every add acknowledged …
    held = {n.doc_id for n in Searcher.open(index, embedder=KeywordEmbedder()).notices()}
    assert {p.stem for p in notices} <= held  # … and every one is there


def test_a_writer_that_loaded_before_another_saved_is_refused_not_written_over(built: Searcher, tmp_path: Path) -> None:
    stale = Searcher.open(built.store.path, embedder=KeywordEmbedder(), cache_dir=tmp_path / "cache")
    built.add([_notice(tmp_path / "new", 1)])  # another writer saves first
    with pytest.raises(IndexChangedError, match="another writer changed the index.*nothing was written"):
        stale.add([_notice(tmp_path / "new", 2)])
    with writing(stale) as current:  # reloaded under the lock: the change lands on top
        current.add([_notice(tmp_path / "new", 2)])
    held = {n.doc_id for n in Searcher.open(built.store.path, embedder=KeywordEmbedder()).notices()}
    assert {"n01", "n02"} <= held


def test_the_app_writes_on_top_of_what_the_cli_added(library: Library, built: Searcher, tmp_path: Path) -> None:
    cli = Searcher.open(built.store.path, embedder=KeywordEmbedder(), cache_dir=tmp_path / "cache")
    with writing(cli) as current:
        current.add([_notice(tmp_path / "cli", 7)])  # `python -m index add` beside the running app
    result = library.upload(_notice(tmp_path / "app", 8))
    held = {n.doc_id for n in Searcher.open(built.store.path, embedder=KeywordEmbedder()).notices()}
    assert "n07" in held and result.doc_id in held
    assert "n07" in {row[0] for row in library.notices()}  # the app now answers from both


def test_the_lock_is_reentrant_in_a_process_and_lives_beside_the_index(tmp_path: Path) -> None:
    index = tmp_path / "idx"
    with writer_lock(index), writer_lock(index):
        assert lock_path(index) == tmp_path / ".idx.lock" and lock_path(index).exists()


def test_a_restart_reconciles_stored_uploads_with_the_index(library: Library, built: Searcher, tmp_path: Path) -> None:
    kept = library.upload(_notice(tmp_path / "up", 3))
    assert (library.uploads / f"{kept.doc_id}.txt").is_file()  # acknowledged means stored under its final name
    orphan = library.uploads / "n09_deadbeef.txt"  # killed after storing, before the swap: no notice has it
    orphan.write_text("x", encoding="utf-8")
    (library.uploads / ".staging-n05_0000.txt").write_text("x", encoding="utf-8")  # an older version's leftover
    (library.uploads / ".reading-n06-1234").mkdir()
    restarted = Library(library.searcher, library.data_dir)
    assert sorted(restarted.reconciled) == [".reading-n06-1234", ".staging-n05_0000.txt", "n09_deadbeef.txt"]
    assert [p.name for p in library.uploads.iterdir()] == [f"{kept.doc_id}.txt"]
