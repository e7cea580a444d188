"""Dify's External Knowledge API (POST /api/dify/retrieval): requests shaped as Dify's docs show them.

The example request and error codes are those of docs.dify.ai, "External Knowledge API"
(request: knowledge_id, query, retrieval_setting {top_k, score_threshold}, metadata_condition;
errors: 1001 a malformed Authorization header, 1002 a failed authorization, 2001 no such knowledge).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient

from web.api import WebApi
from web.dify import LIBRARY_ID
from web.library import Library
from web.server import server_app

KEY = "dify-key-5c1"
AUTH = {"Authorization": f"Bearer {KEY}"}


def dify_request(query: str = "12345热线", top_k: int = 2, threshold: float = 0.5, **more: Any) -> dict[str, Any]:
    """The body Dify sends (its docs' example, with this library's knowledge_id)."""
    return {
        "knowledge_id": LIBRARY_ID, "query": query, "retrieval_setting": {"top_k": top_k, "score_threshold": threshold},
        **more,
    }  # fmt: skip


@pytest.fixture
def client(library: Library) -> TestClient:
    return TestClient(server_app(library, token=KEY, open_reads=True))


def test_the_spec_example_is_answered_with_the_search_hits_as_records(client: TestClient, library: Library) -> None:
    answer = client.post("/api/dify/retrieval", json=dify_request(threshold=0.0), headers=AUTH)
    assert answer.status_code == 200
    records = answer.json()["records"]
    hits = WebApi(library).search("12345热线", k=2)["hits"]
    assert [r["metadata"]["chunk_id"] for r in records] == [h["id"] for h in hits]
    first, hit = records[0], hits[0]
    assert first["content"] == hit["text"] and 0.0 <= first["score"] <= 1.0
    assert first["title"].startswith(hit["title"]) and isinstance(first["metadata"], dict)
    meta = first["metadata"]
    assert meta["doc_id"] == hit["doc_id"] and meta["lead"] == "、".join(hit["lead"]) and meta["label"] == hit["label"]
    assert {"section", "support", "due", "issuer", "date", "url"} <= set(meta)
    page, _, clause = meta["url"].partition("#clause=")
    assert page == "http://testserver/" and unquote(clause) == hit["id"]  # the chat opens it (test_screens)


def test_the_score_threshold_and_top_k_cut_the_records(client: TestClient) -> None:
    every = client.post("/api/dify/retrieval", json=dify_request(top_k=5, threshold=0.0), headers=AUTH).json()
    scores = [r["score"] for r in every["records"]]
    assert scores == sorted(scores, reverse=True) and len(scores) >= 2
    cut = (scores[0] + scores[-1]) / 2
    kept = client.post("/api/dify/retrieval", json=dify_request(top_k=5, threshold=cut), headers=AUTH).json()
    assert [r["score"] for r in kept["records"]] == [s for s in scores if s >= cut]
    one = client.post("/api/dify/retrieval", json=dify_request(top_k=1, threshold=0.0), headers=AUTH).json()
    assert len(one["records"]) == 1


def test_a_refused_question_gives_no_records(client: TestClient) -> None:
    answer = client.post("/api/dify/retrieval", json=dify_request("今天天气怎么样", threshold=0.0), headers=AUTH)
    assert answer.status_code == 200 and answer.json() == {"records": []}


def test_a_notice_id_is_a_knowledge_id_of_its_own(client: TestClient) -> None:
    body = {**dify_request("企业开办时限", top_k=5, threshold=0.0), "knowledge_id": "b"}
    records = client.post("/api/dify/retrieval", json=body, headers=AUTH).json()["records"]
    assert records and {r["metadata"]["doc_id"] for r in records} == {"b"}


@pytest.mark.parametrize(
    ("condition", "doc_ids"),
    [
        ({"name": "lead", "comparison_operator": "contains", "value": "数据局"}, {"a"}),
        ({"name": ["doc_id"], "comparison_operator": "is", "value": "b"}, {"b"}),
        ({"name": "date", "comparison_operator": "after", "value": "2030-01-01"}, set()),
    ],
)
def test_metadata_conditions_become_filters(client: TestClient, condition: dict[str, Any], doc_ids: set[str]) -> None:
    body = dify_request("政务服务", top_k=10, threshold=0.0, metadata_condition={"conditions": [condition]})
    answer = client.post("/api/dify/retrieval", json=body, headers=AUTH)
    assert answer.status_code == 200, answer.json()
    assert {r["metadata"]["doc_id"] for r in answer.json()["records"]} == doc_ids


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({}, 403, 1001),
        ({"Authorization": KEY}, 403, 1001),  # no "Bearer"
        ({"Authorization": "Basic " + KEY}, 403, 1001),
        ({"Authorization": "Bearer "}, 403, 1001),
        ({"Authorization": "Bearer wrong-key"}, 403, 1002),
    ],
)
def test_dify_error_codes_for_the_key(client: TestClient, headers: dict[str, str], status: int, code: int) -> None:
    answer = client.post("/api/dify/retrieval", json=dify_request(), headers=headers)
    assert answer.status_code == status and answer.json()["error_code"] == code and answer.json()["error_msg"]


def test_the_key_is_checked_before_the_body(client: TestClient) -> None:
    answer = client.post("/api/dify/retrieval", json={"nothing": "valid"}, headers={"Authorization": "Bearer guess"})
    assert answer.status_code == 403 and answer.json()["error_code"] == 1002


def test_an_unknown_knowledge_id_is_2001(client: TestClient) -> None:
    answer = client.post("/api/dify/retrieval", json={**dify_request(), "knowledge_id": "AAA-BBB-CCC"}, headers=AUTH)
    assert answer.status_code == 404 and answer.json()["error_code"] == 2001


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        ({"knowledge_id": LIBRARY_ID, "query": "热线"}, "retrieval_setting"),
        (dify_request(top_k=0), "retrieval_setting.top_k"),
        (dify_request(threshold=1.5), "retrieval_setting.score_threshold"),
        (dify_request(metadata_condition={"conditions": [{"name": "lead", "comparison_operator": "empty"}]}),
         "metadata_condition"),
        (dify_request(metadata_condition={"logical_operator": "or", "conditions": [
            {"name": "lead", "comparison_operator": "contains", "value": "x"},
            {"name": "issuer", "comparison_operator": "contains", "value": "y"}]}), "metadata_condition"),
    ],
)  # fmt: skip
def test_a_malformed_body_names_its_parameter(client: TestClient, body: dict[str, Any], parameter: str) -> None:
    answer = client.post("/api/dify/retrieval", json=body, headers=AUTH)
    assert answer.status_code == 422 and answer.json()["parameter"] == parameter, answer.json()
    assert "'" not in answer.json()["error"]  # Chinese, no Python repr


def test_without_a_token_set_every_key_is_refused(library: Library) -> None:
    client = TestClient(server_app(library))
    answer = client.post("/api/dify/retrieval", json=dify_request(), headers=AUTH)
    assert answer.status_code == 403 and answer.json()["error_code"] == 1002
