"""The web app's read endpoints (``/search``, ``/tasks``, ``/notice``) over a :class:`Library`.

Each endpoint returns JSON; a bad request returns ``{"error": "…"}`` naming the problem, and
never changes what is stored. ``app.py`` offers them to ``gradio_client`` with ``gr.api``, and
:mod:`web.http_api` serves them under ``/api``. Nothing here writes: a ``gr.api`` endpoint that
took a file would take a path on the server (an upload is ``POST /api/notices``, behind the
write token).
"""

from __future__ import annotations

from typing import Any

from index import DEFAULT_MODE
from index.filters import FilterError, filters_from
from index.fuse import MODES
from ingest.bounds import MAX_K, MAX_QUERY_CHARS
from ingest.departments import canonical
from web.breakdown import breakdown_dict
from web.library import Library
from web.notice_view import notice_dict
from web.params import ParamError, choice, day, echoed, text, turns_of, whole

#: The longest department name a task list is asked for.
MAX_DEPARTMENT_CHARS = 200


class WebApi:
    """The endpoints, bound to one library (whose searcher may be swapped by uploads)."""

    def __init__(self, library: Library) -> None:
        self.library = library

    def search(
        self,
        question: str,
        k: int = 5,
        mode: str = DEFAULT_MODE,
        doc_id: str = "",
        lead: str = "",
        year: str = "",
        due_before: str = "",
        history: list[Any] | None = None,
    ) -> dict[str, Any]:
        """Answer one question: the hits with every field, whether it abstained, and the leads.

        ``history``: earlier turns, oldest first (question strings or ``{"query", "chunk_ids"}``);
        a follow-up is read against the last one and ``reading`` says how.
        """
        try:
            question = text("question", question)
            if not any(ch.isalnum() for ch in question):  # empty, spaces, emoji or invisible characters only
                return {"error": "问题为空：请输入问题。", "parameter": "question", "value": question[:60]}
            if len(question) > MAX_QUERY_CHARS:
                expected = f"不超过 {MAX_QUERY_CHARS:,} 个字符的问题（收到 {len(question):,} 个）"
                raise ParamError("question", expected, question)
            k = whole("k", k, 1, MAX_K)
            mode = DEFAULT_MODE if mode is None else choice("mode", mode, MODES)
            year = str(year) if isinstance(year, int) and not isinstance(year, bool) else text("year", year)
            doc_id, lead, due_before = text("doc_id", doc_id), text("lead", lead), text("due_before", due_before)
            turns = turns_of(history)
        except ParamError as exc:
            return exc.to_dict()
        filters = filters_from(doc_id=[doc_id] if doc_id else [], lead=lead, year=year, due_before=due_before)
        return self.search_filtered(question, k, mode, filters, turns)

    def search_filtered(
        self, question: str, k: int, mode: str, filters: dict[str, Any] | None, turns: list[Any] | None = None
    ) -> dict[str, Any]:
        """:meth:`search` with checked arguments and filters of any :data:`index.filters.KEYS` (issuer, date_from…).

        A filter the library cannot apply is an error naming it, in Chinese.
        """
        try:
            answer = self.library.answer(question, k=k, mode=mode, filters=filters or None, history=turns or [])
        except FilterError as exc:  # a filter no notice matches, or a malformed date: named, in Chinese
            return {"error": exc.chinese, "parameter": exc.name, "value": echoed(exc.value)}
        except (TypeError, ValueError) as exc:
            return {"error": str(exc)}
        return answer.to_dict()

    def tasks(
        self, department: str, role: str = "", doc_id: str = "", due_before: str = "", due_after: str = ""
    ) -> dict[str, Any]:
        """Every item a department (any of its names) leads or supports; role "牵头", "配合" or "" for both.

        ``doc_id`` keeps one notice's items (what a cell of the departments × notices overview counts);
        ``due_after`` / ``due_before`` (YYYY-MM-DD, inclusive) those whose due date lies between (an
        item with no date is left out when either is given).
        """
        try:
            department = text("department", department, required=True)
            if len(department) > MAX_DEPARTMENT_CHARS:
                raise ParamError("department", f"不超过 {MAX_DEPARTMENT_CHARS} 个字符的部门名称", department)
            role = choice("role", role, ("", "牵头", "配合"))
            doc_id = text("doc_id", doc_id)
            if doc_id and doc_id not in {row[0] for row in self.library.notices()}:
                raise ParamError("doc_id", "库中通知的 doc_id", doc_id)
            before, after = day("due_before", due_before), day("due_after", due_after)
        except ParamError as exc:
            return exc.to_dict()
        try:
            found = self.library.tasks(department, role, doc_id)
        except ValueError as exc:
            return {"error": str(exc)}
        if before or after:
            found = [t for t in found if t.due and (not after or t.due >= after) and (not before or t.due <= before)]
        result = {"department": canonical(department), "role": role, "tasks": [t.to_dict() for t in found]}
        bounds = {k: v for k, v in (("due_before", before), ("due_after", after)) if v}
        return {**result, **({"doc_id": doc_id} if doc_id else {}), **bounds}

    def notices(self) -> dict[str, Any]:
        """Every notice in the library: doc_id, title, issuer, date, chunks, lead departments, upload hash."""
        return {"notices": [n.to_dict() for n in self.library.searcher.notices()]}

    def breakdown(self, doc_id: str) -> dict[str, Any]:
        """A notice's 任务分解表 as JSON (:func:`web.breakdown.breakdown_dict`), or an error naming the doc_id."""
        try:
            info, chunks = self.library.document(text("doc_id", doc_id, required=True))
        except ParamError as exc:
            return exc.to_dict()
        except KeyError:
            return {"error": f"库中没有这份通知：{doc_id}"}
        return breakdown_dict(info, chunks)

    def notice(self, doc_id: str = "", chunk_id: str = "") -> dict[str, Any]:
        """A notice with its metadata and every clause in order, by its doc_id or by one of its chunk ids."""
        try:
            doc_id, chunk_id = text("doc_id", doc_id), text("chunk_id", chunk_id)
            if not doc_id and not chunk_id:
                raise ParamError("doc_id", "通知的 doc_id（或给出 chunk_id）", doc_id)
        except ParamError as exc:
            return exc.to_dict()
        try:
            info, chunks = self.library.document(doc_id or self.library.doc_of(chunk_id))
        except KeyError:
            return {"error": f"库中没有这份通知：{doc_id or chunk_id}"}
        return notice_dict(info, chunks)
