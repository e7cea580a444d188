"""The chat's callbacks: what each click, question, upload and vote does, over a :class:`web.library.Library`.

``app.py`` lays the page out and wires these to its components; everything a callback shows is
escaped here (questions, names and reader messages are text, never markup).
"""

from __future__ import annotations

import html
import json
import re
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import gradio as gr

from index import DEFAULT_MODE
from index.filters import filters_from
from index.reading.conversation import MAX_HISTORY, Turn
from index.views import clause_label
from ingest.bounds import MAX_QUERY_CHARS
from web.conversations import Conversations, new_id, valid_id
from web.departments_tab import DepartmentsTab
from web.entrance.access import WriteAccess
from web.exports import export_folder
from web.library import Library
from web.library_tab import KEEP_EXPORTS, LibraryTab
from web.notice_view import notice_html
from web.render import answer_html, citations_csv, label_text, plain_text

#: The 通知库 table's columns: what staff read first, first; the doc_id (for the API and commands) last.
LIBRARY_COLUMNS = ("标题", "发文机关", "日期", "条款数", "doc_id")
#: The search modes as staff see them (label → mode), the default first, and what each does, in one line.
MODE_LABELS = {"混合（默认）": "convex", "混合·按排名": "hybrid", "语义": "dense", "关键词": "bm25"}
#: The longest text the whole-library clause search takes (a question's limit).
MAX_FIND_CHARS = MAX_QUERY_CHARS
DEFAULT_MODE_LABEL = next(label for label, mode in MODE_LABELS.items() if mode == DEFAULT_MODE)
MODE_HELP = (
    "混合：语义与关键词两种检索按分数加权融合，再按牵头部门、地名等规则调整；混合·按排名：两种检索按排名融合（RRF），规则相同；"
    "语义：只看意思是否相近；关键词：只看字词是否出现"
)


def pick_label(clause: Any) -> tuple[str, str]:
    """A clause (a hit or a chunk) as a right-clause choice: its document, label and opening words; its id."""
    opening = " ".join(clause.text.split())[:24]
    where = f"{(clause.title or clause.notice_title)[:30]} {clause_label(clause.label, clause.kind)}"
    return f"{where}：{opening}…", clause.id


def no_pick() -> Any:
    """The "right clause" choice emptied."""
    return gr.update(choices=[], value=None)


