"""The 通知库 tab's callbacks: uploads, replacements of a changed notice, the two-step delete, the 任务分解表.

Every write first checks the write token typed in the page against ``access``
(:mod:`web.entrance.access`: the same rule as the JSON API's); with no ``access`` the library cannot be
changed from the page. An uploaded file must lie in ``upload_folder`` (Gradio's upload folder),
a regular file, or it is refused unread: a request that names a path on the server reads nothing.
Everything shown is escaped here (names and reader messages are text, never markup).
"""

from __future__ import annotations

import html
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr

from web.breakdown import breakdown_rows, file_title, write_breakdown_docx, write_breakdown_xlsx
from web.entrance.access import WriteAccess
from web.exports import export_folder
from web.library import Library
from web.uploads import UploadError, UploadResult, forget_upload, received_upload

#: How many exports (and files waiting for a replacement) the app keeps (the newest).
KEEP_EXPORTS = 200
#: Gradio fills a callback's parameter whose default is a gr.Progress with the event's progress bar.
_PROGRESS = gr.Progress()


def _pages(progress: Any, name: str) -> Callable[[str, int, int, str], None]:
    """A listener that shows a file's OCR pages on Gradio's progress bar: "扫描件.pdf：文字识别 第 3/8 页"."""

    def show(_path: str, done: int, total: int, _what: str) -> None:
        progress((done, total), desc=f"{name}：文字识别 第 {done}/{total} 页")

    return show


