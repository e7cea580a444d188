"""The library overview: departments × notices, how many items each department leads and supports in each.

The 督查 office's first page of a year: who carries the load, and in which notices. A cell counts
exactly the items :func:`web.tasks.department_tasks` lists for that department and notice (a
department named as lead is counted as lead only), so every number opens the list behind it.
Departments are in their canonical form, with their place in a library of several places;
generic units (各有关部门) are no department.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.reading.places import DepartmentPlaces
from index.stores.base import NoticeInfo
from ingest import Chunk
from ingest.departments import lead_names
from web.cells import append_text_row
from web.tasks import LEAD, SUPPORT

#: The columns before the notices': the key ones, first, so a narrow screen shows them.
KEY_COLUMNS = ("部门", "牵头", "配合", "通知数")
#: A notice's column title in the web table: the document's own title (not the 通知 line around it), cut to
#: this many characters; the header wraps, and the .xlsx has the whole title.
SHORT_TITLE = 24


@dataclass
class DepartmentRow:
    """One department: its totals and its (lead, support) counts per notice doc_id."""

    department: str
    lead: int = 0
    support: int = 0
    cells: dict[str, list[int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: totals, then ``notices: {doc_id: {"lead", "support"}}``."""
        notices = {doc: {"lead": lead, "support": support} for doc, (lead, support) in self.cells.items()}
        return {"department": self.department, "lead": self.lead, "support": self.support, "notices": notices}


@dataclass
class Overview:
    """The whole table: the notices (in library order) and the departments (most items led first)."""

    notices: list[NoticeInfo]
    rows: list[DepartmentRow]
    #: doc_id → the titles of the documents the notice carries ("2024年汉中市推进政府职能转变工作要点"),
    #: what tells notices apart where their 通知 lines all begin with the same issuer
    titles: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, as ``GET /api/overview`` returns it."""
        return {
            "notices": [{"doc_id": n.doc_id, "title": n.title, "date": n.date} for n in self.notices],
            "departments": [row.to_dict() for row in self.rows],
        }

    def headers(self) -> list[str]:
        """The web table's column titles: the key columns, then each notice's short title (unique)."""
        seen: dict[str, int] = {}
        out = list(KEY_COLUMNS)
        for notice in self.notices:
            title = self.titles.get(notice.doc_id) or notice.title
            short = title if len(title) <= SHORT_TITLE else title[: SHORT_TITLE - 1] + "…"
            seen[short] = seen.get(short, 0) + 1
            out.append(short if seen[short] == 1 else f"{short}（{seen[short]}）")
        return out

    def table(self) -> list[list[Any]]:
        """The web table's rows: a notice cell reads "牵头 2 · 配合 1" (empty when neither)."""
        cells = [[_cell(row.cells.get(n.doc_id)) for n in self.notices] for row in self.rows]
        return [[r.department, r.lead, r.support, len(r.cells), *c] for r, c in zip(self.rows, cells, strict=True)]

    def at(self, row: int, column: int) -> tuple[str, str]:
        """The (department, doc_id) behind a web table cell; doc_id "" for the key columns.

        Raises:
            IndexError: for a cell outside the table.
        """
        if not 0 <= row < len(self.rows) or not 0 <= column < len(KEY_COLUMNS) + len(self.notices):
            raise IndexError(f"no cell ({row}, {column}) in the overview")
        notice = self.notices[column - len(KEY_COLUMNS)].doc_id if column >= len(KEY_COLUMNS) else ""
        return self.rows[row].department, notice


def _cell(counts: Sequence[int] | None) -> str:
    if not counts:
        return ""
    parts = [f"{LEAD} {counts[0]}" if counts[0] else "", f"{SUPPORT} {counts[1]}" if counts[1] else ""]
    return " · ".join(p for p in parts if p)


def build_overview(
    chunks: Iterable[Chunk], notices: Sequence[NoticeInfo], places: DepartmentPlaces | None = None
) -> Overview:
    """Count each department's led and supported items per notice (one pass over the chunks).

    With ``places`` (a library of several places), a department is its place's: 汉中's and
    湘潭's 市发展改革委 are two rows.
    """
    rows: dict[str, DepartmentRow] = {}
    titles: dict[str, list[str]] = {}
    for chunk in chunks:
        own = titles.setdefault(chunk.doc_id, [])
        if chunk.title and chunk.title != chunk.notice_title and chunk.title not in own:
            own.append(chunk.title)
        leads = set(lead_names(chunk.lead))
        for department, role in [(d, 0) for d in leads] + [(d, 1) for d in set(lead_names(chunk.support)) - leads]:
            shown = places.display(chunk.doc_id, department) if places else department
            row = rows.setdefault(shown, DepartmentRow(shown))
            row.cells.setdefault(chunk.doc_id, [0, 0])[role] += 1
            if role == 0:
                row.lead += 1
            else:
                row.support += 1
    ordered = sorted(rows.values(), key=lambda r: (-r.lead, -r.support, r.department))
    return Overview(list(notices), ordered, {doc: " / ".join(own) for doc, own in titles.items() if own})


def write_overview_xlsx(overview: Overview, path: Path) -> Path:
    """The overview as an .xlsx: two header rows (each notice's full title over 牵头 | 配合), totals first."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "部门总览"
    first = len(KEY_COLUMNS) + 1
    append_text_row(sheet, [*KEY_COLUMNS, *(v for n in overview.notices for v in (n.title, ""))])
    append_text_row(sheet, ["", "", "", "", *(v for _ in overview.notices for v in (LEAD, SUPPORT))])
    for row in overview.rows:
        counts = [c or None for n in overview.notices for c in row.cells.get(n.doc_id, [0, 0])]
        append_text_row(sheet, [row.department, row.lead, row.support, len(row.cells), *counts])
    for column in range(1, first):
        sheet.merge_cells(start_row=1, end_row=2, start_column=column, end_column=column)
    for i in range(len(overview.notices)):
        sheet.merge_cells(start_row=1, end_row=1, start_column=first + 2 * i, end_column=first + 2 * i + 1)
    for cell in [*sheet[1], *sheet[2]]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 60
    sheet.column_dimensions["A"].width = 24
    for column in range(2, first + 2 * len(overview.notices)):
        sheet.column_dimensions[get_column_letter(column)].width = 7 if column < first else 9
    sheet.freeze_panes = sheet.cell(row=3, column=first)
    book.save(path)
    return path
