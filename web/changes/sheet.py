"""A comparison as a printed table (.xlsx): one row per item, the changed words marked in colour.

The 修改之处 column spells the difference out in plain text too ("[-删去的字-][+新增的字+]"), so it
survives a copy into a 通知 or a print in black and white; in Excel the deleted words are red and
struck through, the added ones green and underlined.
"""

from __future__ import annotations

from pathlib import Path

from web.changes.compare import Comparison
from web.changes.status import Change, Segment
from web.sheets import PrintedTable, write_table_xlsx

#: The table's columns.
COLUMNS = ("序号", "状态", "其他变化", "往年条目", "往年内容", "本次条目", "本次内容", "修改之处",
           "牵头单位（往年→本次）", "完成时限（往年→本次）")  # fmt: skip
WIDTHS = (6, 7, 12, 12, 40, 12, 40, 44, 22, 18)
#: The column of the character diff (1-based, as Excel counts).
DIFF_COLUMN = 8
DELETED, ADDED = "FFC00000", "FF00803C"


def plain_diff(segments: tuple[Segment, ...]) -> str:
    """The character diff as plain text: deletions in [-…-], additions in [+…+].

    >>> plain_diff((Segment("=", "向"), Segment("-", "工商"), Segment("+", "市场")))
    '向[-工商-][+市场+]'
    """
    marks = {"=": "{}", "-": "[-{}-]", "+": "[+{}+]"}
    return "".join(marks[s.op].format(s.text) for s in segments)


def _pair(before: str, after: str) -> str:
    return before if before == after else f"{before or '—'} → {after or '—'}"


def row_of(n: int, change: Change) -> list[object]:
    """One row of :data:`COLUMNS`."""
    b, a = change.before, change.after
    lead = _pair("、".join(b.chunk.lead) if b else "", "、".join(a.chunk.lead) if a else "")
    deadline = _pair((b.chunk.deadline or "") if b else "", (a.chunk.deadline or "") if a else "")
    return [n, change.status, "、".join(change.changes), b.heading if b else "", b.body if b else "",
            a.heading if a else "", a.body if a else "", plain_diff(change.diff), lead, deadline]  # fmt: skip


def comparison_table(comparison: Comparison) -> PrintedTable:
    """The comparison as a printed table, titled by the two notices."""
    before, after = comparison.before, comparison.after
    title = f"《{after.title}》与《{before.title}》对比"
    dated = [
        f"{side}：{s.date or '日期不详'} {s.doc_number}".strip() for side, s in (("往年", before), ("本次", after))
    ]
    subtitle = "；".join(dated) + "；"
    rows = [row_of(n, c) for n, c in enumerate(comparison.rows, 1)]
    return PrintedTable(title, subtitle + comparison.summary(), COLUMNS, rows, WIDTHS, "对比", 2)


def write_comparison_xlsx(comparison: Comparison, path: Path) -> Path:
    """Write the table, then colour the 修改之处 cells (rich text: red struck deletions, green underlined additions)."""
    from openpyxl import load_workbook
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    write_table_xlsx(comparison_table(comparison), path)
    book = load_workbook(path)
    sheet = book.active
    fonts = {"-": InlineFont(color=DELETED, strike=True), "+": InlineFont(color=ADDED, u="single")}
    for offset, change in enumerate(comparison.rows):
        if not change.diff:
            continue
        runs = [s.text if s.op == "=" else TextBlock(fonts[s.op], s.text) for s in change.diff if s.text]
        sheet.cell(row=4 + offset, column=DIFF_COLUMN).value = CellRichText(runs)
    book.save(path)
    return path
