"""A notice's 任务分解表: one row per item with a duty note, as .xlsx for printing and as a .docx table.

When a 工作要点 or 工作方案 arrives, staff turn it into a breakdown table (序号, 工作任务, 牵头单位,
配合单位, 完成时限) by hand. Every field is already read (ingest's duty notes, task tables and
deadlines), so the table is made from the notice's chunks: the items that name a lead or
supporting unit or a time limit, in document order. The .xlsx prints on A4 landscape with the
header row repeated on every page, wrapped text and the notice's title and date above; the
.docx is a table staff can paste into their own 通知. Every cell is text, never a formula.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from index.stores.base import NoticeInfo
from ingest import Chunk
from web.cells import append_text_row, sheet_title

#: The table's columns, as offices write them.
COLUMNS = ("序号", "条目", "工作任务", "牵头单位", "配合单位", "完成时限")
#: Column widths in the .xlsx (characters); together they fill an A4 landscape page.
WIDTHS = (6, 10, 70, 24, 28, 16)


@dataclass(frozen=True)
class BreakdownRow:
    """One item of the breakdown table."""

    number: int
    label: str
    task: str
    lead: str
    support: str
    deadline: str
    chunk_id: str

    def cells(self) -> list[str]:
        """The row as :data:`COLUMNS` (text)."""
        return [str(self.number), self.label, self.task, self.lead, self.support, self.deadline]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


def breakdown_dict(info: NoticeInfo, chunks: Sequence[Chunk]) -> dict[str, Any]:
    """The table as JSON (``GET /api/notices/{doc_id}/breakdown`` and the MCP tool): the notice, columns, rows."""
    return {"notice": info.to_dict(), "columns": list(COLUMNS), "rows": [r.to_dict() for r in breakdown_rows(chunks)]}


def breakdown_rows(chunks: Sequence[Chunk]) -> list[BreakdownRow]:
    """The items of one notice that carry a duty note (a lead, a supporting unit or a time limit), numbered."""
    rows = []
    for chunk in chunks:
        if chunk.kind != "item" or not (chunk.lead or chunk.support or chunk.deadline):
            continue
        section = chunk.section[-1].split("、")[0] + "、" if chunk.section and "、" in chunk.section[-1] else ""
        lead, support = "、".join(chunk.lead), "、".join(chunk.support)
        label = f"{section}{chunk.label}"
        rows.append(BreakdownRow(len(rows) + 1, label, chunk.text, lead, support, chunk.deadline or "", chunk.id))
    return rows


def _heading(info: NoticeInfo) -> tuple[str, str]:
    """The title line and the line under it (issuer and date, as known)."""
    under = "　".join(part for part in (info.issuer, info.date) if part)
    return info.title, under


def write_breakdown_xlsx(info: NoticeInfo, rows: Sequence[BreakdownRow], path: Path) -> Path:
    """The table as an .xlsx laid out for printing: A4 landscape, fit to width, header repeated, text wrapped."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(f"任务分解表 {info.doc_id}")
    title, under = _heading(info)
    append_text_row(sheet, [f"{title} 任务分解表"])
    append_text_row(sheet, [under])
    append_text_row(sheet, list(COLUMNS))
    for row in rows:
        append_text_row(sheet, row.cells())
    last = get_column_letter(len(COLUMNS))
    sheet.merge_cells(f"A1:{last}1")
    sheet.merge_cells(f"A2:{last}2")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center", wrap_text=True)
    sheet["A2"].alignment = Alignment(horizontal="center")
    thin = Side(style="thin")
    for line in sheet.iter_rows(min_row=3, max_row=sheet.max_row):
        for cell in line:
            centred = "center" if cell.column <= 2 else None
            cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal=centred)
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            if cell.row == 3:
                cell.font = Font(bold=True)
    for n, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(n)].width = width
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "3:3"
    sheet.freeze_panes = "A4"
    book.save(path)
    return path


def write_breakdown_docx(info: NoticeInfo, rows: Sequence[BreakdownRow], path: Path) -> Path:
    """The table as a .docx: a landscape page, the title and date, a bordered table whose header repeats."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    title, under = _heading(info)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.add_run(f"{title} 任务分解表").bold = True
    if under:
        document.add_paragraph(under).alignment = WD_ALIGN_PARAGRAPH.CENTER
    table = document.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, COLUMNS, strict=True):
        cell.text = name
        cell.paragraphs[0].runs[0].bold = True
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # the header row repeats on every page
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    for row in rows:
        for cell, value in zip(table.add_row().cells, row.cells(), strict=True):
            cell.text = value
    for column, width in zip(table.columns, WIDTHS, strict=True):
        for cell in column.cells:
            cell.width = Cm(width * 0.16)
    document.save(str(path))
    return path
