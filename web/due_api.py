"""``GET /api/due``: what falls due, for a department or the whole library, as JSON or an .ics calendar.

The JSON is the 到期 view (:mod:`web.due`): each item with its bucket on the day asked (default
today), its due date (a recurring limit's next occurrence) and its rule. ``format=ics`` is the
calendar of the dated items (:mod:`web.ics`), each event linking back to its clause on this
server. Reads follow the JSON API's rule (open on loopback, the read key beyond).
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from web.api import MAX_DEPARTMENT_CHARS
from web.due import BUCKETS, due_items, library_tasks
from web.entrance.access import WriteAccess
from web.errors import ApiError, errors
from web.http_api import _download, read_rule
from web.ics import write_ics
from web.library import Library
from web.params import ParamError, choice, day, text


class DueEntry(BaseModel):
    """An item of the 到期 view: the task's fields, then when it falls due on the day asked."""

    model_config = {"extra": "allow"}

    chunk_id: str
    title: str
    role: str = Field(description="牵头, 配合, or empty in the whole library's view")
    deadline: str
    due_on: str = Field(description="the due date on the day asked (a recurring limit's next occurrence)")
    rule: str = Field(description="an RFC 5545 RRULE for a recurring limit, else empty")
    until: str = Field(description="the last day a recurring limit runs to (its notice's year's end)")
    bucket: str = Field(description=" / ".join(BUCKETS))


class DueView(BaseModel):
    """What falls due for a department (or the whole library) on a day."""

    department: str = Field(description="the department, empty for the whole library")
    role: str
    today: str
    counts: dict[str, int] = Field(description="items per bucket")
    items: list[DueEntry]


def due_router(library: Library, access: WriteAccess | None, open_reads: bool) -> APIRouter:
    """``GET /api/due`` over ``library``, under the JSON API's read rule."""
    router = APIRouter(prefix="/api")

    @router.get(
        "/due", dependencies=[Depends(read_rule(access, open_reads))], summary="What falls due", response_model=None,
        responses={200: {"model": DueView, "content": {"text/calendar": {}}}, **errors(400, 401, 422)},
    )  # fmt: skip
    def due(
        request: Request,
        department: Annotated[str, Query(max_length=MAX_DEPARTMENT_CHARS)] = "",
        role: str = "",
        today: str = "",
        format: str = "json",
    ) -> dict[str, Any] | Response:
        """Items by due date for a department (role 牵头, 配合 or both) or, without one, the whole library.

        ``today`` (YYYY-MM-DD, default the server's date) sets the buckets; ``format=ics`` gives the
        calendar of the dated items.
        """
        try:
            department = text("department", department)
            role = choice("role", role, ("", "牵头", "配合"))
            on = date.fromisoformat(day("today", today) or date.today().isoformat())
            kind = choice("format", format, ("json", "ics"))
        except ParamError as exc:
            raise ApiError(422, exc.to_dict()) from exc
        if department:
            try:
                tasks = library.tasks(department, role)
            except ValueError as exc:
                raise ApiError(400, {"error": str(exc)}) from exc
        else:
            tasks = library_tasks(list(library.clauses().values()))  # read once per index, not per request
        items = due_items(tasks, on)
        name = f"{department or '全部通知'}到期任务"
        if kind == "ics":
            with tempfile.TemporaryDirectory() as folder:
                path, _ = write_ics(items, name, Path(folder) / "due.ics", base_url=str(request.base_url))
                data = path.read_bytes()
            return _download(data, f"{name}.ics", "text/calendar; charset=utf-8")
        counts = {b: sum(i.bucket == b for i in items) for b in BUCKETS}
        return {"department": department, "role": role, "today": on.isoformat(), "counts": counts,
                "items": [i.to_dict() for i in items]}  # fmt: skip

    return router
