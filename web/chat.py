"""The chat's callbacks: what each click, question, upload and vote does, over a :class:`web.library.Library`.

``app.py`` lays the page out and wires these to its components; everything a callback shows is
escaped here (questions, names and reader messages are text, never markup).
"""

from __future__ import annotations

import html
import json
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import gradio as gr

from index import DEFAULT_MODE
from index.filters import filters_from
from web.breakdown import breakdown_rows, write_breakdown_docx, write_breakdown_xlsx
from web.departments_tab import DepartmentsTab, stamp
from web.library import Library
from web.notice_view import notice_html
from web.render import answer_html, citations_csv, label_text, plain_text
from web.uploads import UploadError, UploadResult, forget_upload, safe_stem

#: How many CSV exports the app keeps on disk (the newest; Gradio serves its own copies).
KEEP_EXPORTS = 200
#: The 通知库 table's columns: what staff read first, first; the doc_id (for the API and commands) last.
LIBRARY_COLUMNS = ("标题", "发文机关", "日期", "条款数", "doc_id")
#: The search modes as staff see them (label → mode), the default first, and what each does, in one line.
MODE_LABELS = {"混合（默认）": "convex", "混合·按排名": "hybrid", "语义": "dense", "关键词": "bm25"}
DEFAULT_MODE_LABEL = next(label for label, mode in MODE_LABELS.items() if mode == DEFAULT_MODE)
MODE_HELP = (
    "混合：语义与关键词两种检索按分数加权融合，再按牵头部门、地名等规则调整；混合·按排名：两种检索按排名融合（RRF），规则相同；"
    "语义：只看意思是否相近；关键词：只看字词是否出现"
)


def no_pick() -> Any:
    """The "right clause" choice emptied."""
    return gr.update(choices=[], value=None)


