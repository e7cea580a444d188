"""What the JSON API takes and answers (and the MCP tools answer), as pydantic models: their OpenAPI and JSON schemas.

These describe the dicts :class:`web.api.WebApi` and the routes build; a test checks each
model against real answers, so a field added to an answer and not here fails there.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from index import DEFAULT_MODE
from index.reading.conversation import MAX_HISTORY
from ingest.bounds import MAX_K, MAX_QUERY_CHARS

#: Most questions one batch request may carry.
MAX_BATCH = 100


class HistoryTurn(BaseModel):
    """An earlier turn of the conversation: its question, and the clauses its answer showed (best first)."""

    query: str = Field(max_length=MAX_QUERY_CHARS, examples=["秦政通是什么"])
    chunk_ids: list[str] = Field(default_factory=list, max_length=50)


class SearchRequest(BaseModel):
    """One question and how to answer it (the fields of ``python -m index search``).

    ``history``: the conversation's earlier turns, oldest first. A follow-up ("它由哪个部门牵头？")
    is read against the last one; the answer's ``reading`` says how it was read.
    """

    question: str = Field(max_length=MAX_QUERY_CHARS, examples=["哪些部门负责12345热线"])
    k: int = Field(5, ge=1, le=MAX_K, strict=True)
    mode: str = DEFAULT_MODE
    doc_id: str = ""
    lead: str = ""
    year: str = ""
    due_before: str = Field("", description="only items due on or before this ISO date")
    history: list[str | HistoryTurn] = Field(
        default_factory=list, max_length=MAX_HISTORY, description="earlier turns, oldest first (questions or turns)"
    )


class BatchRequest(BaseModel):
    """Many questions answered alike."""

    questions: list[str] = Field(min_length=1, max_length=MAX_BATCH, examples=[["秦政通", "好差评机制"]])
    k: int = Field(5, ge=1, le=MAX_K, strict=True)
    mode: str = DEFAULT_MODE


class Clause(BaseModel):
    """One clause (chunk) of a notice, as a hit or a line of a notice carries it."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(description="the clause's id: doc_id#section/label", examples=["000_4339a6bb93f327d8#四/13"])
    doc_id: str | None = Field(None, description="the notice's id")
    kind: str = Field(description="item, preamble, heading text…")
    section: list[str] = Field(description="the headings above it, outermost first")
    label: str = Field(description="the item's number as printed: 13, (十), 第五条")
    text: str
    lead: list[str] = Field(description="departments that lead it (牵头)")
    support: list[str] = Field(description="departments that support it (配合)")
    deadline: str | None = Field(None, description="the time limit as written (完成时限)")
    due: str | None = Field(None, description="the time limit as an ISO date, when it names one")


class Hit(Clause):
    """A clause found for a question."""

    notice_title: str
    title: str = Field(description="the notice's short title")
    issuer: str | None = None
    date: str | None = None
    doc_number: str | None = Field(None, description="文号")
    metadata: dict[str, Any] = Field(default_factory=dict)
    score: float = Field(description="the ranking's fused score")
    rank: int = Field(description="1 = best")
    matched: list[str] = Field(default_factory=list, description="question words the clause holds")


class Reading(BaseModel):
    """How a follow-up question was read against the conversation."""

    text: str = Field(description="what was searched")
    follow_up: str = Field(description="the kind of follow-up: pronoun, ellipsis, switch, more…")
    previous: str = Field(description="the earlier question it was read against")


class SearchAnswer(BaseModel):
    """The answer to one question: the clauses, the lead line, or a refusal with the nearest clauses."""

    model_config = ConfigDict(extra="allow")

    query: str
    abstained: bool = Field(description="true: nothing found supports an answer (see message, nearest)")
    message: str = Field(description="the refusal staff read, when abstained")
    warning: str = Field(description="above an answer: places asked about that no notice belongs to")
    reading: Reading | None = None
    asks_responsibility: bool = Field(description="the question asks who leads or does something")
    lead_line: str = Field(description="the lead departments, notice by notice, as the chat shows them")
    leads: dict[str, list[list[Any]]] = Field(description="notice → [[item label, [departments]]]")
    wordings: dict[str, dict[str, str]] = Field(description="notice → {canonical department → its wording there}")
    wording: dict[str, str] = Field(description="deprecated: wordings merged over notices")
    led_work_of: list[str]
    hits: list[Hit] = Field(description="best first; empty when abstained")
    nearest: list[Hit] = Field(description="when abstained, the closest clauses: not answers")


