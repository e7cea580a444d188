"""Department task lists: every item a department leads or supports, across notices, and its .xlsx export.

What a 督查 office asks first: "what does 市数据局 lead, and by when?". A department is
matched by any of its names (市发改委 finds items of 市发展和改革委员会); generic units
(各有关部门) are not departments and have no task list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from index.reading.places import DepartmentPlaces
from index.views import cite_label, item_title, sentences
from ingest import Chunk
from ingest.departments import canonical, lead_names
from web.cells import append_text_row, sheet_title

#: A department's role in an item.
LEAD, SUPPORT = "牵头", "配合"
#: The columns of the list, as staff read them (the .xlsx header and the table's).
COLUMNS = ("通知", "日期", "章节", "条目", "工作事项", "角色", "完成时限", "截止日期", "条款编号")
#: Column widths in the .xlsx (characters).
WIDTHS = (36, 12, 28, 10, 48, 8, 20, 12, 30)
#: The web table's columns: what the item asks, of whom and by when first (a phone shows the first two or
#: three; the rest scroll in the table's box); the clause id stays last (a click opens it).
VIEW_COLUMNS = ("工作事项", "角色", "完成时限", "条目", "通知", "日期", "章节", "截止日期", "条款编号")


@dataclass(frozen=True)
class Task:
    """One item a department leads or supports."""

    notice: str
    date: str
    section: str
    label: str
    title: str
    role: str
    deadline: str
    due: str
    chunk_id: str

    def row(self) -> list[str]:
        """The task as a row of :data:`COLUMNS`."""
        return [self.notice, self.date, self.section, self.label, self.title, self.role, self.deadline, self.due,
                self.chunk_id]  # fmt: skip

    def view_row(self) -> list[str]:
        """The task as a row of :data:`VIEW_COLUMNS` (the web table)."""
        return [self.title, self.role, self.deadline, self.label, self.notice, self.date, self.section, self.due,
                self.chunk_id]  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


def departments(chunks: Iterable[Chunk], places: DepartmentPlaces | None = None) -> list[str]:
    """Every department named as lead or support, once, in its canonical form; generic units left out.

    With ``places`` (a library of several places), each as its place's: "市发展改革委（汉中市）".
    """
    named = {(c.doc_id, d) for c in chunks for d in lead_names([*c.lead, *c.support])}
    return sorted({places.display(doc, d) if places else d for doc, d in named})


def department_tasks(
    chunks: Iterable[Chunk], department: str, role: str = "", doc_id: str = "", places: DepartmentPlaces | None = None
) -> list[Task]:
    """The items ``department`` (any of its names) leads or supports, in corpus order.

    Args:
        chunks: The chunks to look through (a store's ``all_chunks()``).
        department: Any name of the department; with its place ("市发展改革委（汉中市）") only
            that place's, else every place's.
        role: "牵头" or "配合" to keep one role only; "" for both.
        doc_id: One notice's items only; "" for every notice.
        places: The places of the library's departments (needed to tell them apart).

    Raises:
        ValueError: for a role that is neither.
    """
    if role not in ("", LEAD, SUPPORT):
        raise ValueError(f"role {role!r}: use {LEAD!r}, {SUPPORT!r} or '' for both")
    name, place = places.parse(department) if places else (department.strip(), "")
    wanted = canonical(name)
    out = []
    for chunk in chunks:
        if doc_id and chunk.doc_id != doc_id:
            continue
        if place and places is not None and places.place(chunk.doc_id, wanted) != place:
            continue
        if wanted in lead_names(chunk.lead):
            found = LEAD
        elif wanted in lead_names(chunk.support):
            found = SUPPORT
        else:
            continue
        if role and found != role:
            continue
        out.append(
            Task(
                chunk.title or chunk.notice_title,
                chunk.date or "",
                " › ".join(chunk.section),
                cite_label(chunk.label) if chunk.label else "",
                _title(chunk),
                found,
                chunk.deadline or "",
                chunk.due or "",
                chunk.id,
            )
        )
    return out


def _title(chunk: Chunk) -> str:
    """The item's own title, else its first sentence (at most 60 characters)."""
    title = item_title(chunk)
    if title:
        return title
    first = (sentences(chunk.text) or [chunk.text])[0]
    return first if len(first) <= 60 else first[:59] + "…"


def write_xlsx(tasks: list[Task], department: str, path: Path) -> Path:
    """Write the list as an .xlsx: one row per item under a frozen header, columns sized to read."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(department)
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for task in tasks:
        append_text_row(sheet, task.row())  # a notice's "=HYPERLINK(…)" stays text
    sheet.freeze_panes = "A2"
    for n, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(n)].width = width
    book.save(path)
    return path
