"""``GET /api/compare``: what changed from one notice of the library to another, as JSON or .xlsx.

Reads follow the JSON API's rule (open on loopback, the read key beyond). Without ``a``, the
earlier notice is the latest earlier issue of ``b``'s series (:mod:`web.changes.series`).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from web.changes.compare import Comparison
from web.changes.items import Item
from web.changes.library import comparer_for
from web.changes.sheet import write_comparison_xlsx
from web.changes.status import CHANGES, CODES, STATUSES, Change
from web.entrance.access import WriteAccess
from web.errors import ApiError, errors
from web.http_api import _download, read_rule
from web.params import ParamError, choice, text

#: The longest doc_id accepted.
MAX_DOC_ID_CHARS = 300


class ItemView(BaseModel):
    """One side of a row: the item as the notice has it."""

    chunk_id: str
    label: str
    section: list[str]
    text: str = Field(description="the item without its label and duty notes")
    lead: list[str]
    support: list[str]
    deadline: str


class RowView(BaseModel):
    """One row: a pair of items, or an item of one notice only."""

    status: str = Field(description=" / ".join(STATUSES))
    code: str = Field(description="kept / reworded / new / dropped")
    changes: list[str] = Field(description=f"beside the text: {' / '.join(CHANGES)}")
    before: ItemView | None
    after: ItemView | None
    diff: list[dict[str, str]] = Field(description='character diff of a reworded pair: {"op": "=|-|+", "text"}')
    score: float = Field(description="the pair's alignment score, 0 to 1 (0 without a pair)")


class ComparisonView(BaseModel):
    """Two notices compared, the earlier first."""

    before: dict[str, str]
    after: dict[str, str]
    counts: dict[str, int]
    rows: list[RowView]


def _item(item: Item | None) -> dict[str, Any] | None:
    if item is None:
        return None
    c = item.chunk
    return {"chunk_id": c.id, "label": c.label, "section": list(c.section), "text": item.body, "lead": list(c.lead),
            "support": list(c.support), "deadline": c.deadline or ""}  # fmt: skip


def _row(change: Change) -> dict[str, Any]:
    return {"status": change.status, "code": CODES[change.status], "changes": list(change.changes),
            "before": _item(change.before), "after": _item(change.after),
            "diff": [{"op": s.op, "text": s.text} for s in change.diff], "score": round(change.score, 4)}  # fmt: skip


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    """The comparison as :class:`ComparisonView` reads it."""
    side = lambda s: {"doc_id": s.doc_id, "title": s.title, "date": s.date, "doc_number": s.doc_number}  # noqa: E731
    return {"before": side(comparison.before), "after": side(comparison.after), "counts": comparison.counts(),
            "rows": [_row(r) for r in comparison.rows]}  # fmt: skip


def compare_router(library: Any, access: WriteAccess | None, open_reads: bool) -> APIRouter:
    """``GET /api/compare`` over ``library``, under the JSON API's read rule."""
    router = APIRouter(prefix="/api")

    @router.get(
        "/compare", dependencies=[Depends(read_rule(access, open_reads))], summary="What changed between two notices",
        response_model=None, responses={
            200: {"model": ComparisonView, "content": {"application/vnd.openxmlformats-officedocument."
                                                           "spreadsheetml.sheet": {}}},
            **errors(400, 401, 404, 422)},
    )  # fmt: skip
    def compare(
        b: Annotated[str, Query(max_length=MAX_DOC_ID_CHARS, description="the later notice's doc_id")],
        a: Annotated[
            str,
            Query(
                max_length=MAX_DOC_ID_CHARS,
                description="the earlier one's (default: the latest earlier issue of b's series)",
            ),
        ] = "",
        format: str = "json",
    ) -> dict[str, Any] | Response:
        """Align the items of notice ``a`` (earlier) and ``b`` (later).

        Each row is 保留, 修改 (with the character diff), 新增 or 删除, and says whether its lead,
        support units or deadline changed. ``format=xlsx`` gives the printed table.
        """
        try:
            later = text("b", b, required=True).strip()
            earlier = text("a", a).strip()
            kind = choice("format", format, ("json", "xlsx"))
        except ParamError as exc:
            raise ApiError(422, exc.to_dict()) from exc
        comparer = comparer_for(library)
        if not earlier:
            found = comparer.earlier(later)
            if not found:
                missing = f"库中没有“{later}”的往年通知（同一发文机关、同名的较早通知），请用 a 指定"
                raise ApiError(404, {"error": missing})
            earlier = found[0].doc_id
        try:
            result = comparer.compare(earlier, later)
        except KeyError as exc:
            raise ApiError(404, {"error": f"库中没有这份通知：{exc.args[0] if exc.args else ''}"}) from exc
        except ValueError as exc:
            raise ApiError(400, {"error": str(exc)}) from exc
        if kind == "xlsx":
            with tempfile.TemporaryDirectory() as folder:
                data = write_comparison_xlsx(result, Path(folder) / "compare.xlsx").read_bytes()
            name = f"{result.after.title}与往年对比.xlsx"
            return _download(data, name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        return comparison_json(result)

    return router
