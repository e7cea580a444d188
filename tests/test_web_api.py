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


def test_an_upload_of_a_changed_version_waits_for_replace(api: WebApi) -> None:
    from fastapi.testclient import TestClient

    from web.server import server_app

    client = TestClient(server_app(api.library, token="t"))
    auth = {"Authorization": "Bearer t"}
    sent = {"file": ("b.txt", NOTICE_B.replace("周末不打烊", "周末不打烊，推行错时停车").encode("utf-8"))}
    held = client.post("/api/notices", files=sent, headers=auth).json()
    assert held["pending"] and held["replaces"] == ["b"] and held["doc_id"] is None
    assert api.notice("b")["notice"]["doc_id"] == "b"  # nothing changed yet
    done = client.post("/api/notices", files=sent, data={"replace": "true"}, headers=auth).json()
    assert not done["pending"] and done["replaces"] == ["b"] and "error" in api.notice("b")
    assert api.search("错时停车", mode="bm25")["hits"][0]["doc_id"] == done["doc_id"]
    assert "error" in client.post("/api/notices", files={"file": ("x.exe", b"MZ")}, headers=auth).json()


def test_search_and_tasks_name_what_is_wrong(api: WebApi) -> None:
    assert api.search("热线", mode="nope")["parameter"] == "mode"
    assert "参数 k 应为 1 到 100 的整数，收到 0" in api.search("热线", k=0)["error"]
    assert api.search("  ")["error"].startswith("问题为空")
    assert [t["chunk_id"] for t in api.tasks("税务局")["tasks"]] == ["b#一/(一)"]
    assert "error" in api.tasks("不存在的局")


HOSTILE = [
    ("search", {"question": 5}, "question"),
    ("search", {"question": ["热线"]}, "question"),
    ("search", {"question": "热线", "k": None}, "k"),
    ("search", {"question": "热线", "k": "x"}, "k"),
    ("search", {"question": "热线", "k": 2.5}, "k"),
    ("search", {"question": "热线", "k": True}, "k"),
    ("search", {"question": "热线", "k": 101}, "k"),
    ("search", {"question": "热线", "mode": 3}, "mode"),
    ("search", {"question": "热线", "doc_id": ["a"]}, "doc_id"),
    ("search", {"question": "热线", "lead": 5}, "lead"),
    ("search", {"question": "热线", "due_before": 5}, "due_before"),
    ("tasks", {"department": None}, "department"),
    ("tasks", {"department": 5}, "department"),
    ("tasks", {"department": "税务局", "role": "x"}, "role"),
    ("notice", {"doc_id": None, "chunk_id": None}, "doc_id"),
    ("notice", {"doc_id": 5}, "doc_id"),
]


@pytest.mark.parametrize(("endpoint", "params", "named"), HOSTILE, ids=[f"{e}-{p}" for e, p, _ in HOSTILE])
def test_null_and_wrong_types_are_refused_naming_the_parameter(
    api: WebApi, endpoint: str, params: dict[str, object], named: str
) -> None:
    before = api.library.notices()
    answer = getattr(api, endpoint)(**params)
    assert answer["parameter"] == named and f"参数 {named} 应为" in answer["error"]
    assert api.library.notices() == before


def test_absent_optional_parameters_take_their_defaults(api: WebApi) -> None:
    plain = api.search("热线")
    assert api.search("热线", k="5", mode=None, doc_id=None, lead=None, year=None, due_before=None) == plain
    assert api.search("热线", k=5.0)["hits"] == plain["hits"]
    assert api.tasks("税务局", None)["tasks"] == api.tasks("税务局")["tasks"]
