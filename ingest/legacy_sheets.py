"""Excel 97–2003 (.xls) and WPS Spreadsheets (.et) workbooks, read with xlrd.

Both are OLE2 compound files holding BIFF records; xlrd reads both (an .et saved by WPS is BIFF8).
The workbook is opened sheet by sheet (``on_demand``) and its rows are counted against the row
limit of :mod:`ingest.bounds` before any cell is turned into text; the sheet's lines are made as
an .xlsx sheet's are (:func:`ingest.grids.sheet_lines`): merged ranges filled, a title row alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ingest import bounds
from ingest.grids import GridReadError, _cell_text, sheet_lines

#: The first bytes of an OLE2 compound file (.xls, .et, .doc, .wps).
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_xls(path: Path) -> str:
    """Read an .xls or .et workbook: per sheet its name (unless a default "Sheet1") and its rows.

    Raises:
        GridReadError: if the file is not an OLE2 workbook xlrd can read.
        ingest.bounds.LimitError: past the row limit, naming the sheet.
    """
    import xlrd

    with path.open("rb") as handle:
        if handle.read(8) != OLE2:
            raise GridReadError(f"{path}: not an Excel 97 / WPS workbook (no OLE2 header)")
    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True, logfile=_Quiet())
    except Exception as exc:  # xlrd raises its own errors, struct errors, and more on a damaged file
        raise GridReadError(f"{path}: not a readable {path.suffix.lower()} ({type(exc).__name__}: {exc})") from exc
    limit, rows = bounds.current().max_sheet_rows, 0
    lines: list[str] = []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            rows += sheet.nrows
            bounds.check_count(path, f"rows of sheet {sheet.name!r} and those before it", rows, limit)
            values = [[_value(book, cell) for cell in sheet.row(r)] for r in range(sheet.nrows)]
            lines += sheet_lines(sheet.name, values, list(sheet.merged_cells))
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return "\n".join(lines)


def _value(book: Any, cell: Any) -> str:
    """A cell as text: dates as ISO dates, whole numbers without ".0"."""
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate_as_datetime(cell.value, book.datemode).date().isoformat()
        except (ValueError, OverflowError):
            return _cell_text(cell.value)
    if cell.ctype in (xlrd.XL_CELL_ERROR, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_EMPTY):
        return ""
    return _cell_text(cell.value)


class _Quiet:
    """xlrd's log sink: its warnings about a file's oddities are not the reader's to print."""

    def write(self, _text: str) -> int:
        """Discard a line."""
        return 0
