"""The types the numbering tree and the task-table reader share: a cleaned line, and a task table's row."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class TaskRow:
    """One task of a task table, read by column role.

    Attributes:
        cells: The row's cells as read.
        number: The 序号 cell ("" when the table has none).
        task: The task cell(s), joined by a space.
        lead: The lead cell as written.
        support: The support cell as written.
        responsible: The responsible (责任单位) cell as written.
        deadline: The deadline cell as written.
        category: The category cell as written.
        has_lead_column: The table has a 牵头 column (so 责任单位 means support).
    """

    cells: list[str]
    number: str = ""
    task: str = ""
    lead: str = ""
    support: str = ""
    responsible: str = ""
    deadline: str = ""
    category: str = ""
    has_lead_column: bool = False


@dataclass
class Line:
    """A cleaned input line; ``md_level`` marks Markdown headings ("# title" is 1, "## …" 2)."""

    text: str
    md_level: int = 0  # 1 for "# title", 2 for "## heading" …
    row: TaskRow | None = None  # a task table's row (see ingest.tables)
    table: int = 0  # which task table of the document, from 1
    category: str = ""  # the merged category row above it in its table
