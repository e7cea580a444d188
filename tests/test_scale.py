"""Scale features with a fake embedder: resumable builds, approximate indexes, recall against exact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index import Searcher
from tests.conftest import NOTICE_A, NOTICE_B, ROOT
from tests.fakes import KeywordEmbedder

CHILD = """
import sys, time
sys.path.insert(0, {root!r})
import index.encoders.cache
from index import Searcher
from tests.fakes import KeywordEmbedder

index.encoders.cache.EMBED_BATCH = 4

class Slow(KeywordEmbedder):
    def encode(self, texts, *, query=False, show_progress=False):
        out = super().encode(texts, query=query)
        print("encoded", len(texts), flush=True)
        time.sleep(0.2)
        return out

Searcher.build(sys.argv[1], sys.argv[2], embedder=Slow(), cache_dir=sys.argv[3])
print("built", flush=True)
"""


def _corpus(folder: Path) -> Path:
    folder.mkdir()
    for n in range(3):  # enough text for a dozen batches of four
        (folder / f"a{n}.txt").write_text(NOTICE_A.replace("某市", f"第{n}市"), encoding="utf-8")
        (folder / f"b{n}.txt").write_text(NOTICE_B.replace("某区", f"第{n}区"), encoding="utf-8")
    return folder


def test_a_killed_build_resumes_where_it_stopped_and_equals_an_uninterrupted_one(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "notices")
    script = tmp_path / "child.py"
    script.write_text(CHILD.format(root=str(ROOT)), encoding="utf-8")
    run = [sys.executable, str(script), str(corpus), str(tmp_path / "index"), str(tmp_path / "cache")]

    proc = subprocess.Popen(run, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    done = 0
    for line in proc.stdout:
        done += int(line.split()[1]) if line.startswith("encoded") else 0
        if done >= 12:  # three batches saved: kill it in the middle of the build
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait()
    assert proc.returncode == -signal.SIGKILL and not (tmp_path / "index").exists()

    resumed = subprocess.run(run, capture_output=True, text=True, check=True).stdout
    encoded_after = sum(int(line.split()[1]) for line in resumed.splitlines() if line.startswith("encoded"))

    counting = KeywordEmbedder()
    fresh = Searcher.build(corpus, tmp_path / "fresh", embedder=counting, cache_dir=tmp_path / "cache2")
    distinct = sum(len(call) for call in counting.calls)  # texts to encode (repeated texts once)
    # Only what the killed run had not saved: the batch it was killed in is saved or not,
    # depending on whether the kill landed before or after the cache write.
    assert encoded_after in (distinct - done, distinct - done + 4) and encoded_after < distinct
    loaded = Searcher.open(tmp_path / "index", embedder=KeywordEmbedder())
    assert [c.to_dict() for c in loaded.store.chunks] == [c.to_dict() for c in fresh.store.chunks]
    np.testing.assert_array_equal(loaded.store.rows.owners, fresh.store.rows.owners)
    np.testing.assert_allclose(loaded.store.rows.vectors(), fresh.store.rows.vectors(), rtol=0, atol=1e-7)
    query = "12345热线由哪个部门负责"
    assert [h.id for h in loaded.search(query)] == [h.id for h in fresh.search(query)]


@pytest.mark.parametrize("kind", ["hnsw", "ivf"])
def test_approximate_indexes_answer_like_flat_ones_and_survive_a_round_trip(
    kind: str, corpus: Path, tmp_path: Path, monkeypatch
) -> None:
    import index.stores.rows

    monkeypatch.setattr(index.stores.rows, "EXACT_ROWS", 0)  # every search goes through FAISS's own search
    flat = Searcher.build(corpus, tmp_path / "flat", embedder=KeywordEmbedder(), cache_dir=tmp_path / "c")
    hnsw = Searcher.build(corpus, tmp_path / kind, embedder=KeywordEmbedder(), cache_dir=tmp_path / "c", dense_kind=kind)
    assert flat.store.manifest["settings"]["dense_index"]["kind"] == "flat"
    params = hnsw.store.manifest["settings"]["dense_index"]
    assert params["kind"] == kind and (params.get("ef_search", 0) >= 256 or params.get("rerank", 0) >= 64)
    loaded = Searcher.open(tmp_path / kind, embedder=KeywordEmbedder())
    assert loaded.store.dense_index.kind == kind
    for query in ("12345热线由哪个部门负责", "企业开办时限", "周末不打烊", "信用体系建设"):
        for mode in ("dense", "hybrid"):
            expected = [(h.id, h.score) for h in flat.search(query, k=5, mode=mode)]
            assert [(h.id, h.score) for h in hnsw.search(query, k=5, mode=mode)] == expected
            assert [(h.id, h.score) for h in loaded.search(query, k=5, mode=mode)] == expected


def test_the_index_kind_follows_the_size(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    import index.stores.rows

    monkeypatch.setattr(index.stores.rows, "ANN_ROWS", 10)
    big = Searcher.build(corpus, None, embedder=KeywordEmbedder(), cache_dir=tmp_path / "c")
    assert big.store.dense_index.size > 10 and big.store.dense_index.kind == "hnsw"
    monkeypatch.setattr(index.stores.rows, "ANN_ROWS", 10**6)
    small = Searcher.build(corpus, None, embedder=KeywordEmbedder(), cache_dir=tmp_path / "c")
    assert small.store.dense_index.kind == "flat"
    monkeypatch.setattr(index.stores.rows, "ANN_ROWS", 5)
    monkeypatch.setattr(index.stores.rows, "IVF_ROWS", 10)
    huge = Searcher.build(corpus, None, embedder=KeywordEmbedder(), cache_dir=tmp_path / "c")
    assert huge.store.dense_index.kind == "ivf"