class BatchAnswers(BaseModel):
    """One answer a question, in order."""

    answers: list[SearchAnswer]


class NoticeInfo(BaseModel):
    """A notice in the library."""

    model_config = ConfigDict(extra="allow")

    doc_id: str
    title: str
    issuer: str | None = None
    date: str | None = None
    chunks: int = Field(description="how many clauses it has")
    leads: list[str] = Field(description="every department that leads an item of it")
    sha256: str = Field(description="the uploaded file's hash (empty for notices indexed from a folder)")


class NoticeList(BaseModel):
    """Every notice in the library."""

    notices: list[NoticeInfo]


class NoticeDetail(BaseModel):
    """A notice and every clause of it in order."""

    notice: NoticeInfo
    clauses: list[Clause]


class BreakdownRow(BaseModel):
    """One row of a 任务分解表."""

    number: int = Field(description="序号")
    label: str = Field(description="条目")
    task: str = Field(description="工作任务")
    lead: str = Field(description="牵头单位")
    support: str = Field(description="配合单位")
    deadline: str = Field(description="完成时限")
    chunk_id: str
    part: str = Field("", description="the notice's part the item is in (四、保障措施), empty for none")


class Breakdown(BaseModel):
    """A notice's 任务分解表: its items with a duty note."""

    notice: NoticeInfo
    columns: list[str]
    rows: list[BreakdownRow]


class Task(BaseModel):
    """An item a department leads or supports."""

    model_config = ConfigDict(extra="allow")

    notice: str
    date: str | None = None
    section: str
    label: str
    title: str
    role: str = Field(description="牵头 or 配合")
    deadline: str
    due: str
    chunk_id: str
    text: str = Field("", description="the clause without its duty note")
    lead: str = Field("", description="every lead unit the clause names, joined by 、")
    support: str = Field("", description="every supporting unit the clause names, joined by 、")


class TaskList(BaseModel):
    """A department's items."""

    department: str = Field(description="the department's canonical name (with its place where notices differ)")
    role: str = Field(description="牵头, 配合, or empty for both")
    tasks: list[Task]
    doc_id: str | None = Field(None, description="the one notice asked for, when one was")


class OverviewNotice(BaseModel):
    """A column of the overview."""

    doc_id: str
    title: str
    date: str | None = None


class OverviewCell(BaseModel):
    """Items of one department in one notice."""

    lead: int
    support: int


class OverviewRow(BaseModel):
    """A department's counts, in total and notice by notice."""

    department: str
    lead: int
    support: int
    notices: dict[str, OverviewCell] = Field(description="doc_id → counts")


class Overview(BaseModel):
    """Departments × notices."""

    notices: list[OverviewNotice]
    departments: list[OverviewRow]


class Uploaded(BaseModel):
    """What an upload did."""

    name: str
    doc_id: str | None = Field(description="null while a changed version waits for replace=true")
    chunks: int
    status: str = Field(description="what happened, in Chinese (已添加, 已替换, 未改变, 待替换…)")
    replaces: list[str]
    pending: bool = Field(description="true: a changed version waits for replace=true")


class DeleteTicket(BaseModel):
    """The one-time token a deletion needs."""

    doc_id: str
    title: str
    confirm: str
    expires_in: int = Field(description="seconds")


class Deleted(BaseModel):
    """A notice removed."""

    doc_id: str
    title: str
    status: str


__all__ = [
    "MAX_BATCH",
    "BatchAnswers",
    "BatchRequest",
    "Breakdown",
    "BreakdownRow",
    "Clause",
    "DeleteTicket",
    "Deleted",
    "HistoryTurn",
    "Hit",
    "NoticeDetail",
    "NoticeInfo",
    "NoticeList",
    "Overview",
    "OverviewCell",
    "OverviewNotice",
    "OverviewRow",
    "Reading",
    "SearchAnswer",
    "SearchRequest",
    "Task",
    "TaskList",
    "Uploaded",
]  # fmt: skip
