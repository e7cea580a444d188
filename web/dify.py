"""Dify's External Knowledge API at ``POST /api/dify/retrieval``: this library as a knowledge base inside Dify.

Register it in Dify (知识库 → 外部知识库 API) with the endpoint ``http://HOST:7860/api/dify`` and
an API key: the app's read key (or its write token; :mod:`web.entrance.access`). Dify appends ``/retrieval`` and sends
``{knowledge_id, query, retrieval_setting: {top_k, score_threshold}, metadata_condition}`` with
``Authorization: Bearer <key>``. The answer is ``{"records": [{content, score, title, metadata}]}``:
the same clauses as ``POST /api/search``, best first.

- ``knowledge_id``: :data:`LIBRARY_ID` for the whole library, or one notice's doc_id.
- ``score``: the clause's fused score for the question, which the search normalises per question
  (the best clause is near 1.0), clipped to 0–1. ``score_threshold`` keeps the records at or above it.
- A question the search refuses (nothing found supports an answer) gets ``{"records": []}``.
- ``metadata_condition`` maps onto the search's filters (:func:`filters_of`).
- Errors take Dify's shape ``{"error_code", "error_msg"}``: 1001 a malformed Authorization header,
  1002 a wrong key (both 403), 2001 an unknown knowledge_id (404); a malformed body is 422 in
  this API's own shape.
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from index import DEFAULT_MODE
from ingest.bounds import MAX_K, MAX_QUERY_CHARS
from web.api import WebApi
from web.entrance.access import WriteAccess
from web.errors import ApiError, ErrorBody
from web.library import Library

#: The knowledge_id of the whole library (a notice's doc_id asks for that notice alone).
LIBRARY_ID = "policy-qa"
#: Dify's error codes.
BAD_HEADER, WRONG_KEY, UNKNOWN_KNOWLEDGE = 1001, 1002, 2001


class RetrievalSetting(BaseModel):
    """How many records, and the least score one may have."""

    top_k: int = Field(ge=1, le=MAX_K, examples=[5])
    score_threshold: float = Field(0.0, ge=0.0, le=1.0, examples=[0.5])


class Condition(BaseModel):
    """One metadata condition, as Dify sends it."""

    name: str | list[str] = Field(examples=["lead"])
    comparison_operator: str = Field(examples=["contains"])
    value: str | float | list[str] | None = None


class MetadataCondition(BaseModel):
    """Dify's metadata filter: conditions joined by and (or: refused, the search's filters all hold at once)."""

    logical_operator: Literal["and", "or"] = "and"
    conditions: list[Condition] = Field(default_factory=list, max_length=20)


class RetrievalRequest(BaseModel):
    """A retrieval request, as Dify sends it."""

    knowledge_id: str = Field(max_length=200, examples=[LIBRARY_ID])
    query: str = Field(max_length=MAX_QUERY_CHARS, examples=["哪些部门负责12345热线"])
    retrieval_setting: RetrievalSetting
    metadata_condition: MetadataCondition | None = None


class Record(BaseModel):
    """One clause as a Dify record."""

    content: str
    score: float = Field(ge=0.0, le=1.0)
    title: str
    metadata: dict[str, Any]


class Records(BaseModel):
    """The records found, best first (none when the question is refused)."""

    records: list[Record]


class DifyError(BaseModel):
    """Dify's error shape."""

    error_code: int = Field(examples=[1002])
    error_msg: str


#: metadata name → (operators it takes, the search filter it becomes)
_FILTERS = {
    "doc_id": ({"is", "="}, "doc_id"),
    "issuer": ({"contains", "is", "="}, "issuer"),
    "lead": ({"contains", "is", "="}, "lead"),
    "date": ({"after", ">", "≥", ">="}, "date_from"),
    "year": ({"is", "="}, "year"),
    "due": ({"before", "<", "≤", "<="}, "due_before"),
}


