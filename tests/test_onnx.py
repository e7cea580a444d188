"""The ONNX encoder backends: the export and its cache, backend records and refusals, int8 fidelity."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from index import IndexMismatchError, Searcher
from index.encoders.base import check_backend, weights_fingerprint
from index.encoders.cache import cache_file_name
from index.encoders.factory import make_embedder
from index.encoders.onnx_embed import OnnxEmbedder
from index.encoders.onnx_export import EXPORT_FILE, PROBES, ensure_export, export_dir
from index.encoders.onnx_session import default_threads
from index.encoders.sentence import SentenceTransformerEmbedder
from index.errors import ExportError
from index.paths import ROOT
from index.stores.layout import MANIFEST
from tests.fakes import KeywordEmbedder
from tests.tinymodels import tiny_encoder

TEXTS = ["哪些部门负责12345热线", "推进数据共享，市数据局牵头", "周末延时服务", "企业开办时限压缩至1个工作日", *PROBES]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny sentence-transformers model (BERT 2×32) built for these tests."""
    return tiny_encoder(tmp_path_factory.mktemp("tiny") / "model", TEXTS)


class Fake(KeywordEmbedder):
    """The keyword fake, on a named backend."""

    def __init__(self, backend: str) -> None:
        super().__init__()
        self.backend = backend


# --- the export and its cache ------------------------------------------------------------------


def test_export_reproduces_the_model_and_is_made_once(tiny: Path, tmp_path: Path, monkeypatch: Any) -> None:
    torch_vectors = SentenceTransformerEmbedder(tiny).encode(TEXTS, query=True)
    onnx = OnnxEmbedder(tiny, "onnx", export_root=tmp_path)
    info = json.loads((onnx.export / EXPORT_FILE).read_text(encoding="utf-8"))
    assert onnx.export == export_dir(onnx.fingerprint, "onnx", tmp_path)
    assert info["backend"] == "onnx" and info["fingerprint"] == onnx.fingerprint and info["max_seq_length"] == 128
    assert info["prompts"] == {"query": "query: ", "passage": "passage: "} and onnx.dim == 32
    cosine = (onnx.encode(TEXTS, query=True) * torch_vectors).sum(axis=1)
    assert cosine.min() > 0.9999  # prompts, truncation past 128 tokens and padding as sentence-transformers does them
    vectors = onnx.encode(TEXTS)
    assert vectors.dtype == np.float32 and np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    order = onnx.encode(TEXTS[::-1])[::-1]  # batches are length-sorted inside; rows come back in order
    assert np.allclose(order, vectors, atol=1e-5)

    def no_export(*args: Any) -> None:
        raise AssertionError("exported again")

    monkeypatch.setattr("index.encoders.onnx_export._export", no_export)
    again = OnnxEmbedder(tiny, "onnx", export_root=tmp_path)  # the cached export is used
    assert np.allclose(again.encode(TEXTS), vectors, atol=1e-6)


