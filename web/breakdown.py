"""A notice's 任务分解表: one row per item with a duty note, as .xlsx for printing and as a .docx table.

When a 工作要点 or 工作方案 arrives, staff turn it into a breakdown table (序号, 工作任务, 牵头单位,
配合单位, 完成时限) by hand. Every field is already read (ingest's duty notes, task tables and
deadlines), so the table is made from the notice's chunks: the items that name a lead or
supporting unit or a time limit, in document order, grouped under the notice's parts (一、…,
四、保障措施), as offices lay the table out. 工作任务 is the item without its duty note (the note's
units and limit have their own columns). The title is the document's own (《…工作要点》任务分解表),
with its 文号, issuer and date under it; both files print through :mod:`web.sheets` (A4
landscape, the header on every page, page numbers). Every cell is text, never a formula.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from index.stores.base import NoticeInfo
from ingest import Chunk
from ingest.duties import without_notes
from web.sheets import PrintedTable, write_table_docx, write_table_xlsx

#: The table's columns, as offices write them.
COLUMNS = ("序号", "条目", "工作任务", "牵头单位", "配合单位", "完成时限")
#: Column widths in the .xlsx (characters); together they fill an A4 landscape page.
WIDTHS = (6, 10, 70, 24, 28, 16)
#: The longest document title a file name carries (80 CJK characters are 240 of a name's 255 bytes).
MAX_FILE_TITLE = 60


@dataclass(frozen=True)
class BreakdownRow:
    """One item of the breakdown table.

    ``task`` is the item without its duty note; ``part`` the notice's part it belongs to
    ("四、保障措施"), "" for an item outside any.
    """

    number: int
    label: str
    task: str
    lead: str
    support: str
    deadline: str
    chunk_id: str
    part: str = ""

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
        part = chunk.section[0] if chunk.section else ""
        rows.append(BreakdownRow(len(rows) + 1, label, without_notes(chunk.text), lead, support, chunk.deadline or "",
                                 chunk.id, part))  # fmt: skip
    return rows


def document_title(info: NoticeInfo, chunks: Sequence[Chunk]) -> str:
    """The title of the document(s) the notice issues ("2024年…工作要点"), not of the 通知 that issues it.

    Several documents issued by one notice are joined as "《甲》《乙》" reads: "甲》《乙".
    """
    own = [t for t in dict.fromkeys(c.title for c in chunks if c.kind == "item") if t and t != info.title]
    return "》《".join(own) if own else info.title


def file_title(info: NoticeInfo, chunks: Sequence[Chunk]) -> str:
    """The document's title as a file name part: whole (the first document's, "等" for more), no path characters.

    >>> from index.stores.base import NoticeInfo
    >>> file_title(NoticeInfo("x", "关于印发《某县停车治理工作方案》的通知", "", "", 0, ()), [])
    '某县停车治理工作方案'
    """
    titles = document_title(info, chunks).split("》《")
    title = titles[0]
    if title == info.title and (quoted := re.search(r"《([^《》]+)》", title)):
        title = quoted.group(1)
    title = re.sub(r'[\\/:*?"<>|\s]+', "_", title).strip("._") or info.doc_id
    title = title[:MAX_FILE_TITLE]  # a title this long is rare; a file name must stay under 255 bytes
    return title + ("等" if len(titles) > 1 else "")


def breakdown_table(info: NoticeInfo, chunks: Sequence[Chunk], rows: Sequence[BreakdownRow]) -> PrintedTable:
    """The printed table: 《title》任务分解表, the 文号, issuer and date under it, rows grouped by part."""
    numbers = [c.doc_number for c in chunks if c.doc_number]
    under = "　".join(part for part in (numbers[0] if numbers else "", info.issuer, info.date) if part)
    body: list[Sequence[str] | str] = []
    previous = ""
    for row in rows:
        if row.part and row.part != previous:
            body.append(row.part)  # a group row: the part's heading, across the table
        previous = row.part
        body.append(row.cells())
    return PrintedTable(f"《{document_title(info, chunks)}》任务分解表", under, COLUMNS, body, WIDTHS,
                        sheet="任务分解表", centred=2)  # fmt: skip


def write_breakdown_xlsx(
    info: NoticeInfo, rows: Sequence[BreakdownRow], path: Path, chunks: Sequence[Chunk] = ()
) -> Path:
    """The table as an .xlsx laid out for printing (:func:`web.sheets.write_table_xlsx`).

    ``chunks`` (the notice's) give the document's own title and its 文号; without them the title is the notice's.
    """
    return write_table_xlsx(breakdown_table(info, chunks, rows), path)


def write_breakdown_docx(
    info: NoticeInfo, rows: Sequence[BreakdownRow], path: Path, chunks: Sequence[Chunk] = ()
) -> Path:
    """The table as a .docx (:func:`web.sheets.write_table_docx`); ``chunks`` as for :func:`write_breakdown_xlsx`."""
    return write_table_docx(breakdown_table(info, chunks, rows), path)
