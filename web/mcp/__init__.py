"""The library as an MCP server (Model Context Protocol, the official ``mcp`` SDK): six tools an agent can call.

Tools, each with a JSON schema, a description in Chinese and English, and structured output:

- ``search``: the clauses for a question, as ``POST /api/search`` answers (notice, section, item,
  lead and support departments, due date, score), or a refusal with the nearest clauses;
- ``answer``: what the chat says: the lead line and the cited clauses as text, or the refusal;
- ``department_tasks``: every item a department leads or supports;
- ``notice``: one notice's clauses in order;
- ``breakdown``: a notice's 任务分解表 rows;
- ``list_notices``: the notices in the library.

Transports: stdio (``python -m web.mcp``, :mod:`web.mcp.__main__`) and Streamable HTTP at ``/mcp``
on the app's port (:mod:`web.mcp.http`). Every tool only reads.
"""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import BaseModel, Field

from index import DEFAULT_MODE
from web.api import WebApi
from web.library import Library
from web.schemas import Breakdown, NoticeDetail, NoticeList, SearchAnswer, TaskList

#: Every tool reads and changes nothing; the same call gives the same answer while the library is unchanged.
READ_ONLY = ToolAnnotations(readOnlyHint=True, destructiveHint=False, idempotentHint=True, openWorldHint=False)


class ChatAnswer(BaseModel):
    """What the chat answers: a text to show, and its parts."""

    text: str = Field(description="the answer as the chat words it: the lead line, then the cited clauses")
    abstained: bool = Field(description="true: nothing found supports an answer; text says so")
    lead_line: str
    warning: str
    reading: str = Field(description="how a follow-up was read (按上文理解为…), or empty")
    clauses: list[str] = Field(description="the cited clauses' ids, in the order of the text's [1], [2]…")


def answer_text(answer: dict[str, Any]) -> str:
    """An answer dict (:meth:`index.answer.Answer.to_dict`) as plain text, as the chat words it."""
    lines = [answer["warning"]] if answer.get("warning") else []
    if answer["abstained"]:
        lines.append(answer["message"] or "没有找到足够相关的条款。")
        if answer["nearest"]:
            lines.append("最接近的条款（不是答案）：")
            lines += [f"- {h['title']} {h['label']}：{h['text'][:120]}" for h in answer["nearest"]]
        return "\n".join(lines)
    if answer["lead_line"]:
        lines.append(answer["lead_line"])
    for number, hit in enumerate(answer["hits"], 1):
        where = " › ".join([hit["title"], *hit["section"][-1:]])
        lines.append(f"[{number}] {where} {hit['label']}\n{hit['text']}")
    return "\n".join(lines)


def mcp_server(library: Library) -> MCPServer:
    """The MCP server over ``library`` (whose searcher an upload may swap: each call reads the current one)."""
    api = WebApi(library)
    server = MCPServer(
        "policy-qa",
        title="政策条款问答",
        instructions=(
            "Clauses of Chinese government policy notices (政务通知、工作要点、工作方案) with the departments that "
            "lead them. Use `search` or `answer` for a question, `department_tasks` for what a department must do, "
            "`notice`/`breakdown` for one notice. 用 search 或 answer 查条款，用 department_tasks 查部门任务。"
        ),
    )

    def checked(result: dict[str, Any]) -> dict[str, Any]:
        if "error" in result:
            raise ToolError(result["error"])
        return result

    @server.tool(
        description="检索条款：问题 → 出处条款（通知、章节、条目、牵头/配合部门、完成时限、分数），"
        "或拒答及最接近的条款。"
        "Find the clauses that answer a question, with notice, section, item, lead/support departments, due date "
        "and score; or a refusal with the nearest clauses. Filters: doc_id, lead (a department), year, due_before.",
        annotations=READ_ONLY,
    )
    def search(
        question: str, k: int = 5, doc_id: str = "", lead: str = "", year: str = "", due_before: str = ""
    ) -> SearchAnswer:
        found = api.search(question, k=k, mode=DEFAULT_MODE, doc_id=doc_id, lead=lead, year=year, due_before=due_before)
        return SearchAnswer.model_validate(checked(found))

    @server.tool(
        description="回答问题，如聊天页面：牵头部门一行、引用的条款，或“没有找到足够相关的条款”。history：之前的问题（可选）。"
        "Answer as the chat does: the lead line and the cited clauses as text, or the refusal. `history`: the "
        "conversation's earlier questions, oldest first, so that a follow-up (它由哪个部门牵头？) is understood.",
        annotations=READ_ONLY,
    )
    def answer(question: str, history: list[str] | None = None, k: int = 5) -> ChatAnswer:
        found = checked(api.search(question, k=k, history=list(history or [])))
        reading = found.get("reading") or {}
        return ChatAnswer(
            text=answer_text(found), abstained=found["abstained"], lead_line=found["lead_line"],
            warning=found["warning"], reading=f"按上文理解为：{reading['text']}" if reading else "",
            clauses=[h["id"] for h in found["hits"]],
        )  # fmt: skip

    @server.tool(
        description="部门任务：某部门牵头或配合的全部条目（role：牵头、配合或空=全部；doc_id：限一份通知）。"
        "Every item a department leads or supports (role: 牵头, 配合, or empty for both; doc_id: one notice only).",
        annotations=READ_ONLY,
    )
    def department_tasks(department: str, role: str = "", doc_id: str = "") -> TaskList:
        return TaskList.model_validate(checked(api.tasks(department, role, doc_id)))

    @server.tool(
        description="一份通知的全部条款（按原文顺序）。One notice (by doc_id) with every clause in order.",
        annotations=READ_ONLY,
    )
    def notice(doc_id: str) -> NoticeDetail:
        return NoticeDetail.model_validate(checked(api.notice(doc_id=doc_id)))

    @server.tool(
        description="一份通知的任务分解表（序号、条目、工作任务、牵头单位、配合单位、完成时限）。"
        "A notice's task breakdown table: its items with a duty note (number, item, task, lead, support, deadline).",
        annotations=READ_ONLY,
    )
    def breakdown(doc_id: str) -> Breakdown:
        return Breakdown.model_validate(checked(api.breakdown(doc_id)))

    @server.tool(
        description="通知库中的全部通知（doc_id、标题、发文机关、日期、条款数、牵头部门）。"
        "The notices in the library: doc_id, title, issuer, date, clause count, lead departments.",
        annotations=READ_ONLY,
    )
    def list_notices() -> NoticeList:
        return NoticeList.model_validate(api.notices())

    return server


__all__ = ["READ_ONLY", "ChatAnswer", "answer_text", "mcp_server"]
