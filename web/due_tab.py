"""The 到期 part of the 部门任务 tab: what falls due for the chosen department (or the library), and its calendar.

The buckets and dates are :mod:`web.due`'s, the calendar :mod:`web.ics`'s; this is the page around
them. A click on a row opens the item in its notice, in the tab's notice panel.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path
from typing import Any

import gradio as gr

from web.due import BUCKETS, COLUMNS, due_items, library_tasks
from web.exports import export_folder
from web.ics import write_ics
from web.page import SCROLL_TO_CLAUSE
from web.params import ParamError, day

#: The scope choices.
MINE, ALL = "所选部门", "全部通知"
#: How many calendar exports are kept (the newest).
KEEP = 50
#: The most rows the page's table shows (a library of a million clauses has tens of thousands of items).
MAX_ROWS = 2000


class DueTab:
    """The 到期 view's callbacks over a library, writing calendars under ``export_dir``."""

    def __init__(self, library: Any, export_dir: Path, clause_page: Any) -> None:
        self.library = library
        self.export_dir = Path(export_dir)
        self.clause_page = clause_page

    def items(self, department: str | None, role: str, scope: str, today: str) -> tuple[str, list[Any], str]:
        """(status line, the view's items, the calendar's name) for the fields as the page holds them."""
        try:
            on = date.fromisoformat(day("today", (today or "").strip()) or date.today().isoformat())
        except ParamError:
            return f"❌ 日期应写作 YYYY-MM-DD，如 {date.today().isoformat()}，收到“{html.escape(today)}”", [], ""
        if scope == ALL:
            tasks, name = library_tasks(list(self.library.clauses().values())), "全部通知"  # read once per index
        elif not department:
            return "请先选择部门，或选择“全部通知”。", [], ""
        else:
            try:
                tasks = self.library.tasks(department, role if role in ("牵头", "配合") else "")
            except ValueError as exc:
                return html.escape(str(exc)), [], ""
            name = department
        items = due_items(tasks, on)
        counts = "，".join(f"{b} {sum(i.bucket == b for i in items)}" for b in BUCKETS)
        return f"{html.escape(name)}，{on.isoformat()}：共 {len(items)} 项（{counts}）", items, f"{name}到期任务"

    def show(self, department: str | None, role: str, scope: str, today: str) -> tuple[str, list[list[str]], Any]:
        """The status line, the table's rows (the first :data:`MAX_ROWS`), and the calendar file box emptied."""
        status, items, _ = self.items(department, role, scope, today)
        if len(items) > MAX_ROWS:
            status += f"；表中列出最先到期的 {MAX_ROWS} 项，日历与接口含全部"
        return status, [i.row() for i in items[:MAX_ROWS]], gr.update(value=None, visible=False)

    def export(
        self, department: str | None, role: str, scope: str, today: str, request: gr.Request | None = None
    ) -> tuple[str, Any]:
        """The dated items as an .ics file (named for the department and the day) and the status line.

        Each event links to its clause on the address the page was opened at (Gradio passes ``request``).
        """
        status, items, name = self.items(department, role, scope, today)
        if not any(i.due for i in items):
            return status + "；没有带日期的条目，未生成日历。", gr.update(value=None, visible=False)
        folder = export_folder(self.export_dir, "due", KEEP)
        base = str(getattr(request, "base_url", "") or "") if request is not None else ""
        target = folder / f"{name.replace('/', '_')}-{date.today():%Y%m%d}.ics"
        path, undated = write_ics(items, name, target, base_url=base)
        note = f"；{undated} 项无日期，未列入日历" if undated else ""
        return status + note, gr.update(value=str(path), visible=True)

    def open_row(self, evt: gr.SelectData) -> str:
        """The notice of the row clicked, with that item marked."""
        row = evt.row_value or []
        return self.clause_page(str(row[-1]) if row else "")


def due_section(library: Any, export_dir: Path, clause_page: Any, department: Any, role: Any, panel: Any) -> None:
    """The 到期 accordion inside the 部门任务 tab; ``department`` and ``role`` are the tab's own fields."""
    tab = DueTab(library, export_dir, clause_page)
    private = {"api_visibility": "private"}
    with gr.Accordion("到期（按完成时限：已逾期、7 天内、30 天内、以后、无日期）", open=False, elem_id="due-box"):
        with gr.Row():
            scope = gr.Radio([MINE, ALL], value=MINE, label="范围", elem_id="due-scope", scale=2)
            # a plain default: a callable one would be a load event, and Gradio names it in its public API
            today = gr.Textbox(label="以此日期计（留空为今天）", placeholder="YYYY-MM-DD", max_length=10,
                               elem_id="due-today", scale=1)  # fmt: skip
        with gr.Row():
            show = gr.Button("查看到期", variant="primary", elem_id="due-show", scale=0, min_width=110)
            export = gr.Button("导出日历（.ics）", elem_id="due-ics", scale=0, min_width=150)
        status = gr.Markdown(elem_id="due-status")
        calendar = gr.File(label="日历（.ics，可导入 Outlook、手机日历）", interactive=False, visible=False,
                           elem_id="due-file")  # fmt: skip
        table = gr.Dataframe(
            headers=list(COLUMNS), interactive=False, wrap=True, elem_id="due", label="到期条目",
            column_widths=["96px", "104px", "220px", "56px", "180px", "140px", "220px", "80px", "220px"],
        )  # fmt: skip
    asked = [department, role, scope, today]
    show.click(tab.show, asked, [status, table, calendar], **private)
    export.click(tab.export, asked, [status, calendar], **private)
    table.select(tab.open_row, None, [panel], **private).then(None, None, None, js=SCROLL_TO_CLAUSE, **private)
