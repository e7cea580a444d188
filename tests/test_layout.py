"""The index directory under faults: swaps killed half-way, full disks, damaged files, builds killed at random."""

from __future__ import annotations

import errno
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from index import IndexMismatchError, Searcher
from index.stores.layout import recover
from tests.conftest import NOTICE_A, ROOT
from tests.fakes import KeywordEmbedder


def _ids(searcher: Searcher) -> list[str]:
    return [c.id for c in searcher.all_chunks()]


def test_a_swap_killed_between_its_renames_is_undone_on_load(built: Searcher, tmp_path: Path) -> None:
    path = built.store.path
    assert path is not None
    aside = path.parent / f".{path.name}.old-123-456"
    os.replace(path, aside)  # the state a SIGKILL between the two renames leaves
    assert recover(path) and not aside.exists()
    assert _ids(Searcher.open(path, embedder=KeywordEmbedder())) == _ids(built)


def test_disk_full_during_a_save_keeps_the_previous_index(built: Searcher, tmp_path: Path, monkeypatch) -> None:
    path = built.store.path

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(np, "save", full)
    with pytest.raises(OSError, match="No space left"):
        built.store.save(path)  # type: ignore[arg-type]
    monkeypatch.undo()
    assert _ids(Searcher.open(path, embedder=KeywordEmbedder())) == _ids(built)
    leftovers = [p.name for p in path.parent.iterdir() if p.name.startswith(".")]  # type: ignore[union-attr]
    assert leftovers in ([], [f".{path.name}.lock"])  # no temporary folder; the writer lock file stays (by design)


def test_a_damaged_index_names_the_problem_and_the_rebuild_command(built: Searcher) -> None:
    path = built.store.path
    assert path is not None
    (path / "owners.npy").write_bytes(b"garbage")
    with pytest.raises((IndexMismatchError, ValueError)):
        Searcher.open(path, embedder=KeywordEmbedder())
    (path / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexMismatchError, match=r"damaged .*rebuild with: python -m index repair --index"):
        Searcher.open(path, embedder=KeywordEmbedder())


CHILD = """
import os, resource, signal, sys
sys.path.insert(0, {root!r})
from index import Searcher
from tests.fakes import KeywordEmbedder
limit = int(os.environ.get("FSIZE_LIMIT", "0"))
if limit:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
print("building", flush=True)
Searcher.build(sys.argv[1:-1], sys.argv[-1], embedder=KeywordEmbedder(), cache_dir={cache!r})
print("built", flush=True)
"""


def _child(tmp_path: Path) -> Path:
    script = tmp_path / "child.py"
    script.write_text(CHILD.format(root=str(ROOT), cache=str(tmp_path / "cache")), encoding="utf-8")
    return script


def test_builds_killed_with_sigkill_at_any_moment_leave_a_loadable_index(corpus: Path, tmp_path: Path) -> None:
    """Rebuild over an existing index and SIGKILL the process at spread-out moments.

    Each time, the index directory must load and hold exactly the old or the new corpus.
    """
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "c.txt").write_text(NOTICE_A.replace("某市", "另一市"), encoding="utf-8")
    script, index = _child(tmp_path), tmp_path / "killed-index"
    subprocess.run([sys.executable, str(script), str(corpus), str(index)], check=True, capture_output=True)
    old = _ids(Searcher.open(index, embedder=KeywordEmbedder()))
    started = time.perf_counter()
    subprocess.run([sys.executable, str(script), str(corpus), str(extra), str(tmp_path / "timing")], check=True)
    full_run = time.perf_counter() - started
    new = _ids(Searcher.open(tmp_path / "timing", embedder=KeywordEmbedder()))
    assert new != old
    outcomes = set()
    for attempt in range(12):
        proc = subprocess.Popen(
            [sys.executable, str(script), str(corpus), str(extra), str(index)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        delay = full_run * (0.3 + 0.75 * attempt / 11)  # from start-up to just after the swap
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        loaded = _ids(Searcher.open(index, embedder=KeywordEmbedder()))
        assert loaded in (old, new), f"attempt {attempt}: a mixed index after SIGKILL at {delay:.2f} s"
        outcomes.add("new" if loaded == new else "old")
        if loaded == new:  # put the old index back, so the next kill interrupts a real swap
            subprocess.run([sys.executable, str(script), str(corpus), str(index)], check=True, capture_output=True)
    assert "old" in outcomes  # some kills did land mid-build


def test_a_write_failing_mid_build_keeps_the_previous_index(corpus: Path, tmp_path: Path) -> None:
    """A real write error (the file-size limit, as a full disk would) in a child building over an index."""
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "c.txt").write_text(NOTICE_A.replace("某市", "另一市"), encoding="utf-8")
    script, index = _child(tmp_path), tmp_path / "index-full"
    subprocess.run([sys.executable, str(script), str(corpus), str(index)], check=True, capture_output=True)
    subprocess.run(  # fill the embedding cache, so the limited run only writes the index
        [sys.executable, str(script), str(corpus), str(extra), str(tmp_path / "warm")], check=True, capture_output=True
    )
    old = _ids(Searcher.open(index, embedder=KeywordEmbedder()))
    failed = subprocess.run(
        [sys.executable, str(script), str(corpus), str(extra), str(index)],
        capture_output=True,
        text=True,
        env={**os.environ, "FSIZE_LIMIT": "2048"},
    )
    # SQLite (the embedding cache) or the index files hit the limit first, depending on page sizes
    assert failed.returncode != 0 and re.search(
        r"File too large|disk I/O error|database or disk is full", failed.stderr
    )
    assert _ids(Searcher.open(index, embedder=KeywordEmbedder())) == old
    assert not [p for p in index.parent.iterdir() if p.name.startswith(".index-full") and p.suffix != ".lock"]


def test_a_save_makes_its_files_directories_and_renames_durable(built: Searcher, tmp_path: Path, monkeypatch) -> None:
    synced: list[str] = []
    real = os.fsync

    def recording(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real(fd)

    monkeypatch.setattr(os, "fsync", recording)
    path = built.store.path
    extra = tmp_path / "more.txt"
    extra.write_text(NOTICE_A.replace("12345", "54321"), encoding="utf-8")
    built.add([extra])
    monkeypatch.undo()
    assert str(path.parent) in synced  # the swap's renames
    written = [Path(s) for s in synced if ".tmp-" in s]
    assert any(p.name == "manifest.json" for p in written)  # every file …
    assert any(p.name.startswith(f".{path.name}.tmp-") for p in written)  # … and the folder that names them
    assert synced.index(str(path.parent)) > max(synced.index(str(p)) for p in written)  # renamed once durable
