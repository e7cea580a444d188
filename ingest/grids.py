"""Tables as grids: .docx and HTML tables and .xlsx sheets, one row a line, cells aligned.

Every grid cell is kept (merged cells repeated in each position they cover, empty cells as
""), so :mod:`ingest.tables` can read columns by position.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ingest import bounds


class GridReadError(Exception):
    """A spreadsheet that cannot be read; the message names the file and the reason."""


def docx_rows(table: Any) -> Iterator[str]:
    """Rows of a .docx table: every grid cell (python-docx repeats merged cells), empty ones kept."""
    for row in table.rows:
        cells = [" ".join(cell.text.split()) for cell in row.cells]
        if any(cells):
            yield " | ".join(cells)


def html_grid(table: Any) -> list[list[str]]:
    """The cells of an HTML table as a grid: rowspan/colspan cells repeated where they reach."""
    grid: dict[tuple[int, int], str] = {}
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            while (r, c) in grid:
                c += 1
            text = " ".join(cell.get_text(" ").split())
            for dr in range(_span(cell.get("rowspan"))):
                for dc in range(_span(cell.get("colspan"))):
                    grid[(r + dr, c + dc)] = text
            c += _span(cell.get("colspan"))
    width = max((c for _, c in grid), default=-1) + 1
    out = []
    for r in range(len(rows)):
        cells = [grid.get((r, c), "") for c in range(width)]
        if any(cells):
            out.append(cells)
    return out


def _span(value: Any) -> int:
    try:
        return max(1, min(int(str(value)), 100))
    except (TypeError, ValueError):
        return 1


def read_xlsx(path: Path) -> str:
    """Read an .xlsx workbook: per sheet its name (unless a default "Sheet1") and its rows.

    Merged ranges carry their value into every cell they cover; empty rows are skipped.
    """
    from openpyxl import load_workbook

    with path.open("rb") as handle:
        if handle.read(4) != b"PK\x03\x04":
            raise GridReadError(f"{path}: not an .xlsx (an .xlsx is a ZIP archive; this file is something else)")
    bounds.check_zip(path, ".xlsx")  # from the ZIP directory, before anything is inflated
    try:
        _check_rows(path)
        workbook = load_workbook(str(path), data_only=True)
    except bounds.LimitError:
        raise
    except Exception as exc:  # corrupt archives raise many kinds: zip, XML, KeyError …
        raise GridReadError(f"{path}: not a readable .xlsx ({type(exc).__name__}: {exc})") from exc
    lines: list[str] = []
    for sheet in workbook.worksheets:
        values = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        merged = [(m.min_row - 1, m.max_row, m.min_col - 1, m.max_col) for m in sheet.merged_cells.ranges]
        lines += sheet_lines(sheet.title, values, merged)
    workbook.close()
    return "\n".join(lines)


def sheet_lines(title: str, values: list[list[str]], merged: list[tuple[int, int, int, int]]) -> list[str]:
    """One sheet as lines: its name (unless a default "Sheet1"), a title row alone, then each row's cells.

    ``merged`` holds the merged ranges as 0-based, end-exclusive (first row, end row, first column,
    end column): a range's value fills every cell it covers. Empty rows are skipped; a row with
    one distinct value above the table is a title line; table rows join their cells with " | ".

    >>> rows = [["全国成人高等学校名单", ""], ["序号", "学校名称"], ["1", "北京市海淀区职工大学"]]
    >>> sheet_lines("名单", rows, [(0, 1, 0, 2)])
    ['名单', '全国成人高等学校名单', '序号 | 学校名称', '1 | 北京市海淀区职工大学']
    """
    for first_row, end_row, first_col, end_col in merged:
        first = values[first_row][first_col] if first_row < len(values) and first_col < len(values[first_row]) else ""
        for r in range(first_row, min(end_row, len(values))):
            for c in range(first_col, min(end_col, len(values[r]))):
                values[r][c] = first
    lines = [] if re.fullmatch(r"Sheet\d*|工作表\d*", title) else [title]
    in_table = False
    for cells in values:
        filled = [c for c in cells if c]
        if not filled:
            continue
        if len(set(filled)) == 1 and not in_table:
            lines.append(filled[0])  # a title row above the table (often merged across it)
        else:
            in_table = in_table or len(set(filled)) > 1
            lines.append(" | ".join(cells))
    return lines


#: Any namespace: transitional and strict OOXML name the same elements differently.
_ANY = "{*}"


def _check_rows(path: Path) -> None:
    """Count the workbook's rows from the sheets' XML, stopping one row past the limit.

    Only ``<row>`` elements are counted, streaming: no cell, no shared string is read (openpyxl's
    own read-only mode loads every shared string first: 4.5 s for 20,000 rows of a 300,000-row
    bomb, against 0.1 s here).

    Raises:
        ingest.bounds.LimitError: over the row limit, naming the sheet.
    """
    from lxml import etree

    limit, rows = bounds.current().max_sheet_rows, 0
    with zipfile.ZipFile(path) as archive:
        for title, part in _sheet_parts(archive):
            with archive.open(part) as stream:
                for _, element in etree.iterparse(stream, tag=f"{_ANY}row", resolve_entities=False, no_network=True):
                    rows += 1
                    element.clear()
                    if rows > limit:
                        bounds.check_count(f"{path} (sheet {title})", "rows", rows, limit)


def _sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """Each worksheet's title and its part in the archive, in the workbook's order."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    workbook = etree.fromstring(archive.read("xl/workbook.xml"), parser)
    rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"), parser)
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_ANY}Relationship")}
    parts = []
    for sheet in workbook.iter(f"{_ANY}sheet"):
        rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), "")
        target = targets.get(rid, "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        if part in archive.namelist():
            parts.append((sheet.get("name", part), part))
    return parts


def _cell_text(value: Any) -> str:
    """A cell value as text: whole numbers without ".0", dates as ISO, text with white space folded."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return " ".join(str(value).split())
