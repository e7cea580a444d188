"""The OpenAPI document is true: it validates, and every status it lists for an operation is produced here.

Each (method, path, status) the document names has a request below that gets it, and the body
has the documented shape; a status added to a route without a request here fails the test, and
so does a request here whose status the document does not list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openapi_spec_validator import validate
from pydantic import BaseModel

from ingest.bounds import MAX_UPLOAD_BYTES
from tests.conftest import NOTICE_B
from web import schemas
from web.changes.api import ComparisonView
from web.dify import LIBRARY_ID, Records
from web.due_api import DueView
from web.errors import ErrorBody
from web.library import Library
from web.server import server_app

TOKEN = "openapi-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
DIFY = {"knowledge_id": LIBRARY_ID, "query": "12345热线", "retrieval_setting": {"top_k": 3, "score_threshold": 0.0}}


class Clients:
    """The three servers a request may need: reads open (loopback), reads closed (off loopback), no token set."""

    def __init__(self, library: Library) -> None:
        self.open = TestClient(server_app(library, token=TOKEN, open_reads=True))
        self.closed = TestClient(server_app(library, token=TOKEN, open_reads=False))
        self.bare = TestClient(server_app(library))


def _ticket(c: Clients) -> str:
    return c.open.post("/api/notices/b/delete-token", headers=AUTH).json()["confirm"]


Call = Callable[[Clients], Any]
# (method, path as documented, status) → the request that gets it
CALLS: dict[tuple[str, str, str], Call] = {
    ("post", "/api/search", "200"): lambda c: c.open.post("/api/search", json={"question": "12345热线"}),
    ("post", "/api/search", "401"): lambda c: c.closed.post("/api/search", json={"question": "12345热线"}),
    ("post", "/api/search", "422"): lambda c: c.open.post("/api/search", json={"query": "12345热线"}),
    ("post", "/api/batch", "200"): lambda c: c.open.post("/api/batch", json={"questions": ["热线", "企业开办"]}),
    ("post", "/api/batch", "401"): lambda c: c.closed.post("/api/batch", json={"questions": ["热线"]}),
    ("post", "/api/batch", "422"): lambda c: c.open.post("/api/batch", json={"questions": []}),
    ("get", "/api/notices", "200"): lambda c: c.open.get("/api/notices"),
    ("get", "/api/notices", "401"): lambda c: c.closed.get("/api/notices", headers={"Authorization": "Bearer no"}),
    ("get", "/api/notices/{doc_id}", "200"): lambda c: c.open.get("/api/notices/a"),
    ("get", "/api/notices/{doc_id}", "401"): lambda c: c.closed.get("/api/notices/a"),
    ("get", "/api/notices/{doc_id}", "404"): lambda c: c.open.get("/api/notices/nope"),
    ("get", "/api/notices/{doc_id}/breakdown", "200"): lambda c: c.open.get("/api/notices/a/breakdown"),
    ("get", "/api/notices/{doc_id}/breakdown", "401"): lambda c: c.closed.get("/api/notices/a/breakdown"),
    ("get", "/api/notices/{doc_id}/breakdown", "404"): lambda c: c.open.get("/api/notices/nope/breakdown"),
    ("get", "/api/notices/{doc_id}/breakdown", "422"): lambda c: c.open.get("/api/notices/a/breakdown?format=pdf"),
    ("get", "/api/tasks", "200"): lambda c: c.open.get("/api/tasks", params={"department": "市数据局"}),
    ("get", "/api/tasks", "400"): lambda c: c.open.get("/api/tasks", params={"department": "市气象局"}),
    ("get", "/api/tasks", "401"): lambda c: c.closed.get("/api/tasks", params={"department": "市数据局"}),
    ("get", "/api/tasks", "422"): lambda c: c.open.get("/api/tasks", params={"department": "市数据局", "role": "x"}),
    ("get", "/api/due", "200"): lambda c: c.open.get("/api/due", params={"department": "市数据局"}),
    ("get", "/api/due", "400"): lambda c: c.open.get("/api/due", params={"department": "市气象局"}),
    ("get", "/api/due", "401"): lambda c: c.closed.get("/api/due"),
    ("get", "/api/due", "422"): lambda c: c.open.get("/api/due", params={"today": "2024-02-30"}),
    ("get", "/api/overview", "200"): lambda c: c.open.get("/api/overview"),
    ("get", "/api/overview", "401"): lambda c: c.closed.get("/api/overview"),
    ("get", "/api/overview", "422"): lambda c: c.open.get("/api/overview", params={"format": "csv"}),
    ("post", "/api/notices", "201"): lambda c: c.open.post(
        "/api/notices", files={"file": ("c.txt", NOTICE_B.replace("经开区", "高新区").encode())}, headers=AUTH
    ),
    ("post", "/api/notices", "400"): lambda c: c.open.post(
        "/api/notices", files={"file": ("c.exe", b"MZ\x90\x00")}, headers=AUTH
    ),
    ("post", "/api/notices", "401"): lambda c: c.open.post("/api/notices", files={"file": ("c.txt", b"x")}),
    ("post", "/api/notices", "403"): lambda c: c.bare.post("/api/notices", files={"file": ("c.txt", b"x")}),
    ("post", "/api/notices", "413"): lambda c: c.open.post(
        "/api/notices", files={"file": ("big.txt", b"x" * (MAX_UPLOAD_BYTES + 1))}, headers=AUTH
    ),
    ("post", "/api/notices", "422"): lambda c: c.open.post("/api/notices", data={"replace": "false"}, headers=AUTH),
    ("post", "/api/notices/{doc_id}/delete-token", "200"): lambda c: c.open.post(
        "/api/notices/b/delete-token", headers=AUTH
    ),
    ("post", "/api/notices/{doc_id}/delete-token", "401"): lambda c: c.open.post("/api/notices/b/delete-token"),
    ("post", "/api/notices/{doc_id}/delete-token", "403"): lambda c: c.bare.post("/api/notices/b/delete-token"),
    ("post", "/api/notices/{doc_id}/delete-token", "404"): lambda c: c.open.post(
        "/api/notices/nope/delete-token", headers=AUTH
    ),
    ("delete", "/api/notices/{doc_id}", "200"): lambda c: c.open.delete(
        "/api/notices/b", params={"confirm": _ticket(c)}, headers=AUTH
    ),
    ("delete", "/api/notices/{doc_id}", "401"): lambda c: c.open.delete("/api/notices/b", params={"confirm": "x"}),
    ("delete", "/api/notices/{doc_id}", "403"): lambda c: c.bare.delete("/api/notices/b", params={"confirm": "x"}),
    ("delete", "/api/notices/{doc_id}", "404"): lambda c: c.open.delete(
        "/api/notices/nope", params={"confirm": "x"}, headers=AUTH
    ),
    ("delete", "/api/notices/{doc_id}", "409"): lambda c: c.open.delete("/api/notices/b", headers=AUTH),
    ("delete", "/api/notices/{doc_id}", "422"): lambda c: c.open.delete(
        "/api/notices/b", params={"confirm": "x" * 101}, headers=AUTH
    ),
    ("get", "/api/compare", "200"): lambda c: c.open.get("/api/compare", params={"a": "a", "b": "b"}),
    ("get", "/api/compare", "400"): lambda c: c.open.get("/api/compare", params={"a": "b", "b": "b"}),
    ("get", "/api/compare", "401"): lambda c: c.closed.get("/api/compare", params={"a": "a", "b": "b"}),
    ("get", "/api/compare", "404"): lambda c: c.open.get("/api/compare", params={"a": "nope", "b": "b"}),
    ("get", "/api/compare", "422"): lambda c: c.open.get("/api/compare", params={"b": "b", "format": "pdf"}),
    ("post", "/api/dify/retrieval", "200"): lambda c: c.open.post("/api/dify/retrieval", json=DIFY, headers=AUTH),
    ("post", "/api/dify/retrieval", "403"): lambda c: c.open.post("/api/dify/retrieval", json=DIFY),
    ("post", "/api/dify/retrieval", "404"): lambda c: c.open.post(
        "/api/dify/retrieval", json={**DIFY, "knowledge_id": "nope"}, headers=AUTH
    ),
    ("post", "/api/dify/retrieval", "422"): lambda c: c.open.post(
        "/api/dify/retrieval", json={"knowledge_id": LIBRARY_ID}, headers=AUTH
    ),
}
#: The model each 200/201 answers with (its schema is the document's).
MODELS: dict[tuple[str, str], type[BaseModel]] = {
    ("post", "/api/search"): schemas.SearchAnswer,
    ("post", "/api/batch"): schemas.BatchAnswers,
    ("get", "/api/notices"): schemas.NoticeList,
    ("get", "/api/notices/{doc_id}"): schemas.NoticeDetail,
    ("get", "/api/notices/{doc_id}/breakdown"): schemas.Breakdown,
    ("get", "/api/tasks"): schemas.TaskList,
    ("get", "/api/due"): DueView,
    ("get", "/api/compare"): ComparisonView,
    ("get", "/api/overview"): schemas.Overview,
    ("post", "/api/notices"): schemas.Uploaded,
    ("post", "/api/notices/{doc_id}/delete-token"): schemas.DeleteTicket,
    ("delete", "/api/notices/{doc_id}"): schemas.Deleted,
    ("post", "/api/dify/retrieval"): Records,
}


@pytest.fixture
def document(library: Library) -> dict[str, Any]:
    return TestClient(server_app(library, token=TOKEN)).get("/api/openapi.json").json()


def test_the_document_validates_and_marks_the_token(document: dict[str, Any]) -> None:
    validate(document)  # raises on any fault
    assert document["components"]["securitySchemes"]["token"] == {
        "type": "http", "scheme": "bearer", "description": document["components"]["securitySchemes"]["token"]["description"],
    }  # fmt: skip
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation["security"] == [{"token": []}], (method, path)
            assert "HTTPValidationError" not in str(operation["responses"]), (method, path)
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_every_documented_status_is_produced_with_its_body(library: Library, document: dict[str, Any]) -> None:
    documented = {
        (method, path, status)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for status in operation["responses"]
    }
    assert documented == set(CALLS), (documented - set(CALLS), set(CALLS) - documented)
    clients = Clients(library)
    last = ("delete", "/api/notices/{doc_id}", "200")  # the deletion goes last: the others ask for that notice
    for method, path, status in sorted(CALLS, key=lambda key: key == last):
        answer = CALLS[(method, path, status)](clients)
        assert str(answer.status_code) == status, (method, path, status, answer.text[:200])
        body = answer.json()
        if status.startswith("2"):
            MODELS[(method, path)].model_validate(body)
        elif path == "/api/dify/retrieval" and status in ("403", "404"):
            assert set(body) == {"error_code", "error_msg"}
        else:
            ErrorBody.model_validate(body)
            assert "'" not in body["error"] and "Field required" not in body["error"], body  # Chinese, no repr


def test_documented_models_take_every_field_the_answers_have(library: Library) -> None:
    """A field an answer grows and the models do not name would pass unseen: the hit's and answer's keys are named."""
    client = TestClient(server_app(library, token=TOKEN))
    answer = client.post("/api/search", json={"question": "12345热线"}).json()
    assert set(answer) == set(schemas.SearchAnswer.model_fields)
    assert set(answer["hits"][0]) == set(schemas.Hit.model_fields)
    clause = client.get("/api/notices/a").json()["clauses"][0]
    assert set(clause) <= set(schemas.Clause.model_fields)
    task = client.get("/api/tasks", params={"department": "市数据局"}).json()["tasks"][0]
    assert set(task) == set(schemas.Task.model_fields)
