"""The 部门任务 tab's callbacks: a department's task list, the departments × notices overview, their exports.

A cell of the overview opens the list it counts: its department's items in that notice (or in
all notices, from the key columns), in the same tab's table, with the .xlsx and CSV of that list.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr

from index.reading.places import split_place
from ingest.departments import canonical
from web.exports import export_folder
from web.library import Library
from web.overview import write_overview_xlsx
from web.render import tasks_csv
from web.tasks import LEAD, SUPPORT, write_xlsx
from web.uploads import safe_stem

#: How many task-list and overview exports are kept on disk (the newest).
KEEP = 200
#: The role choices as the tab shows them ("全部" = both).
ALL_ROLES = "全部"
#: The overview's column widths: narrow counts beside the department, then each notice (the table scrolls).
KEY_WIDTHS = ("120px", "52px", "52px", "60px")
NOTICE_WIDTH = "150px"


class DepartmentsTab:
    """The tab's callbacks over a library, writing exports under ``export_dir``."""

    def __init__(self, library: Library, export_dir: Path, clause_page: Callable[[str], str]) -> None:
        self.library = library
        self.export_dir = export_dir
        self.clause_page = clause_page

    def show_tasks(self, department: str | None, role: str, doc_id: str = "") -> tuple[Any, ...]:
        """The status line, the table rows, the .xlsx and CSV of a department's list, and the notice panel emptied.

        The status line counts the department's items in both roles, whatever role the table shows
        ("市数据局：牵头 4 项，配合 0 项；列出配合的 0 项"); a list with no rows offers no files.
        """
        if not department:
            return "", [], None, None, ""
        try:
            every = self.library.tasks(department, "", doc_id)
        except ValueError as exc:
            return html.escape(str(exc)), [], None, None, ""
        shown_role = role if role in (LEAD, SUPPORT) else ""
        tasks = [t for t in every if not shown_role or t.role == shown_role]
        led = sum(t.role == LEAD for t in every)
        where = ""
        if doc_id:
            titles = {row[0]: row[1] for row in self.library.notices()}
            where = f"在《{html.escape(titles.get(doc_id, doc_id))}》中"
        summary = f"{html.escape(department)}{where}：共 {len(every)} 项（牵头 {led} 项，配合 {len(every) - led} 项）"
        if shown_role:
            summary += f"；列出{shown_role}的 {len(tasks)} 项"
        if not tasks:
            return summary, [], None, None, ""
        # named as staff file them (任务-市数据局-牵头-20261206.xlsx), each export in a folder of its own: two
        # people exporting the same list at once never write one file
        folder = self._folder("tasks")
        name, place = split_place(department)  # 任务-市数据局-汉中市-… in a library of several places
        parts = [safe_stem(canonical(name) or name), safe_stem(place) if place else "", shown_role]
        name = "-".join(["任务", *filter(None, parts), time.strftime("%Y%m%d")])
        xlsx = write_xlsx(tasks, department, folder / f"{name}.xlsx")
        csv_path = folder / f"{name}.csv"
        csv_path.write_text(tasks_csv(tasks), encoding="utf-8")
        return summary, [t.view_row() for t in tasks], str(xlsx), str(csv_path), ""

    def open_task(self, evt: gr.SelectData) -> str:
        """The notice of the task row staff clicked, with that item marked."""
        row = evt.row_value or []
        return self.clause_page(str(row[-1]) if row else "")

    def overview_table(self) -> Any:
        """The overview as the web table shows it: key columns first, then one column per notice."""
        overview = self.library.overview()
        widths = [*KEY_WIDTHS, *[NOTICE_WIDTH] * len(overview.notices)]
        return gr.update(value=overview.table(), headers=overview.headers(), column_widths=widths)

    def open_cell(self, evt: gr.SelectData) -> tuple[Any, ...]:
        """A clicked overview cell: the department chosen, the role shown as 全部, and the list behind the cell."""
        row, column = evt.index if isinstance(evt.index, (list, tuple)) else (evt.index, 0)
        try:
            department, doc_id = self.library.overview().at(int(row), int(column))
        except (IndexError, TypeError, ValueError):
            return (gr.update(), gr.update(), "", "请点击表中的一格。", [], None, None, "")
        return (gr.update(value=department), gr.update(value=ALL_ROLES), doc_id,
                *self.show_tasks(department, ALL_ROLES, doc_id))  # fmt: skip

    def export_overview(self) -> tuple[str, str | None]:
        """The overview as an .xlsx (部门总览-<date>.xlsx) and a line saying what it holds."""
        overview = self.library.overview()
        if not overview.rows:
            return "库中的条目都没有写明牵头或配合部门。", None
        path = write_overview_xlsx(overview, self._folder("overview") / f"部门总览-{time.strftime('%Y%m%d')}.xlsx")
        return f"{len(overview.rows)} 个部门 × {len(overview.notices)} 份通知", str(path)

    def _folder(self, kind: str) -> Path:
        return export_folder(self.export_dir, kind, KEEP)