class LibraryTab:
    """The 通知库 tab's callbacks over one library.

    Files with a notice's name but other content wait in :attr:`held` for staff to confirm the
    replacement (token → (path, name)); tokens are random, so one session cannot name another's
    files. ``view`` is the page's tables and choices as the index has them (shown after each change).
    """

    def __init__(
        self,
        library: Library,
        export_dir: Path,
        view: Callable[[], tuple[Any, ...]],
        access: WriteAccess | None = None,
        upload_folder: Path | None = None,
    ) -> None:
        self.library = library
        self.export_dir = export_dir
        self.library_view = view
        self.access = access
        self.upload_folder = Path(upload_folder) if upload_folder else None
        self.held: dict[str, tuple[str, str]] = {}

    def write_refusal(self, write_token: str | None) -> str | None:
        """Why a write from the page is refused (no token, a wrong one, writes closed), or None."""
        if self.access is None:
            return "本页面未开放写入：库未改变"
        return self.access.refusal(write_token)

    def on_upload(
        self, files: list[Any] | None, write_token: str | None = None, progress: Any = _PROGRESS
    ) -> tuple[Any, ...]:
        """Upload each file; those that would replace a notice wait for confirmation.

        A scan read by OCR shows its pages as they are read (Gradio's progress bar).
        """
        lines = []
        waiting = []
        refused = self.write_refusal(write_token) if files else None
        for item in files or []:
            path = Path(getattr(item, "name", item))
            name = getattr(item, "orig_name", None) or path.name
            if refused:
                lines.append(f"❌ {html.escape(str(name))}：{refused}")
                forget_upload(path)
                continue
            result, line = self.upload_line(path, name, replace=False, on_progress=_pages(progress, str(name)))
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

    def on_replace(self, tokens: list[str] | None, write_token: str | None = None) -> tuple[Any, ...]:
        """Replace the chosen held files' notices (the second step, after :meth:`on_replace_ask`)."""
        if not tokens:
            return ("未替换（未选择文件或已取消）。", *self.held_view(None), *self.library_view())
        if refused := self.write_refusal(write_token):
            return (f"❌ {refused}", *self.held_view(None), *self.library_view())  # still held: fix the token, retry
        lines = []
        for token in tokens:
            if token not in self.held:
                lines.append("❌ 该文件已过期，请重新上传。")
                continue
            path, name = self.held.pop(token)
            lines.append(self.upload_line(Path(path), name, replace=True)[1])
            forget_upload(Path(path))
        return ("\n\n".join(lines), *self.held_view([]), *self.library_view())

    def upload_line(
        self, path: Path, name: str, replace: bool, on_progress: Any = None
    ) -> tuple[UploadResult | None, str]:
        """Upload one file; the result and a line for the status box (names shown as text, never as markup)."""
        try:
            if self.upload_folder is not None:  # a browser's upload, never a path a request names
                path = received_upload(path, self.upload_folder, name)
            result = self.library.upload(path, name, replace=replace, on_progress=on_progress)
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
        none = gr.update(value=None, visible=False)  # no empty box waits below the buttons
        if not doc_id:
            return "请先选择通知。", none
        try:
            info, chunks = self.library.document(doc_id)
        except KeyError:
            return f"❌ {html.escape(doc_id)}：库中没有这份通知", none
        rows = breakdown_rows(chunks)
        if not rows:
            return f"《{html.escape(info.title)}》中没有写明牵头、配合单位或完成时限的条目：未生成分解表。", none
        folder = export_folder(self.export_dir, "breakdown", KEEP_EXPORTS)  # two staff at once never share a file
        stem = f"任务分解表-{file_title(info, chunks)}-{time.strftime('%Y%m%d')}"
        files = [
            str(write_breakdown_xlsx(info, rows, folder / f"{stem}.xlsx", chunks)),
            str(write_breakdown_docx(info, rows, folder / f"{stem}.docx", chunks)),
        ]
        return f"《{html.escape(info.title)}》：{len(rows)} 项有牵头、配合单位或完成时限的任务", gr.update(
            value=files, visible=True
        )

    def on_delete_ask(self, doc_id: str | None, write_token: str | None = None) -> tuple[Any, ...]:
        """The first step of a deletion: (status, question, the confirm row shown, the pending deletion).

        The pending deletion is ``{"action": "delete", "doc_id": …, "token": …}``; its token is the
        library's (:meth:`web.library.Library.ask_delete`), so only this ask can be confirmed.
        """
        if not doc_id:
            return "未删除（未选择通知）。", "", gr.update(visible=False), {}
        if refused := self.write_refusal(write_token):
            return f"❌ {refused}", "", gr.update(visible=False), {}
        try:
            token, title = self.library.ask_delete(doc_id)
        except UploadError as exc:
            return f"❌ {html.escape(str(exc))}", "", gr.update(visible=False), {}
        question = f"确定从库中删除《{html.escape(title)}》吗？删除后需重新上传才能恢复。"
        return "", question, gr.update(visible=True), {"action": "delete", "doc_id": doc_id, "token": token}

    def on_replace_ask(self, tokens: list[str] | None, write_token: str | None = None) -> tuple[Any, ...]:
        """The first step of a replacement, asked in the same confirm row as a deletion (never the browser's).

        Returns (status, question, the confirm row, the pending replacement ``{"action": "replace", "tokens": …}``).
        """
        chosen = [t for t in tokens or [] if t in self.held]
        if not chosen:
            return "未替换（未选择文件，或文件已过期，请重新上传）。", "", gr.update(visible=False), {}
        if refused := self.write_refusal(write_token):
            return f"❌ {refused}", "", gr.update(visible=False), {}
        names = "、".join(html.escape(self.held[t][1]) for t in chosen)
        question = f"确定用新文件（{names}）替换库中的同名通知吗？旧版本将从库中删除。"
        return "", question, gr.update(visible=True), {"action": "replace", "tokens": chosen}

    def on_confirm(self, pending: dict[str, Any] | None, write_token: str | None = None) -> tuple[Any, ...]:
        """The second step of either write: (upload status, delete status, confirm row, pending, held files, view…)."""
        hide = (gr.update(visible=False), {})
        pending = pending or {}
        if pending.get("action") == "replace":
            status, *held_and_view = self.on_replace(pending.get("tokens"), write_token)
            return (status, gr.update(), *hide, *held_and_view)
        if pending.get("action") == "delete":
            status, _, _, *view = self.on_delete(pending.get("doc_id"), pending.get("token", ""), write_token)
            return (gr.update(), status, *hide, *self.held_view(None), *view)
        return (gr.update(), "没有待确认的操作。", *hide, *self.held_view(None), *self.library_view())

    @staticmethod
    def on_cancel(pending: dict[str, Any] | None) -> tuple[Any, ...]:
        """Cancel the asked write: nothing changes. (upload status, delete status, confirm row, pending)."""
        hide = (gr.update(visible=False), {})
        if (pending or {}).get("action") == "replace":
            return ("未替换（已取消）。", gr.update(), *hide)
        return (gr.update(), "未删除（已取消）。", *hide)

    def on_delete(self, doc_id: str | None, token: str, write_token: str | None = None) -> tuple[Any, ...]:
        """The second step: delete the notice the token was issued for (refused without it or the write token)."""
        hide = (gr.update(visible=False), "")
        if not doc_id:
            return ("未删除（未选择通知）。", *hide, *self.library_view())
        if refused := self.write_refusal(write_token):
            return (f"❌ {refused}", *hide, *self.library_view())
        try:
            title = self.library.delete(doc_id, token)
        except UploadError as exc:
            return (f"❌ {html.escape(str(exc))}", *hide, *self.library_view())
        return (f"✅ 已删除：{html.escape(title)}", *hide, *self.library_view())
