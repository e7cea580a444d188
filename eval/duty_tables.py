"""Write a task-table spec (``eval/duties/tables.json``) as a .docx, .xlsx or .html file.

A spec: ``name``, ``format``, ``title``, ``header`` (column names), ``rows`` (each either
``{"category": text}``, a row merged across the table, or ``{"cells": [...], "task", "lead",
"support", "deadline", "due"}``: the cells as the file shows them and the gold reading),
``repeat_header_at`` (row positions before which the header is repeated, as on a new page)
and ``merge_down`` (columns whose equal consecutive cells are merged vertically).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any


def _grid(table: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """("header" | "category" | "row", cells) in file order."""
    width = len(table["header"])
    out: list[tuple[str, list[str]]] = [("header", table["header"])]
    repeat = set(table.get("repeat_header_at", []))
    for i, row in enumerate(table["rows"]):
        if i in repeat:
            out.append(("header", table["header"]))
        if "category" in row:
            out.append(("category", [row["category"]] * width))
        else:
            out.append(("row", row["cells"]))
    return out


def _runs(grid: list[tuple[str, list[str]]], column: int) -> dict[int, int]:
    """Row position → how many rows below it share its cell in ``column`` (vertical merges)."""
    spans: dict[int, int] = {}
    i = 0
    while i < len(grid):
        kind, cells = grid[i]
        j = i + 1
        if kind == "row":
            while j < len(grid) and grid[j][0] == "row" and grid[j][1][column] == cells[column]:
                j += 1
        spans[i] = j - i
        i = j
    return spans


def write_table(table: dict[str, Any], folder: Path) -> Path:
    """Write one table file into ``folder`` and return its path."""
    path = folder / f"{table['name']}.{table['format']}"
    writer = {"docx": _docx, "xlsx": _xlsx, "html": _html}[table["format"]]
    writer(table, _grid(table), path)
    return path


def _docx(table: dict[str, Any], grid: list[tuple[str, list[str]]], path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph(table["title"])
    width = len(table["header"])
    out = document.add_table(rows=len(grid), cols=width)
    for r, (kind, cells) in enumerate(grid):
        if kind == "category":
            merged = out.cell(r, 0).merge(out.cell(r, width - 1))
            merged.text = cells[0]
            continue
        for c, text in enumerate(cells):
            out.cell(r, c).text = text
    for column in table.get("merge_down", []):
        for start, length in _runs(grid, column).items():
            if length > 1:
                text = grid[start][1][column]
                merged = out.cell(start, column).merge(out.cell(start + length - 1, column))
                merged.text = text
    document.save(str(path))


def _xlsx(table: dict[str, Any], grid: list[tuple[str, list[str]]], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    width = len(table["header"])
    sheet.append([table["title"]])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    for kind, cells in grid:
        if kind == "category":
            sheet.append([cells[0]])
            sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=width)
        else:
            sheet.append([int(c) if c.isdigit() else (c or None) for c in cells])
    for column in table.get("merge_down", []):
        for start, length in _runs(grid, column).items():
            if length > 1:
                row = start + 2  # the title row, then 1-based rows
                end = row + length - 1
                sheet.merge_cells(start_row=row, start_column=column + 1, end_row=end, end_column=column + 1)
    book.save(str(path))


def _html(table: dict[str, Any], grid: list[tuple[str, list[str]]], path: Path) -> None:
    e = html.escape
    width = len(table["header"])
    spans = {column: _runs(grid, column) for column in table.get("merge_down", [])}
    covered: set[tuple[int, int]] = set()
    for column, runs in spans.items():
        for start, length in runs.items():
            covered |= {(start + k, column) for k in range(1, length)}
    rows = []
    for r, (kind, cells) in enumerate(grid):
        if kind == "category":
            rows.append(f"<tr><td colspan='{width}'>{e(cells[0])}</td></tr>")
            continue
        tag = "th" if kind == "header" else "td"
        parts = []
        for c, text in enumerate(cells):
            if (r, c) in covered:
                continue
            span = spans.get(c, {}).get(r, 1)
            attr = f" rowspan='{span}'" if span > 1 else ""
            parts.append(f"<{tag}{attr}>{e(text)}</{tag}>")
        rows.append("<tr>" + "".join(parts) + "</tr>")
    body = f"<h2>{e(table['title'])}</h2><table>{''.join(rows)}</table>"
    path.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
