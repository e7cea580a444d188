"""One writer for every printed table the app exports: the 任务分解表, a department's task list, the overview.

Staff file these tables: they print them, paste them into a 通知, hand them to a 督查 office. So
each export has the same frame whatever its rows: a title row and a line under it (issuer, 文号,
date), a bold bordered header that repeats on every printed page, wrapped text, A4 landscape
fitted to the page width, and "第 N 页，共 M 页" in the footer. Cells go through
:func:`web.cells.append_text_row`: a string is text, never a formula; a count stays a number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from web.cells import append_text_row, sheet_title

#: The footer of every printed page, in Excel's header/footer codes (&P the page, &N the pages).
XLSX_FOOTER = "第 &P 页，共 &N 页"


@dataclass(frozen=True)
class PrintedTable:
    """A table with its title, as it is printed.

    Attributes:
        title: The title row ("《2024年…工作要点》任务分解表").
        subtitle: The line under it (文号, issuer, date; "" for none).
        columns: The header.
        rows: The body, one list per row (strings are text; numbers stay numbers); a row that is one
            string is a group heading ("四、保障措施"), written across the table.
        widths: Column widths in characters (one per column).
        sheet: The worksheet's name.
        centred: How many leading columns are centred (序号, 条目).
    """

    title: str
    subtitle: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Any] | str]
    widths: Sequence[int]
    sheet: str = "表"
    centred: int = 0

    def __post_init__(self) -> None:
        wrong = [r for r in self.rows if not isinstance(r, str) and len(r) != len(self.columns)]
        if len(self.widths) != len(self.columns) or wrong:
            raise ValueError("every row and the widths need one value per column")


def print_setup(sheet: Any, header_rows: str) -> None:
    """A4 landscape, fitted to the page width, ``header_rows`` ("3:3") repeated, page numbers in the footer."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = header_rows
    sheet.oddFooter.center.text = XLSX_FOOTER
    sheet.evenFooter.center.text = XLSX_FOOTER


def write_table_xlsx(table: PrintedTable, path: Path) -> Path:
    """The table as an .xlsx: title and subtitle rows merged over the columns, the header on row 3, frozen."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(table.sheet)
    append_text_row(sheet, [table.title])
    append_text_row(sheet, [table.subtitle])
    append_text_row(sheet, list(table.columns))
    groups = []
    for row in table.rows:
        append_text_row(sheet, [row] if isinstance(row, str) else row)
        if isinstance(row, str):
            groups.append(sheet.max_row)
    last = get_column_letter(len(table.columns))
    for line in (1, 2, *groups):
        sheet.merge_cells(f"A{line}:{last}{line}")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center", wrap_text=True)
    sheet.row_dimensions[1].height = 36
    sheet["A2"].alignment = Alignment(horizontal="center")
    thin = Side(style="thin")
    for line in sheet.iter_rows(min_row=3, max_row=sheet.max_row):
        for cell in line:
            centred = "center" if cell.column <= table.centred or cell.row == 3 else None
            cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal=centred)
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            if cell.row == 3 or cell.row in groups:
                cell.font = Font(bold=True)
    for n, width in enumerate(table.widths, 1):
        sheet.column_dimensions[get_column_letter(n)].width = width
    print_setup(sheet, "3:3")
    sheet.freeze_panes = "A4"
    book.save(path)
    return path


def _field(run: Any, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) in ``run``: Word and LibreOffice fill it in when they lay out the page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    begin, instruction, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = f" {code} "
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instruction, end):
        run._r.append(element)


def write_table_docx(table: PrintedTable, path: Path) -> Path:
    """The table as a .docx: landscape A4, title and subtitle, a bordered table whose header repeats, page numbers.

    The footer reads "第 N 页，共 M 页" (Word's PAGE and NUMPAGES fields).
    """
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
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("第 ")
    _field(footer.add_run(), "PAGE")
    footer.add_run(" 页，共 ")
    _field(footer.add_run(), "NUMPAGES")
    footer.add_run(" 页")
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.add_run(table.title).bold = True
    if table.subtitle:
        document.add_paragraph(table.subtitle).alignment = WD_ALIGN_PARAGRAPH.CENTER
    grid = document.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    for cell, name in zip(grid.rows[0].cells, table.columns, strict=True):
        cell.text = name
        cell.paragraphs[0].runs[0].bold = True
    header = grid.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # the header row repeats on every page
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    for row in table.rows:
        cells = grid.add_row().cells
        if isinstance(row, str):  # a group heading across the table
            merged = cells[0].merge(cells[-1])
            merged.text = row
            merged.paragraphs[0].runs[0].bold = True
            continue
        for cell, value in zip(cells, row, strict=True):
            cell.text = "" if value is None else str(value)
    total = sum(table.widths)
    for column, width in zip(grid.columns, table.widths, strict=True):
        for cell in column.cells:
            cell.width = Cm(25.7 * width / total)  # the page's width inside its margins, shared by width
    document.save(str(path))
    return path