def filters_of(condition: MetadataCondition | None) -> dict[str, Any]:
    """The search filters a Dify ``metadata_condition`` asks for.

    ``doc_id is X``, ``issuer contains X``, ``lead contains X`` (a department leading the item),
    ``date after|> YYYY-MM-DD`` (issued on or after), ``date before|<`` (on or before),
    ``year is 2024``, ``due before YYYY-MM-DD``.

    Raises:
        ValueError: naming a condition the search cannot apply (in Chinese).

    >>> lead = Condition(name="lead", comparison_operator="contains", value="数据局")
    >>> filters_of(MetadataCondition(conditions=[lead]))
    {'lead': '数据局'}
    """
    if condition is None:
        return {}
    if condition.logical_operator == "or" and len(condition.conditions) > 1:
        raise ValueError("metadata_condition：只支持 and（所有条件同时满足）")
    found: dict[str, Any] = {}
    for one in condition.conditions:
        name = one.name[0] if isinstance(one.name, list) and len(one.name) == 1 else one.name
        operator = one.comparison_operator
        if name == "date" and operator in {"before", "<", "≤", "<="}:
            key = "date_to"
        elif isinstance(name, str) and name in _FILTERS and operator in _FILTERS[name][0]:
            key = _FILTERS[name][1]
        else:
            usable = "；".join(f"{n}（{'、'.join(sorted(ops))}）" for n, (ops, _) in _FILTERS.items())
            raise ValueError(f"metadata_condition：不支持 {name} {operator}；可用：{usable}，date 亦可 before")
        if not isinstance(one.value, (str, int, float)) or isinstance(one.value, bool) or one.value == "":
            raise ValueError(f"metadata_condition：{name} {operator} 需要一个值")
        found[key] = str(int(one.value)) if isinstance(one.value, float) else str(one.value)
    return found


def record_of(hit: dict[str, Any], base_url: str) -> dict[str, Any]:
    """A search hit as a Dify record: the clause's text, its score, its notice's title and its metadata."""
    label = hit.get("label") or ""
    return {
        "content": hit["text"],
        "score": min(1.0, max(0.0, float(hit.get("score") or 0.0))),
        "title": f"{hit.get('title') or hit.get('notice_title') or hit['doc_id']}" + (f" {label}" if label else ""),
        "metadata": {
            "doc_id": hit["doc_id"], "chunk_id": hit["id"], "label": label, "section": " › ".join(hit["section"]),
            "lead": "、".join(hit["lead"]), "support": "、".join(hit["support"]), "due": hit.get("due") or "",
            "deadline": hit.get("deadline") or "", "issuer": hit.get("issuer") or "", "date": hit.get("date") or "",
            "notice_title": hit.get("notice_title") or "", "url": f"{base_url.rstrip('/')}/#clause={quote(hit['id'])}",
        },
    }  # fmt: skip


def dify_router(library: Library, access: WriteAccess | None) -> APIRouter:
    """``POST /api/dify/retrieval`` over ``library``; the key is ``access``'s read key or token (none: all wrong)."""
    api = WebApi(library)
    router = APIRouter(prefix="/api/dify")

    def refused(code: int, message: str, status: int = 403) -> JSONResponse:
        return JSONResponse({"error_code": code, "error_msg": message}, status_code=status)

    def dify_key(request: Request) -> None:
        """The key, checked before the body is: a caller without it learns nothing of what a request holds."""
        scheme, _, key = (request.headers.get("authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            message = "Invalid Authorization header format. Expected 'Bearer <api-key>' format."
            raise ApiError(403, {"error_code": BAD_HEADER, "error_msg": message})
        if access is None or not access.may_read(key):
            raise ApiError(403, {"error_code": WRONG_KEY, "error_msg": "Authorization failed"})

    @router.post(
        "/retrieval", summary="Dify External Knowledge API: retrieval", response_model=Records,
        responses={
            403: {"model": DifyError, "description": "1001: Authorization is not `Bearer <key>`; 1002: a wrong key"},
            404: {"model": DifyError, "description": "2001: no such knowledge_id"},
            422: {"model": ErrorBody, "description": "a malformed body, or a metadata condition the search lacks"},
        },
        openapi_extra={"security": [{"token": []}]}, dependencies=[Depends(dify_key)],
    )  # fmt: skip
    def retrieval(body: RetrievalRequest, request: Request) -> Any:
        """The clauses for ``query`` as Dify records: the same as ``POST /api/search`` gives, best first."""
        doc_ids = {row[0] for row in library.notices()}
        if body.knowledge_id != LIBRARY_ID and body.knowledge_id not in doc_ids:
            return refused(UNKNOWN_KNOWLEDGE, f"The knowledge does not exist: {body.knowledge_id[:60]}", 404)
        try:
            filters = filters_of(body.metadata_condition)
        except ValueError as exc:
            return JSONResponse({"error": str(exc), "parameter": "metadata_condition", "value": None}, 422)
        if body.knowledge_id != LIBRARY_ID:
            filters["doc_id"] = body.knowledge_id
        answer = api.search_filtered(body.query, k=body.retrieval_setting.top_k, mode=DEFAULT_MODE, filters=filters)
        if "error" in answer:
            return JSONResponse({**answer, "parameter": answer.get("parameter") or "metadata_condition"}, 422)
        if answer["abstained"]:
            return {"records": []}
        records = [record_of(hit, str(request.base_url)) for hit in answer["hits"]]
        return {"records": [r for r in records if r["score"] >= body.retrieval_setting.score_threshold]}

    return router


__all__ = ["LIBRARY_ID", "RetrievalRequest", "dify_router", "filters_of", "record_of"]
