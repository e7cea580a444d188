"""Department task lists: every item a department leads or supports, across notices, and its .xlsx export.

What a 督查 office asks first: "what does 市数据局 lead, and by when?". A department is
matched by any of its names (市发改委 finds items of 市发展和改革委员会); generic units
(各有关部门) are not departments and have no task list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from index.reading.places import DepartmentPlaces
from index.views import cite_label, item_title, sentences
from ingest import Chunk
from ingest.departments import canonical, lead_names
from ingest.duties import without_notes
from web.sheets import PrintedTable, write_table_xlsx

#: A department's role in an item.
LEAD, SUPPORT = "牵头", "配合"
#: The columns of the exported list (.xlsx, CSV), as staff file it: what the item asks and its clause, the
#: department's role, who leads and who helps, by when; then where it stands. (The clause id is the JSON's.)
COLUMNS = (
    "序号", "工作事项", "条款内容", "角色", "牵头单位", "配合单位",
    "完成时限", "截止日期", "通知", "日期", "章节", "条目",
)  # fmt: skip
#: Column widths in the .xlsx (characters); together they fill an A4 landscape page at print scale.
WIDTHS = (6, 18, 56, 6, 20, 24, 14, 11, 28, 11, 18, 7)
#: The web table's columns: what the item asks, of whom and by when first (a phone shows the first two or
#: three; the rest scroll in the table's box); the clause id stays last (a click opens it).
VIEW_COLUMNS = ("工作事项", "角色", "完成时限", "条目", "通知", "日期", "章节", "截止日期", "条款编号")


@dataclass(frozen=True)
class Task:
    """One item a department leads or supports.

    ``text`` is the clause without its duty note; ``lead`` and ``support`` every unit the note names ("、"-joined).
    """

    notice: str
    date: str
    section: str
    label: str
    title: str
    role: str
    deadline: str
    due: str
    chunk_id: str
    text: str = ""
    lead: str = ""
    support: str = ""

    def row(self, number: int = 0) -> list[Any]:
        """The task as a row of :data:`COLUMNS`, numbered ``number`` (a number, not text)."""
        return [number or None, self.title, self.text, self.role, self.lead, self.support, self.deadline, self.due,
                self.notice, self.date, self.section, self.label]  # fmt: skip

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
        out.append(task_of(chunk, found))
    return out


def task_of(chunk: Chunk, role: str) -> Task:
    """The item ``chunk`` as a :class:`Task` in which its department has ``role`` ("" for none in particular)."""
    return Task(
        chunk.title or chunk.notice_title,
        chunk.date or "",
        " › ".join(chunk.section),
        cite_label(chunk.label) if chunk.label else "",
        _title(chunk),
        role,
        chunk.deadline or "",
        chunk.due or "",
        chunk.id,
        without_notes(chunk.text),
        "、".join(chunk.lead),
        "、".join(chunk.support),
    )


def _title(chunk: Chunk) -> str:
    """The item's own title, else its first sentence (at most 60 characters)."""
    title = item_title(chunk)
    if title:
        return title
    first = (sentences(chunk.text) or [chunk.text])[0]
    return first if len(first) <= 60 else first[:59] + "…"


def tasks_table(tasks: list[Task], department: str) -> PrintedTable:
    """The list as a printed table: "市数据局（汉中市）的工作任务", its counts and date under it."""
    led = sum(t.role == LEAD for t in tasks)
    roles = {t.role for t in tasks}
    what = f"{next(iter(roles))}的工作任务" if len(roles) == 1 else "牵头、配合的工作任务"
    under = f"共 {len(tasks)} 项（牵头 {led} 项，配合 {len(tasks) - led} 项）　导出日期 {date.today().isoformat()}"
    rows = [t.row(n) for n, t in enumerate(tasks, 1)]
    return PrintedTable(f"{department}{what}", under, COLUMNS, rows, WIDTHS, sheet=department, centred=1)


def write_xlsx(tasks: list[Task], department: str, path: Path) -> Path:
    """Write the list as an .xlsx to file and print (:func:`web.sheets.write_table_xlsx`).

    A title row, one row per item with its clause, lead and supporting units; A4 landscape, the
    header on every page, page numbers.
    """
    return write_table_xlsx(tasks_table(tasks, department), path)
