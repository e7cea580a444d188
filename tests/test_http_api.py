"""The HTTP JSON API with FastAPI's TestClient (a fake encoder): shapes, auth refusals, bad input, size limits."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from index import Searcher
from ingest.bounds import MAX_UPLOAD_BYTES
from tests.conftest import NOTICE_B
from tests.fakes import KeywordEmbedder
from web.library import Library
from web.server import server_app

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def library(corpus: Path, tmp_path: Path) -> Library:
    searcher = Searcher.build(corpus, tmp_path / "index", embedder=KeywordEmbedder(), cache_dir=tmp_path / "cache")
    return Library(searcher, tmp_path / "data")


@pytest.fixture
def client(library: Library) -> TestClient:
    return TestClient(server_app(library, token=TOKEN, open_reads=True))


def test_search_batch_notices_and_tasks_answer_json(client: TestClient) -> None:
    answer = client.post("/api/search", json={"question": "12345热线", "k": 3}).json()
    assert answer["query"] == "12345热线" and len(answer["hits"]) <= 3 and "lead_line" in answer
    assert answer["hits"][0]["doc_id"] in {"a", "b"}
    batch = client.post("/api/batch", json={"questions": ["企业开办时限", "周末不打烊"]}).json()
    assert [a["query"] for a in batch["answers"]] == ["企业开办时限", "周末不打烊"]
    notices = client.get("/api/notices").json()["notices"]
    assert {n["doc_id"] for n in notices} == {"a", "b"} and {"title", "chunks", "leads"} <= set(notices[0])
    one = client.get("/api/notices/b").json()
    assert one["notice"]["doc_id"] == "b" and len(one["clauses"]) == 2
    tasks = client.get("/api/tasks", params={"department": "税务局"}).json()
    assert [t["chunk_id"] for t in tasks["tasks"]] == ["b#一/(一)"]


def test_a_follow_up_is_read_against_the_history_and_says_how(client: TestClient) -> None:
    first = client.post("/api/search", json={"question": "12345热线是什么", "k": 3}).json()
    assert first["reading"] is None  # a question alone is read as it is
    turn = {"query": "12345热线是什么", "chunk_ids": [h["id"] for h in first["hits"]]}
    follow = client.post("/api/search", json={"question": "它由哪个部门牵头？", "history": [turn]}).json()
    assert follow["reading"] == {"text": "12345热线由哪个部门牵头？", "follow_up": "pronoun", "previous": "12345热线是什么"}
    assert follow["query"] == "它由哪个部门牵头？" and follow["hits"][0]["id"] == first["hits"][0]["id"]
    assert "市数据局" in follow["lead_line"]
    more = client.post("/api/search", json={"question": "还有哪些？", "history": [turn], "k": 3}).json()
    assert more["reading"]["follow_up"] == "more" and not {h["id"] for h in more["hits"]} & set(turn["chunk_ids"])
    plain = client.post("/api/search", json={"question": "它由哪个部门牵头？", "history": ["12345热线是什么"]}).json()
    assert plain["reading"]["text"] == "12345热线由哪个部门牵头？"  # a history of questions alone is enough


def test_tasks_export_as_xlsx_and_csv_named_after_the_department(client: TestClient) -> None:
    xlsx = client.get("/api/tasks", params={"department": "政务服务中心", "format": "xlsx"})
    assert xlsx.status_code == 200 and "%E4%BB%BB%E5%8A%A1-" in xlsx.headers["content-disposition"]  # 任务-
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 3 + 2  # the title, what the list holds, the header, then its two items
    assert all(c.data_type == "s" for row in sheet.iter_rows() for c in row if isinstance(c.value, str))
    csv = client.get("/api/tasks", params={"department": "政务服务中心", "format": "csv"})
    assert csv.text.lstrip("\ufeff").splitlines()[0].startswith("序号,工作事项,条款内容")


def test_openapi_documents_every_route(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/api/search", "/api/batch", "/api/notices", "/api/notices/{doc_id}", "/api/tasks"} <= paths
    assert "/api/notices/{doc_id}/delete-token" in paths and "delete" in spec["paths"]["/api/notices/{doc_id}"]


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        ({"question": None}, "question"),
        ({"question": 5}, "question"),
        ({"question": "热线", "k": "5"}, "k"),
        ({"question": "热线", "k": 0}, "k"),
        ({"question": "热线", "k": 101}, "k"),
        ({"question": "热线", "mode": "magic"}, "mode"),
        ({"question": "热线" * 1001}, "question"),
        ({}, "question"),
        ({"question": "热线", "history": ["x"] * 21}, "history"),
        ({"question": "热线", "history": [{"chunk_ids": []}]}, "history"),
        ({"question": "热线", "history": "秦政通是什么"}, "history"),
    ],
)
def test_bad_input_is_refused_naming_the_parameter(client: TestClient, body: dict, parameter: str) -> None:
    answer = client.post("/api/search", json=body)
    named = answer.json()["parameter"]  # a list item is named by its place: history.0.query
    assert answer.status_code == 422 and named.split(".")[0] == parameter, answer.json()
    assert answer.json()["error"].startswith(f"参数 {named} ")


def test_bad_batches_tasks_and_notices_are_refused_in_json(client: TestClient) -> None:
    assert client.post("/api/batch", json={"questions": []}).status_code == 422
    assert client.post("/api/batch", json={"questions": ["x"] * 101}).json()["parameter"] == "questions"
    assert client.post("/api/search", content=b"not json", headers={"content-type": "application/json"}).status_code == 422
    assert client.get("/api/tasks", params={"department": "税务局", "format": "pdf"}).json()["parameter"] == "format"
    assert client.get("/api/tasks", params={"department": "税务局", "role": "x"}).json()["parameter"] == "role"
    missing = client.get("/api/notices/nope")
    assert missing.status_code == 404 and "库中没有这份通知" in missing.json()["error"]


def test_changes_need_the_token_and_deleting_needs_its_confirmation(client: TestClient, library: Library) -> None:
    sent = {"file": ("某县停车方案.txt", NOTICE_B.replace("某区经开区深化审批改革工作方案", "某县停车方案").encode())}
    assert client.post("/api/notices", files=sent).status_code == 401
    assert client.post("/api/notices", files=sent, headers={"Authorization": "Bearer wrong"}).status_code == 401
    added = client.post("/api/notices", files=sent, headers=AUTH)
    assert added.status_code == 201 and added.json()["status"] == "已添加"
    doc_id = added.json()["doc_id"]
    assert client.delete(f"/api/notices/{doc_id}", params={"confirm": "forged"}, headers=AUTH).status_code == 409
    assert client.post(f"/api/notices/{doc_id}/delete-token").status_code == 401
    confirm = client.post(f"/api/notices/{doc_id}/delete-token", headers=AUTH).json()["confirm"]
    assert client.delete(f"/api/notices/{doc_id}", params={"confirm": confirm}).status_code == 401
    gone = client.delete(f"/api/notices/{doc_id}", params={"confirm": confirm}, headers=AUTH)
    assert gone.status_code == 200 and gone.json()["status"] == "已删除"
    assert doc_id not in {n.doc_id for n in library.searcher.notices()}


def test_uploads_are_bounded_and_refused_in_words(client: TestClient, library: Library) -> None:
    before = library.notices()
    big = client.post("/api/notices", files={"file": ("big.txt", b"x" * (MAX_UPLOAD_BYTES + 1))}, headers=AUTH)
    assert big.status_code == 413 and "文件过大" in big.json()["error"]
    odd = client.post("/api/notices", files={"file": ("a.exe", b"MZ")}, headers=AUTH)
    assert odd.status_code == 400 and "不支持的文件类型" in odd.json()["error"]
    assert library.notices() == before


def test_without_a_token_changes_are_closed_and_reads_can_be_closed(library: Library) -> None:
    closed = TestClient(server_app(library, token=None, open_reads=True))
    assert closed.post("/api/notices", files={"file": ("a.txt", b"x")}).status_code == 403
    guarded = TestClient(server_app(library, token=TOKEN, open_reads=False))
    assert guarded.get("/api/notices").status_code == 401
    assert guarded.get("/api/notices", headers=AUTH).status_code == 200
    assert guarded.get("/api/notices").headers["x-frame-options"] == "DENY"


def test_a_notices_breakdown_as_json_xlsx_and_docx(client: TestClient) -> None:
    table = client.get("/api/notices/b/breakdown").json()
    assert table["columns"][:3] == ["序号", "条目", "工作任务"] and len(table["rows"]) == 2
    assert table["rows"][0]["lead"] == "政务服务中心" and table["rows"][0]["support"] == "税务局"
    xlsx = client.get("/api/notices/b/breakdown", params={"format": "xlsx"})
    parts = len({row["part"] for row in table["rows"] if row["part"]})  # each part's heading, over its rows
    assert load_workbook(io.BytesIO(xlsx.content)).active.max_row == 3 + parts + 2
    docx = client.get("/api/notices/b/breakdown", params={"format": "docx"})
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert client.get("/api/notices/nope/breakdown").status_code == 404
    assert client.get("/api/notices/b/breakdown", params={"format": "pdf"}).json()["parameter"] == "format"
