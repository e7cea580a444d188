"""The plain HTTP JSON API under ``/api``: search, batch, notices, tasks, upload and delete, described by OpenAPI.

Served by the same process and port as the chat (``app.py`` mounts the chat on the FastAPI app
these routes belong to). Every answer is JSON; an error is ``{"error": "…"}`` with, for a bad
parameter, ``"parameter"`` and the ``"value"`` received, and a 4xx status. Reads are open on
loopback; bound beyond it, and for every change (upload, delete), they need
``Authorization: Bearer <token>``: the write token of :mod:`web.entrance.access`, the one rule for every
write route, the chat's included. A deletion
takes two requests, as in the chat: ``POST /api/notices/{doc_id}/delete-token`` gives a
one-time token, ``DELETE /api/notices/{doc_id}?confirm=TOKEN`` spends it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from fastapi.security import HTTPBearer

from ingest.bounds import MAX_UPLOAD_BYTES
from web.api import MAX_DEPARTMENT_CHARS, WebApi
from web.breakdown import breakdown_dict, breakdown_rows, write_breakdown_docx, write_breakdown_xlsx
from web.confirmations import CONFIRM_SECONDS
from web.entrance.access import WriteAccess
from web.errors import ApiError, error_response, errors, validation_error
from web.library import Library
from web.overview import write_overview_xlsx
from web.params import ParamError, choice
from web.render import tasks_csv
from web.schemas import (
    MAX_BATCH,
    BatchAnswers,
    BatchRequest,
    Breakdown,
    Deleted,
    DeleteTicket,
    HistoryTurn,
    NoticeDetail,
    NoticeList,
    Overview,
    SearchAnswer,
    SearchRequest,
    TaskList,
    Uploaded,
)
from web.tasks import write_xlsx
from web.uploads import UploadError, display_name

#: How reads and writes present the token in the OpenAPI document (``Authorization: Bearer <token>``).
TOKEN_SCHEME = HTTPBearer(
    auto_error=False, scheme_name="token",
    description="The read key (reads) or the write token (reads and writes); reads need one only off loopback.",
)  # fmt: skip
#: A route that can answer a file as well as JSON (``format=xlsx|docx|csv``).
DOWNLOADS = {
    "description": "JSON; with format=xlsx, docx or csv, the file as an attachment",
    "content": {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {},
        "text/csv": {},
    },
}


def read_rule(access: WriteAccess | None, open_reads: bool) -> Any:
    """The read rule as a FastAPI dependency: open on loopback (``open_reads``), else the read key or the token."""

    def may_read(request: Request, _: Annotated[Any, Depends(TOKEN_SCHEME)] = None) -> None:
        if open_reads:
            return
        refused = access.read_refusal(request.headers.get("authorization")) if access else "需要令牌"
        if refused:
            raise ApiError(401, {"error": refused})

    return may_read


def api_router(library: Library, access: WriteAccess | None, open_reads: bool) -> APIRouter:
    """The ``/api`` routes over ``library``; ``access`` guards changes, and reads unless ``open_reads``.

    With no ``access`` (a bare server, as some tests build it) every change is refused.
    """
    api = WebApi(library)
    may_read = read_rule(access, open_reads)

    def may_write(request: Request, _: Annotated[Any, Depends(TOKEN_SCHEME)] = None) -> None:
        if access is None:
            raise ApiError(403, {"error": "未设置写入令牌，上传和删除已关闭"})
        refused = access.bearer_refusal(request.headers.get("authorization"))
        if refused:
            raise ApiError(401, {"error": refused})

    def answered(result: dict[str, Any]) -> dict[str, Any]:
        if "error" in result:
            raise ApiError(400 if "parameter" not in result else 422, result)
        return result

    router = APIRouter(prefix="/api")

    @router.post(
        "/search", dependencies=[Depends(may_read)], summary="Answer one question", response_model=SearchAnswer,
        responses=errors(401, 422),
    )  # fmt: skip
    def search(request: SearchRequest) -> dict[str, Any]:
        """The answer as ``python -m index search --json`` prints it: hits, leads, or a refusal."""
        return answered(api.search(**request.model_dump()))  # history: turns as dicts, questions as strings

    @router.post(
        "/batch", dependencies=[Depends(may_read)], summary="Answer many questions", response_model=BatchAnswers,
        responses=errors(401, 422),
    )  # fmt: skip
    def batch(request: BatchRequest) -> dict[str, Any]:
        """One answer per question, in order."""
        answers = [answered(api.search(q, k=request.k, mode=request.mode)) for q in request.questions]
        return {"answers": answers}

    @router.get(
        "/notices", dependencies=[Depends(may_read)], summary="The notices in the library", response_model=NoticeList,
        responses=errors(401),
    )  # fmt: skip
    def notices() -> dict[str, Any]:
        """Every notice: doc_id, title, issuer, date, chunks, lead departments, upload hash."""
        return api.notices()

    @router.get(
        "/notices/{doc_id}", dependencies=[Depends(may_read)], summary="One notice with its items",
        response_model=NoticeDetail, responses=errors(401, 404),
    )  # fmt: skip
    def notice(doc_id: str) -> dict[str, Any]:
        """The notice's metadata and every clause in order."""
        result = api.notice(doc_id=doc_id)
        if "error" in result:
            raise ApiError(404, result)
        return result

    @router.get(
        "/notices/{doc_id}/breakdown", dependencies=[Depends(may_read)], summary="A notice's 任务分解表",
        response_model=None, responses={200: {"model": Breakdown, **DOWNLOADS}, **errors(401, 404, 422)},
    )  # fmt: skip
    def breakdown(doc_id: str, format: str = "json") -> dict[str, Any] | Response:
        """The items with a duty note (序号, 条目, 工作任务, 牵头单位, 配合单位, 完成时限); json, xlsx or docx."""
        try:
            kind = choice("format", format, ("json", "xlsx", "docx"))
            info, chunks = library.document(doc_id)
        except ParamError as exc:
            raise ApiError(422, exc.to_dict()) from exc
        except KeyError as exc:
            raise ApiError(404, {"error": f"库中没有这份通知：{doc_id}"}) from exc
        if kind == "json":
            return breakdown_dict(info, chunks)
        write = write_breakdown_xlsx if kind == "xlsx" else write_breakdown_docx
        with tempfile.TemporaryDirectory() as folder:
            data = write(info, breakdown_rows(chunks), Path(folder) / f"breakdown.{kind}", chunks).read_bytes()
        media = {
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        }[kind]
        return _download(data, f"任务分解表-{doc_id}.{kind}", media)

    @router.get(
        "/tasks", dependencies=[Depends(may_read)], summary="A department's tasks", response_model=None,
        responses={200: {"model": TaskList, **DOWNLOADS}, **errors(400, 401, 422)},
    )  # fmt: skip
    def tasks(
        department: Annotated[str, Query(max_length=MAX_DEPARTMENT_CHARS)],
        role: str = "",
        format: str = "json",
        doc_id: str = "",
        due_before: str = "",
        due_after: str = "",
    ) -> dict[str, Any] | Response:
        """Every item a department leads or supports (role 牵头, 配合 or both; doc_id: one notice); json/xlsx/csv.

        ``due_after`` / ``due_before`` (YYYY-MM-DD, inclusive) keep the items whose due date lies between.
        """
        try:
            kind = choice("format", format, ("json", "xlsx", "csv"))
        except ParamError as exc:
            raise ApiError(422, exc.to_dict()) from exc
        result = answered(api.tasks(department, role, doc_id, due_before=due_before, due_after=due_after))
        if kind == "json":
            return result
        found = [
            t for t in library.tasks(department, role, doc_id) if t.chunk_id in {r["chunk_id"] for r in result["tasks"]}
        ]
        name = f"任务-{result['department']}"
        if kind == "csv":
            return _download(tasks_csv(found).encode("utf-8"), f"{name}.csv", "text/csv; charset=utf-8")
        with tempfile.TemporaryDirectory() as folder:
            path = write_xlsx(found, result["department"], Path(folder) / "tasks.xlsx")
            data = path.read_bytes()
        xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return _download(data, f"{name}.xlsx", xlsx)

    @router.get(
        "/overview", dependencies=[Depends(may_read)], summary="Departments × notices", response_model=None,
        responses={200: {"model": Overview, **DOWNLOADS}, **errors(401, 422)},
    )  # fmt: skip
    def overview(format: str = "json") -> dict[str, Any] | Response:
        """How many items each department leads and supports in each notice; json or xlsx."""
        try:
            kind = choice("format", format, ("json", "xlsx"))
        except ParamError as exc:
            raise ApiError(422, exc.to_dict()) from exc
        table = library.overview()
        if kind == "json":
            return table.to_dict()
        with tempfile.TemporaryDirectory() as folder:
            data = write_overview_xlsx(table, Path(folder) / "overview.xlsx").read_bytes()
        xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return _download(data, "部门总览.xlsx", xlsx)

    @router.post(
        "/notices", dependencies=[Depends(may_write)], summary="Upload a notice file", status_code=201,
        response_model=Uploaded, responses=errors(400, 401, 403, 413, 422),
    )  # fmt: skip
    def upload(file: Annotated[UploadFile, File()], replace: Annotated[bool, Form()] = False) -> dict[str, Any]:
        """Add a notice file (types and size as in the chat); a changed version waits for ``replace=true``."""
        name = display_name(file.filename or "upload")
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "upload.bin"
            with target.open("wb") as out:
                copied = _copy_bounded(file.file, out, MAX_UPLOAD_BYTES)
            if copied > MAX_UPLOAD_BYTES:
                raise ApiError(413, {"error": f"{name}: 文件过大，上限 {MAX_UPLOAD_BYTES // 1048576} MB"})
            try:
                result = library.upload(target, name, replace=replace)
            except UploadError as exc:
                raise ApiError(400, {"error": str(exc)}) from exc
        return {
            "name": result.name, "doc_id": result.doc_id, "chunks": result.chunks, "status": result.status,
            "replaces": list(result.replaces), "pending": result.pending,
        }  # fmt: skip

    @router.post(
        "/notices/{doc_id}/delete-token", dependencies=[Depends(may_write)], summary="Ask to delete",
        response_model=DeleteTicket, responses=errors(401, 403, 404),
    )  # fmt: skip
    def delete_token(doc_id: str) -> dict[str, Any]:
        """A one-time token that ``DELETE /api/notices/{doc_id}`` needs, valid for 5 minutes."""
        try:
            issued, title = library.ask_delete(doc_id)
        except UploadError as exc:
            raise ApiError(404, {"error": str(exc)}) from exc
        return {"doc_id": doc_id, "title": title, "confirm": issued, "expires_in": int(CONFIRM_SECONDS)}

    @router.delete(
        "/notices/{doc_id}", dependencies=[Depends(may_write)], summary="Delete a notice", response_model=Deleted,
        responses=errors(401, 403, 404, 409, 422),
    )  # fmt: skip
    def delete(doc_id: str, confirm: Annotated[str, Query(max_length=100)] = "") -> dict[str, Any]:
        """Remove the notice, with the token its delete-token request gave (without one: 409)."""
        try:
            library.document(doc_id)  # an unknown notice is 404 before any confirmation is 409
        except KeyError as exc:
            raise ApiError(404, {"error": f"库中没有这份通知：{doc_id}"}) from exc
        if not confirm:
            ask = f"POST /api/notices/{doc_id}/delete-token"
            raise ApiError(409, {"error": f"删除需要确认令牌：先请求 {ask}，再带 confirm 删除；库未改变"})
        try:
            title = library.delete(doc_id, confirm)
        except UploadError as exc:
            status = 404 if "库中没有" in str(exc) else 409
            raise ApiError(status, {"error": str(exc)}) from exc
        return {"doc_id": doc_id, "title": title, "status": "已删除"}

    return router


def _copy_bounded(source: Any, out: Any, limit: int) -> int:
    """Copy at most ``limit`` + 1 bytes; the count copied (over ``limit``: the file is too large)."""
    copied = 0
    while copied <= limit and (block := source.read(min(1 << 20, limit + 1 - copied))):
        out.write(block)
        copied += len(block)
    return copied


def _download(data: bytes, name: str, media: str) -> Response:
    from urllib.parse import quote

    disposition = f"attachment; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type=media, headers={"Content-Disposition": disposition})


# the request models and the errors live in web.schemas and web.errors; their old names here still work
__all__ = [
    "MAX_BATCH", "ApiError", "BatchRequest", "HistoryTurn", "SearchRequest", "api_router", "error_response",
    "validation_error",
]  # fmt: skip
