"""Shared fixtures: the bundled notices, parsed once per session (parsing is pure)."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from index import Searcher, SentenceTransformerEmbedder
from index.encoders.bundled import default_model_dir
from index.paths import ROOT
from ingest import Notice, load_notices
from tests.fakes import KeywordEmbedder
from web import Library

NOTICES = ROOT / "data" / "notices"


@pytest.fixture(scope="session")
def seeds() -> dict[str, Notice]:
    """The five bundled notices, keyed by the first three characters of their doc_id."""
    return {n.doc_id[:3]: n for n in load_notices(NOTICES)}


NOTICE_A = """某市人民政府办公室关于印发某市2024年政务服务工作要点的通知
各区政府:
现将《某市2024年政务服务工作要点》印发给你们,请认真贯彻执行。
某市人民政府办公室
2024年3月1日
某市2024年政务服务工作要点
一、优化政务服务
1.规范12345热线运行。健全接诉即办机制,提升热线服务质效。（市数据局牵头，各区政府按职责分工负责）
2.推进数据共享。完善数据平台,推动数据汇聚共享。（市数据局、市行政审批局分别牵头）
3.加强信用体系建设。健全守信激励和失信惩戒机制。（市发展改革委牵头）
二、强化监管
4.深化综合监管。推进跨部门联合监管,避免重复检查。（市市场监管局牵头）
5.加强审批人员培训。每年组织业务培训不少于两次。（市行政审批局牵头）
"""

NOTICE_B = """某区经开区深化审批改革工作方案
一、主要任务
（一）压缩企业开办时限。企业开办时限压缩至1个工作日。（政务服务中心牵头，税务局配合）
（二）推行周末延时服务。政务大厅周末不打烊。（政务服务中心牵头）
"""


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Two small notices written as files (a 工作要点 with duty notes, and a 工作方案)."""
    folder = tmp_path / "notices"
    folder.mkdir()
    (folder / "a.txt").write_text(NOTICE_A, encoding="utf-8")
    (folder / "b.txt").write_text(NOTICE_B, encoding="utf-8")
    return folder


@pytest.fixture
def built(corpus: Path, tmp_path: Path) -> Searcher:
    """A local index of :func:`corpus` on disk, with the fake keyword embedder."""
    return Searcher.build(corpus, tmp_path / "index", embedder=KeywordEmbedder(), cache_dir=tmp_path / "cache")


@pytest.fixture
def library(built: Searcher, tmp_path: Path) -> Library:
    """A library over :func:`built`, its data directory in ``tmp_path``."""
    return Library(built, tmp_path / "data")


def collection_name(request: pytest.FixtureRequest) -> str:
    """A Milvus collection name of its own for a test (letters, digits and _ only)."""
    return "t_" + re.sub(r"\W", "_", request.node.name)[-40:] + f"_{time.time_ns() % 10**9}"


@pytest.fixture(params=["local", "milvus"])
def backend(request: pytest.FixtureRequest, corpus: Path, tmp_path: Path) -> Searcher:
    """The same two notices behind each store: a local index directory, and a Milvus collection."""
    from tests.fakes import KeywordEmbedder

    if request.param == "local":
        target: str | Path = tmp_path / "index"
    else:
        target = request.getfixturevalue("milvus_uri")
    return Searcher.build(
        corpus, target, collection=collection_name(request), embedder=KeywordEmbedder(), cache_dir=tmp_path / "cache"
    )


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """The bundled model, converted once per session (into the session's temporary cache)."""
    return default_model_dir()


@pytest.fixture(scope="session")
def embedder(model_dir: Path) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(model_dir)


@pytest.fixture(scope="session")
def real_searcher(embedder: SentenceTransformerEmbedder, tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    """The bundled notices indexed by the bundled model on PyTorch fp32 (vectors independent of batching)."""
    folder = tmp_path_factory.mktemp("real-index")
    return Searcher.build(NOTICES, folder / "index", embedder=embedder, cache_dir=folder / "cache")


@pytest.fixture(scope="session")
def default_searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    """The bundled notices indexed as a fresh install indexes them: the default encoder backend."""
    folder = tmp_path_factory.mktemp("default-index")
    return Searcher.build(NOTICES, folder / "index", cache_dir=folder / "cache")


@pytest.fixture(scope="session")
def milvus_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A milvus-lite server on a free loopback port, started for the session and stopped by its PID."""
    import signal
    import subprocess
    import sys

    pytest.importorskip("pymilvus", reason="the Milvus backend needs pymilvus (requirements-dev.txt)")
    from tests.servers import free_port, wait_for_port

    port = free_port()
    root = tmp_path_factory.mktemp("milvus")
    log = (root / "server.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "milvus_lite",
            "server",
            "--data-dir",
            str(root / "data"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    wait_for_port(proc, port, root / "server.log", "milvus-lite", timeout=60)
    yield f"http://127.0.0.1:{port}"
    os.kill(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    log.close()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """python app.py on loopback over the bundled notices, shared by the tests that drive the running app."""
    from tests.appserver import start_app, stop_app

    root = tmp_path_factory.mktemp("app")
    proc, url = start_app(root)
    yield {"url": url, "root": root, "data": root / "data"}
    stop_app(proc)