class Chat:
    """The callbacks of one app, bound to its library and its export folder.

    The 通知库 tab's uploads, replacements and deletions are :attr:`notices`
    (:class:`web.library_tab.LibraryTab`, given ``access`` and ``upload_folder``); the 部门任务
    tab's lists and exports are :attr:`departments`.
    """

    def __init__(
        self,
        library: Library,
        export_dir: Path | None = None,
        access: WriteAccess | None = None,
        upload_folder: Path | None = None,
        conversation_dir: Path | None = None,
    ) -> None:
        self.library = library
        if export_dir is None:
            self.export_dir = Path(tempfile.mkdtemp(prefix="policy-qa-exports-"))
        else:
            self.export_dir = Path(export_dir)
            self.export_dir.mkdir(parents=True, exist_ok=True)
        #: The 通知库 tab: uploads, replacements, deletions and the 任务分解表, behind the write token.
        self.notices = LibraryTab(library, self.export_dir, self.library_view, access, upload_folder)
        #: Each browser's conversation, kept on the server (bounded) so that a reload shows it again.
        self.conversations = Conversations(conversation_dir or self.export_dir.parent / "conversations")
        #: The 部门任务 tab: task lists, the departments × notices overview and their exports.
        self.departments = DepartmentsTab(library, self.export_dir, self.clause_page)

    # --- the chat ------------------------------------------------------------------------

    def respond(
        self,
        question: str,
        history: list[dict[str, Any]],
        records: list[dict[str, Any]],
        k: int,
        mode_label: str,
        docs: list[str],
        lead: str | None,
        year: str | None,
        due_before: str | None = None,
        conversation: str = "",
    ) -> tuple[Any, ...]:
        """Answer a question: the emptied box, the chat, the answer records, the CSV export and the clause choices.

        A follow-up ("它由哪个部门牵头？") is read against the answers before it in this chat; the
        chat is kept for ``conversation`` (the browser's id), so that a reload shows it again.
        """
        question = (question or "").strip()
        if not question:
            return "", history, records, None, no_pick()
        shown = plain_text(question)  # the question is shown as typed, never as markup or markdown
        library = self.library
        # Records of messages no longer shown (the chat was cleared or cut back) can never be voted on.
        records = [r for r in records if r["message"] < len(history)]
        turns = [Turn(r.get("read_as") or r["question"], tuple(r["chunk_ids"])) for r in records[-MAX_HISTORY:]]
        try:
            filters = filters_from(doc_id=docs, lead=lead, year=year, due_before=(due_before or "").strip())
            answer_mode = MODE_LABELS.get(mode_label, DEFAULT_MODE)
            answer = library.answer(question, k=int(k), mode=answer_mode, filters=filters, history=turns)
        except ValueError as exc:  # an empty, over-long or badly filtered question: say why
            said = getattr(exc, "chinese", None) or str(exc)  # a filter's error in Chinese (index.filters.FilterError)
            reply = f'<p class="error">无法检索：{html.escape(said)}</p>'
            history = [*history, {"role": "user", "content": shown}, {"role": "assistant", "content": reply}]
            self.conversations.save(conversation, history, records)
            return "", history, records, None, no_pick()
        history = [
            *history,
            {"role": "user", "content": shown},
            {"role": "assistant", "content": answer_html(answer, self.led_tasks(answer.led_work_of))},
        ]
        records = [
            *records,
            {
                "message": len(history) - 1,
                "answer_id": uuid.uuid4().hex[:16],
                "question": question,
                "read_as": answer.reading.text if answer.reading else question,
                "chunk_ids": [h.id for h in answer.hits],
                "mode": answer_mode,
                "filters": filters or {},
                "index_version": library.index_version(),
            },
        ]
        self.conversations.save(conversation, history, records)
        if answer.abstained or not answer.hits:
            return "", history, records, None, no_pick()  # nothing to export or pick for a refused answer
        csv_path = self._citations_path(question)
        csv_path.write_text(citations_csv(answer, time.strftime("%Y-%m-%d %H:%M:%S")), encoding="utf-8")
        picks = [(f"[{h.rank}] {(h.title or h.notice_title)[:30]} {label_text(h)}", h.id) for h in answer.hits]
        return "", history, records, str(csv_path), gr.update(choices=picks, value=None)

    def _citations_path(self, question: str) -> Path:
        """Where an answer's citations go: 引用-<the question>-<date time>.csv, in a folder of its own.

        The name says what was asked and when, as staff file it; the folder keeps two exports of
        one question in one minute apart. The newest :data:`KEEP_EXPORTS` are kept.
        """
        folder = export_folder(self.export_dir, "cite", KEEP_EXPORTS)
        asked = re.sub(r"[^\w\u4e00-\u9fff]+", "_", question).strip("_")[:30] or "问题"
        return folder / f"引用-{asked}-{time.strftime('%Y%m%d-%H%M')}.csv"

    def restore(self, conversation: Any) -> tuple[Any, ...]:
        """At page load: the browser's conversation id (a new one if it has none) and what it holds.

        With nothing kept, the chat is left as it is: a question asked while the page was still
        loading keeps its answer (restoring an empty chat over it would wipe it).
        """
        if not valid_id(conversation):
            return new_id(), gr.update(), gr.update()
        messages, records = self.conversations.load(conversation)
        if not messages:
            return conversation, gr.update(), gr.update()
        return conversation, messages, records

    def new_conversation(self) -> tuple[str, list[Any], list[Any], str, Any]:
        """新对话: a new conversation id, an empty chat and records, no feedback line, no clause choices."""
        return new_id(), [], [], "", no_pick()

    def on_clear(self, conversation: Any) -> tuple[list[Any], str]:
        """The chat's own clear button: the kept conversation is emptied too."""
        self.conversations.forget(conversation)
        return [], ""

    def led_tasks(self, departments: list[str]) -> dict[str, list[Any]]:
        """What each department leads, for "X牵头负责哪些工作" questions (none for unknown ones)."""
        out = {}
        for name in departments:
            try:
                out[name] = self.library.tasks(name, "牵头")
            except ValueError:
                continue
        return out

    def on_pick(self, records: list[dict[str, Any]], chunk_id: str | None) -> str:
        """Record which clause answers the newest question (a pick, bound to that answer).

        The clause may be one the answer showed or any clause of the library (:meth:`find_clause`).
        """
        if not records or not chunk_id:
            return "请先选择正确的条款（最新回答的引用，或在全库中查找）。"
        record = records[-1]
        if chunk_id not in self.library.clauses():
            return "所选条款已不在库中，请重新选择。"
        self._vote(record, "pick", right=chunk_id)
        return f"已记录正确条款：{html.escape(record['question'])}"

    def find_clause(self, words: str | None, records: list[dict[str, Any]]) -> tuple[str, Any]:
        """The clauses of the whole library that ``words`` find (10, no filters), offered as the right clause.

        The answer's own clauses stay offered first; a search is its own, never a vote.
        """
        words = (words or "").strip()[:MAX_FIND_CHARS]
        if not words:
            return "请输入要查找的条款内容。", gr.update()
        if not records:
            return "请先提问，再指出正确的条款。", gr.update()
        found = self.library.answer(words, k=10, mode=DEFAULT_MODE).hits
        clauses = self.library.clauses()
        shown = [c for c in (clauses.get(i) for i in records[-1]["chunk_ids"]) if c is not None]
        choices = dict.fromkeys([*(pick_label(c) for c in shown), *(pick_label(h) for h in found)])
        if not found:
            return f"全库中没有找到与“{html.escape(words)}”相关的条款。", gr.update()
        return f"找到 {len(found)} 条，请在下拉框中选择。", gr.update(choices=list(choices), value=None)

    def on_like(self, records: list[dict[str, Any]], data: gr.LikeData) -> str:
        """Record a 👍 or 👎 on the answer it was given to."""
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        record = next((r for r in reversed(records) if r["message"] == index), None)
        if record is None:
            return "只能对回答进行评价。"
        if not isinstance(data.liked, bool):  # only a real 👍 or 👎 is a vote
            return "无法识别的评价，未记录。"
        vote = "up" if data.liked else "down"
        self._vote(record, vote)
        return f"已记录{'👍' if vote == 'up' else '👎'}：{html.escape(record['question'])}"

    def _vote(self, record: dict[str, Any], vote: str, **extra: Any) -> None:
        self.library.record_feedback(
            record["question"], record["chunk_ids"], vote, answer_id=record["answer_id"], mode=record["mode"],
            filters=record["filters"], index_version=record["index_version"], **extra,
        )  # fmt: skip

    # --- the notice a clause is in --------------------------------------------------------

    def clause_page(self, chunk_id: str) -> str:
        """The notice that holds a clause, with the clause marked; a line saying so when it is gone."""
        try:
            info, chunks = self.library.document(self.library.doc_of(chunk_id))
        except KeyError:
            return "<p>这份通知已不在库中（可能已被删除或替换），请重新提问。</p>"
        return notice_html(info, chunks, chunk_id, self.library.upload_names.get(info.doc_id))

    def open_notice(self, payload: str) -> tuple[Any, ...]:
        """The panel beside the chat, for the clause a citation's link names (the page sends {"chunk": id})."""
        try:
            wanted = json.loads(payload or "{}")
            chunk_id = str(wanted.get("chunk") or "")
        except (ValueError, AttributeError):
            chunk_id = ""
        return gr.update(visible=True), self.clause_page(chunk_id)

    # --- what the library holds, as the page's tables and choices show it -------------------

    def choices(self) -> tuple[list[tuple[str, str]], list[str], list[str]]:
        """The notice choices (label, doc_id), the lead departments and the years, as the index has them."""
        rows = self.library.notices()
        notices = [(f"{title[:40]}（{doc_id[:12]}）", doc_id) for doc_id, title, *_ in rows]
        return notices, self.library.lead_departments(), self.library.years()

    def notice_rows(self) -> list[list[Any]]:
        """The 通知库 table's rows, as :data:`LIBRARY_COLUMNS`: the title first, the doc_id last."""
        return [[title, issuer, date, chunks, doc_id] for doc_id, title, issuer, date, chunks in self.library.notices()]

    def library_view(self) -> tuple[Any, ...]:
        """The notice table and the dropdowns as the index has them now (on each page load and upload)."""
        notices, leads, years = self.choices()
        return (
            self.notice_rows(),
            gr.update(choices=notices),
            gr.update(choices=[("（全部）", ""), *[(d, d) for d in leads]]),
            gr.update(choices=[("（全部）", ""), *[(y, y) for y in years]]),
            gr.update(choices=self.library.departments()),
            gr.update(choices=notices, value=None),
            self.departments.overview_table(),
        )
