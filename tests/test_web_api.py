"""The web API's endpoints over a library (a fake encoder): JSON answers, errors named, nothing changed by a bad call."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import Searcher
from tests.conftest import NOTICE_B
from tests.fakes import KeywordEmbedder
from web.api import WebApi
from web.library import Library


@pytest.fixture
def api(corpus: Path, tmp_path: Path) -> WebApi:
    searcher = Searcher.build(corpus, None, embedder=KeywordEmbedder(), cache_dir=tmp_path / "cache")
    return WebApi(Library(searcher, tmp_path / "data"))


def test_a_notice_by_its_id_or_by_one_of_its_clauses(api: WebApi) -> None:
    by_doc = api.notice("b")
    assert by_doc["notice"]["doc_id"] == "b" and by_doc["notice"]["title"] == "某区经开区深化审批改革工作方案"
    assert api.notice("", "b#一/(二)") == by_doc
    assert by_doc["clauses"][-1]["lead"] == ["政务服务中心"] and by_doc["clauses"][-1]["label"] == "（二）"
    assert "error" in api.notice("nope") and "error" in api.notice("", "nope#1") and "error" in api.notice()


def test_an_upload_of_a_changed_version_waits_for_replace(api: WebApi, tmp_path: Path) -> None:
    path = tmp_path / "b.txt"
    path.write_text(NOTICE_B.replace("周末不打烊", "周末不打烊，推行错时停车"), encoding="utf-8")
    held = api.upload({"path": str(path), "orig_name": "b.txt"})
    assert held["pending"] and held["replaces"] == ["b"] and held["doc_id"] is None
    assert api.notice("b")["notice"]["doc_id"] == "b"  # nothing changed yet
    done = api.upload({"path": str(path), "orig_name": "b.txt"}, replace=True)
    assert not done["pending"] and done["replaces"] == ["b"] and "error" in api.notice("b")
    assert api.search("错时停车", mode="bm25")["hits"][0]["doc_id"] == done["doc_id"]
    assert "error" in api.upload({"path": str(tmp_path / "x.exe"), "orig_name": "x.exe"})


def test_search_and_tasks_name_what_is_wrong(api: WebApi) -> None:
    assert "unknown mode" in api.search("热线", mode="nope")["error"]
    assert "k=0" in api.search("热线", k=0)["error"]
    assert api.search("  ")["error"].startswith("问题为空")
    assert [t["chunk_id"] for t in api.tasks("税务局")["tasks"]] == ["b#一/(一)"]
    assert "error" in api.tasks("不存在的局")
