"""Spreadsheet cells that are data, never code: every export (task lists, citations) writes through here.

A notice's text is untrusted: an item that begins ``=HYPERLINK("http://…","x")`` must not become
a live formula in the .xlsx or in a CSV opened by a spreadsheet program (OWASP, "CSV Injection").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

#: What a spreadsheet program reads as the start of a formula (OWASP's list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]+")


def csv_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text: a string starting a formula gets a leading "'".

    >>> csv_cell("=1+2"), csv_cell("@SUM(A1)"), csv_cell("-1"), csv_cell("推进"), csv_cell(3)
    ("'=1+2", "'@SUM(A1)", "'-1", '推进', 3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_rows(rows: Iterable[Sequence[Any]]) -> list[list[Any]]:
    """Rows with every cell through :func:`csv_cell`."""
    return [[csv_cell(v) for v in row] for row in rows]


def sheet_title(name: str, fallback: str = "任务") -> str:
    """A valid worksheet title: none of the characters Excel forbids (``[]:*?/`` and backslash), ≤ 31, never empty.

    >>> sheet_title("市发改委/市财政局: [专项]"), sheet_title("???")
    ('市发改委 市财政局 专项', '任务')
    """
    title = " ".join(_SHEET_FORBIDDEN.sub(" ", name).split())[:31].strip()
    return title or fallback


def append_text_row(sheet: Any, row: Sequence[Any]) -> None:
    """Append a row to an openpyxl sheet with every string cell stored as text, never as a formula."""
    sheet.append(list(row))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"  # openpyxl marks "=…" as a formula ("f"); a string is written as text