class Chat:
    """The callbacks of one app, bound to its library and its export folder.

    Files with a notice's name but other content wait in :attr:`held` for staff to confirm the
    replacement (token → (path, name)); tokens are random, so one session cannot name another's files.
    """

    def __init__(self, library: Library, export_dir: Path | None = None) -> None:
        self.library = library
        if export_dir is None:
            self.export_dir = Path(tempfile.mkdtemp(prefix="policy-qa-exports-"))
        else:
            self.export_dir = Path(export_dir)
            self.export_dir.mkdir(parents=True, exist_ok=True)
        self.held: dict[str, tuple[str, str]] = {}
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
    ) -> tuple[Any, ...]:
        """Answer a question: the emptied box, the chat, the answer records, the CSV export and the clause choices."""
        question = (question or "").strip()
        if not question:
            return "", history, records, None, no_pick()
        shown = plain_text(question)  # the question is shown as typed, never as markup or markdown
        library = self.library
        try:
            filters = filters_from(doc_id=docs, lead=lead, year=year, due_before=(due_before or "").strip())
            answer_mode = MODE_LABELS.get(mode_label, DEFAULT_MODE)
            answer = library.answer(question, k=int(k), mode=answer_mode, filters=filters)
        except ValueError as exc:  # an empty, over-long or badly filtered question: say why
            reply = f'<p class="error">无法检索：{html.escape(str(exc))}</p>'
            history = [*history, {"role": "user", "content": shown}, {"role": "assistant", "content": reply}]
            return "", history, records, None, no_pick()
        # Records of messages no longer shown (the chat was cleared or cut back) can never be voted on.
        records = [r for r in records if r["message"] < len(history)]
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
                "chunk_ids": [h.id for h in answer.hits],
                "mode": answer_mode,
                "filters": filters or {},
                "index_version": library.index_version(),
            },
        ]
        if answer.abstained or not answer.hits:
            return "", history, records, None, no_pick()  # nothing to export or pick for a refused answer
        csv_path = self.export_dir / f"引用-{stamp()}.csv"
        csv_path.write_text(citations_csv(answer, time.strftime("%Y-%m-%d %H:%M:%S")), encoding="utf-8")
        for old in sorted(self.export_dir.glob("引用-*.csv"))[:-KEEP_EXPORTS]:
            old.unlink(missing_ok=True)  # keep the newest exports only
        picks = [(f"[{h.rank}] {(h.title or h.notice_title)[:30]} {label_text(h)}", h.id) for h in answer.hits]
        return "", history, records, str(csv_path), gr.update(choices=picks, value=None)

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
        """Record which shown clause answers the newest question (a pick, bound to that answer)."""
        if not records or not chunk_id:
            return "请先在最新回答的引用中选择正确的条款。"
        record = records[-1]
        if chunk_id not in record["chunk_ids"]:
            return "所选条款不在最新回答中，请重新选择。"
        self._vote(record, "pick", right=chunk_id)
        return f"已记录正确条款：{html.escape(record['question'])}"

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
        return notice_html(info, chunks, chunk_id)

    def open_notice(self, payload: str) -> tuple[Any, ...]:
        """The panel beside the chat, for the clause a citation's link names (the page sends {"chunk": id})."""
        try:
            wanted = json.loads(payload or "{}")
            chunk_id = str(wanted.get("chunk") or "")
        except (ValueError, AttributeError):
            chunk_id = ""
        return gr.update(visible=True), self.clause_page(chunk_id)

    # --- the library: uploads, replacements, deletions -------------------------------------

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

    def on_upload(self, files: list[Any] | None) -> tuple[Any, ...]:
        """Upload each file; those that would replace a notice wait for confirmation."""
        lines = []
        waiting = []
        for item in files or []:
            path = Path(getattr(item, "name", item))
            name = getattr(item, "orig_name", None) or path.name
            result, line = self.upload_line(path, name, replace=False)
            lines.append(line)
            if result is None or not result.pending:
                forget_upload(path)  # stored (or refused): the raw copy is not kept, nor served again
            else:
                token = uuid.uuid4().hex
                self.held[token] = (str(path), name)
                titles = {row[0]: row[1] for row in self.library.notices()}
                olds = "、".join(f"《{titles.get(d, d)}》（{d}）" for d in result.replaces)
                waiting.append((f"{result.name} → 替换 {olds}", token))
        while len(self.held) > KEEP_EXPORTS:
            self.held.pop(next(iter(self.held)))  # forget the oldest held files
        return ("\n\n".join(lines) or "未选择文件。", None, *self.held_view(waiting), *self.library_view())

    def on_replace(self, tokens: list[str] | None) -> tuple[Any, ...]:
        """Replace the chosen held files' notices (the browser asked for confirmation; [] when cancelled)."""
        if not tokens:
            return ("未替换（未选择文件或已取消）。", *self.held_view(None), *self.library_view())
        lines = []
        for token in tokens:
            if token not in self.held:
                lines.append("❌ 该文件已过期，请重新上传。")
                continue
            path, name = self.held.pop(token)
            lines.append(self.upload_line(Path(path), name, replace=True)[1])
            forget_upload(Path(path))
        return ("\n\n".join(lines), *self.held_view([]), *self.library_view())

    def upload_line(self, path: Path, name: str, replace: bool) -> tuple[UploadResult | None, str]:
        """Upload one file; the result and a line for the status box (names shown as text, never as markup)."""
        try:
            result = self.library.upload(path, name, replace=replace)
        except UploadError as exc:
            return None, f"❌ {html.escape(str(exc))}"
        if result.pending:
            return result, f"⚠️ {html.escape(result.name)}：{html.escape(result.status)}（见下方「替换」）"
        return result, f"✅ {html.escape(result.name)}：{html.escape(result.status)}（{result.chunks} 条）"

    @staticmethod
    def held_view(waiting: list[tuple[str, str]] | None) -> tuple[Any, ...]:
        """The held files as choices (all chosen), shown only while some wait; None keeps the choice as it is."""
        if waiting is None:
            return gr.update(), gr.update()
        return gr.update(choices=waiting, value=[t for _, t in waiting]), gr.update(visible=bool(waiting))

    def on_breakdown(self, doc_id: str | None) -> tuple[Any, ...]:
        """The chosen notice's 任务分解表 as .xlsx and .docx files, and a line saying how many items it has."""
        if not doc_id:
            return "请先选择通知。", None
        try:
            info, chunks = self.library.document(doc_id)
        except KeyError:
            return f"❌ {html.escape(doc_id)}：库中没有这份通知", None
        rows = breakdown_rows(chunks)
        stem = f"任务分解表-{safe_stem(info.title)[:30]}-{time.strftime('%Y%m%d')}"
        files = [
            str(write_breakdown_xlsx(info, rows, self.export_dir / f"{stem}.xlsx")),
            str(write_breakdown_docx(info, rows, self.export_dir / f"{stem}.docx")),
        ]
        for old in sorted(self.export_dir.glob("任务分解表-*"), key=lambda f: f.stat().st_mtime)[: -2 * KEEP_EXPORTS]:
            old.unlink(missing_ok=True)
        return f"《{html.escape(info.title)}》：{len(rows)} 项有牵头、配合单位或完成时限的任务", files

    def on_delete_ask(self, doc_id: str | None) -> tuple[Any, ...]:
        """The first step of a deletion: the question, the confirm row shown, and the token it needs."""
        if not doc_id:
            return "未删除（未选择通知）。", "", gr.update(visible=False), ""
        try:
            token, title = self.library.ask_delete(doc_id)
        except UploadError as exc:
            return f"❌ {html.escape(str(exc))}", "", gr.update(visible=False), ""
        question = f"确定从库中删除《{html.escape(title)}》吗？删除后需重新上传才能恢复。"
        return "", question, gr.update(visible=True), token

    def on_delete(self, doc_id: str | None, token: str) -> tuple[Any, ...]:
        """The second step: delete the notice the token was issued for (refused without it)."""
        hide = (gr.update(visible=False), "")
        if not doc_id:
            return ("未删除（未选择通知）。", *hide, *self.library_view())
        try:
            title = self.library.delete(doc_id, token)
        except UploadError as exc:
            return (f"❌ {html.escape(str(exc))}", *hide, *self.library_view())
        return (f"✅ 已删除：{html.escape(title)}", *hide, *self.library_view())

    @staticmethod
    def on_delete_cancel() -> tuple[Any, ...]:
        """Cancel a deletion: nothing changes, the token is dropped."""
        return "未删除（已取消）。", gr.update(visible=False), ""
