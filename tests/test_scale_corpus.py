"""The scale corpus of ``python -m eval.harness.scale``: copies that grow the vocabulary, vectors that cost nothing, the curve.

The laws here are two small ones in the corpus's form (a title line, articles); the pool of
"cached" vectors is random. The model test builds a scale index at one size with the IVF kind
and checks it opens and updates like any other.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from eval.harness import ann
from eval.harness.scale import ScaleEmbedder, build, copy_chunk, measure, scale_chunks, write_curve
from index import Searcher
from index.sources import checked_chunks

LAW_A = "# 山东省电梯安全条例\n第一条 为了加强电梯安全工作，制定本条例。\n第二条 2018年起，使用单位应当在3个工作日内报告。\n"
LAW_B = "# 某市物业管理办法\n第一条 物业服务企业应当公开收费标准。\n第二条 业主委员会每年至少召开2次会议。\n"


def _laws(folder: Path) -> Path:
    (folder / "省").mkdir(parents=True)
    (folder / "省" / "山东省电梯安全条例.txt").write_text(LAW_A, encoding="utf-8")
    (folder / "省" / "某市物业管理办法.txt").write_text(LAW_B, encoding="utf-8")
    return folder


def _pool(rows: int = 500, dim: int = 384) -> np.ndarray:
    vectors = np.random.default_rng(0).standard_normal((rows, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_copies_rename_move_years_and_numbers_and_stay_valid_chunks(tmp_path: Path) -> None:
    laws = _laws(tmp_path / "laws")
    base = scale_chunks(4, laws)
    chunks = scale_chunks(3 * len(base), laws)
    assert len(chunks) == 3 * len(base) and chunks[: len(base)] == base
    checked_chunks(chunks)  # ids unique, as a build requires
    second = [c for c in chunks if c.doc_id.endswith("~1")]
    original = next(c for c in base if "2018年" in c.text)
    copied = next(c for c in second if c.id.split("#")[1] == original.id.split("#")[1])
    assert "2019年" in copied.text and "4个工作日" in copied.text  # years and numbers moved by the copy's number
    assert copy_chunk(original, 3).title != original.title or "山东" not in original.title  # the province swapped


def test_passage_vectors_come_from_the_pool_and_copies_stay_near(monkeypatch: pytest.MonkeyPatch) -> None:
    pool = _pool()
    embedder = ScaleEmbedder.__new__(ScaleEmbedder)  # no model: passages only
    steps = np.random.default_rng(5).standard_normal((4096, 384)).astype(np.float32)
    embedder.pool, embedder.dim = pool, 384
    embedder.steps = 0.15 * steps / np.linalg.norm(steps, axis=1, keepdims=True)
    a, b, other = embedder.encode(["第二条 2018年起，3个工作日内报告。", "第二条 2020年起，5个工作日内报告。", "业主委员会"])
    assert np.allclose(np.linalg.norm([a, b, other], axis=1), 1, atol=1e-5)
    assert float(a @ b) > 0.95 and not np.allclose(a, b)  # near-duplicates: the same pool vector, moved apart
    assert np.array_equal(embedder.encode(["业主委员会"])[0], other)  # deterministic


def test_the_curve_is_written_from_the_size_files(tmp_path: Path) -> None:
    for size, p50 in ((1000, 5.0), (3000, 7.5)):
        figures = {"chunks": size, "rows": size * 3, "dense_index": {"kind": "hnsw"}, "p50_ms": p50, "open_s": 1.0}
        (tmp_path / f"{size}.json").write_text(json.dumps(figures), encoding="utf-8")
    written = write_curve(tmp_path)
    table = (tmp_path / "curve.md").read_text(encoding="utf-8").splitlines()
    assert table[2].startswith("| 1,000 | 3,000 | hnsw") and "| 7.5 |" in table[3]
    assert written[2].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.model
def test_a_scale_index_built_with_ivf_opens_and_updates_like_any_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import eval.harness.scale

    monkeypatch.setattr(ann, "pool", lambda: _pool())
    monkeypatch.setattr(eval.harness.scale, "LAWS", _laws(tmp_path / "laws"))
    monkeypatch.setattr(eval.harness.scale, "scale_chunks", lambda size, laws=None: scale_chunks(size, tmp_path / "laws"))
    figures = build(40, tmp_path / "index", "ivf")
    assert figures["chunks"] == 40 and figures["dense_index"]["kind"] == "ivf"
    assert (tmp_path / "index" / "base" / "dense.vectors.npy").is_file()
    searcher = Searcher.open(tmp_path / "index", embedder=ScaleEmbedder(_pool()))
    assert searcher.store.dense_index.kind == "ivf" and len(searcher) == 40
    measured = measure(tmp_path / "index", questions=5)  # adds a bundled notice, removes it, folds
    assert measured["p50_ms"] > 0 and measured["add_notice_s"] > 0
    assert {"encode", "dense", "lexical", "rank"} <= set(measured["stage_p50_ms"])  # where a question's time goes
    reopened = Searcher.open(tmp_path / "index", embedder=ScaleEmbedder(_pool()))
    assert len(reopened) == 40 and reopened.store.dense_index.kind == "ivf"
    assert reopened.search("电梯安全", k=3)