def test_int8_export_is_its_own_and_a_stale_export_is_redone(tiny: Path, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr("index.encoders.onnx_export.INT8_MIN_COSINE", 1.0)  # no int8 model is that close
    with pytest.raises(ExportError, match="strays from its fp32 vectors.*use --backend onnx"):
        OnnxEmbedder(tiny, "onnx-int8", export_root=tmp_path)
    assert not export_dir(weights_fingerprint(tiny), "onnx-int8", tmp_path).exists()  # nothing half-written kept
    monkeypatch.undo()
    fp32 = OnnxEmbedder(tiny, "onnx", export_root=tmp_path)
    int8 = OnnxEmbedder(tiny, "onnx-int8", export_root=tmp_path)
    assert (
        int8.export != fp32.export
        and (int8.export / "model.onnx").stat().st_size < (fp32.export / "model.onnx").stat().st_size
    )
    assert {"mean", "min"} <= set(int8.probe_cosine)
    record = int8.export / EXPORT_FILE
    record.write_text(json.dumps({**json.loads(record.read_text()), "export_version": 0}), encoding="utf-8")
    redone = ensure_export(tiny, int8.fingerprint, "onnx-int8", tmp_path)  # an older export format is redone
    assert json.loads((redone / EXPORT_FILE).read_text())["export_version"] >= 1


def test_a_model_folder_without_fast_tokenizer_is_refused_naming_the_way_out(tiny: Path, tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "model"
    shutil.copytree(tiny, folder)
    for item in folder.rglob("tokenizer.json"):
        item.unlink()
    with pytest.raises(ExportError, match="--backend torch"):
        ensure_export(folder, "f" * 64, "onnx", tmp_path / "exports")
    with pytest.raises(ValueError, match="unknown ONNX backend"):
        ensure_export(tiny, "f" * 64, "torch", tmp_path / "exports")
    with pytest.raises(ValueError, match="unknown encoder backend 'cuda'"):
        make_embedder(tiny, "cuda")


def test_threads_come_from_the_environment_or_the_cpus(monkeypatch: Any) -> None:
    monkeypatch.setenv("POLICY_QA_THREADS", "1")
    assert default_threads() == 1
    monkeypatch.setenv("POLICY_QA_THREADS", "two")
    with pytest.raises(ValueError, match="POLICY_QA_THREADS='two'"):
        default_threads()
    monkeypatch.delenv("POLICY_QA_THREADS")
    assert default_threads() >= 1


# --- records and refusals ------------------------------------------------------------------------


def test_vectors_of_each_backend_are_cached_apart() -> None:
    assert cache_file_name(KeywordEmbedder()) == "fake-keywords-v1-13.sqlite"  # PyTorch keeps its old files
    assert cache_file_name(Fake("onnx-int8")) == "fake-keywords-v1-13-onnx-int8.sqlite"
    assert cache_file_name(Fake("onnx")) != cache_file_name(Fake("onnx-int8"))


def test_an_index_records_its_backend_and_refuses_another(backend: Searcher, corpus: Path, tmp_path: Path) -> None:
    """The fixture's index was built by an embedder that names no backend, i.e. PyTorch."""
    if backend.store.describe()["store"] == "local":
        target: Any = backend.store.describe()["path"]
        collection = {}
        assert json.loads((Path(target) / MANIFEST).read_text(encoding="utf-8"))["model"]["backend"] == "torch"
    else:
        target, collection = backend.store.uri, {"collection": backend.store.collection}
    with pytest.raises(IndexMismatchError) as refused:
        Searcher.open(target, embedder=Fake("onnx-int8"), **collection)
    message = str(refused.value)
    assert "built with the torch encoder backend" in message and "this run uses onnx-int8" in message
    assert "--backend torch" in message and "--backend onnx-int8" in message and ("python -m index build" in message or "python -m index repair" in message)
    assert Searcher.open(target, embedder=KeywordEmbedder(), **collection).search("12345热线")  # the same backend opens


def test_a_local_index_opens_on_the_backend_it_records(corpus: Path, tmp_path: Path, monkeypatch: Any) -> None:
    Searcher.build(corpus, tmp_path / "index", embedder=Fake("onnx-int8"), cache_dir=tmp_path / "cache")
    assert json.loads((tmp_path / "index" / MANIFEST).read_text(encoding="utf-8"))["model"]["backend"] == "onnx-int8"
    asked: list[tuple[Any, Any]] = []

    def fake_make(path: Any, backend: Any) -> Fake:
        asked.append((path, backend))
        return Fake(backend)

    monkeypatch.setattr("index.recorded.make_embedder", fake_make)
    opened = Searcher.open(tmp_path / "index")
    assert asked == [(None, "onnx-int8")] and opened.embedder.backend == "onnx-int8"
    with pytest.raises(IndexMismatchError, match="--backend onnx-int8"):
        Searcher.open(tmp_path / "index", backend="onnx")  # a named backend other than the recorded one


def test_check_backend_names_both_sides() -> None:
    check_backend({"backend": "onnx"}, {"backend": "onnx"}, "x", "rebuild")
    check_backend({}, {"backend": "torch"}, "x", "rebuild")  # records older than the choice are PyTorch's
    with pytest.raises(IndexMismatchError, match=r"x was built with the onnx encoder backend; this run uses torch"):
        check_backend({"backend": "onnx"}, {}, "x", "rebuild")


def test_cli_refuses_a_backend_the_index_was_not_built_with(corpus: Path, tmp_path: Path) -> None:
    Searcher.build(corpus, tmp_path / "index", embedder=KeywordEmbedder(), cache_dir=tmp_path / "cache")
    run = subprocess.run(
        [sys.executable, "-m", "index", "search", "12345热线", "--index", str(tmp_path / "index"), "--backend", "onnx"],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert run.returncode == 2
    assert "built with the torch encoder backend" in run.stderr and "--backend torch" in run.stderr


# --- the real model ------------------------------------------------------------------------------


@pytest.mark.model
def test_int8_stays_close_to_fp32_on_the_real_model(embedder: SentenceTransformerEmbedder, seeds: dict) -> None:
    """The default backend's fidelity: cosine to PyTorch fp32 ≥ 0.99 on average and ≥ 0.97 at worst."""
    from eval.relevance import load_questions

    questions = [q.query for q in load_questions(ROOT / "eval" / "queries" / "dev.jsonl")]
    passages = [c.text for notice in seeds.values() for c in notice.chunks]
    for backend, mean, low in (("onnx", 0.9999, 0.9995), ("onnx-int8", 0.99, 0.97)):
        onnx = make_embedder(None, backend)
        for texts, query in ((questions, True), (passages, False)):
            cosine = (onnx.encode(texts, query=query) * embedder.encode(texts, query=query)).sum(axis=1)
            assert cosine.mean() >= mean and cosine.min() >= low, (backend, query, cosine.mean(), cosine.min())


@pytest.mark.model
def test_the_default_backend_answers_alone_and_in_batches_alike(default_searcher: Searcher) -> None:
    """int8 questions are encoded one per run, so a batch lookup gives exactly the single answers."""
    from eval.relevance import load_questions

    assert default_searcher.embedder.backend == "onnx-int8"
    queries = [q.query for q in load_questions(ROOT / "eval" / "queries" / "dev.jsonl")][:20]
    batch = default_searcher.search_batch(queries, k=5)
    single = [default_searcher.search(q, k=5) for q in queries]
    assert [[h.id for h in hits] for hits in batch] == [[h.id for h in hits] for hits in single]
    vectors = default_searcher.embedder.encode(queries, query=True)
    assert np.array_equal(vectors, np.concatenate([default_searcher.embedder.encode([q], query=True) for q in queries]))
    # scores: equal up to the summation order of a batched matrix product. Dense cosines then differ by
    # ≈ 1e-6; min-max normalisation over a narrow range, the rules' factors and the rounding of a hit's
    # score to 6 places carry that to 1.0e-5 on a Xeon without AVX-512 (measured), so four places are asked.
    assert all(
        abs(a.score - b.score) < 1e-4 for x, y in zip(batch, single, strict=True) for a, b in zip(x, y, strict=True)
    )
    answer = default_searcher.answer("哪些部门负责12345热线", k=5)
    assert "000_4339a6bb93f327d8#四/13" in [h.id for h in answer.hits] and not answer.abstained
    assert "市行政审批服务局、市数据局牵头（第13项）" in answer.lead_line()
