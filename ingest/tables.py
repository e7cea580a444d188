"""Task-division tables (重点任务分工表, 责任分工 annexes): one row, one task with its departments.

Readers write a table row as one line, its cells joined by " | " (every grid cell, merged cells
repeated, empty cells kept). A table is a task table when its header row names a task column
and a lead or responsible column, in any order:

| role | header words (a cell containing one of them) |
|---|---|
| number | 序号, 编号 |
| task | 重点任务, 工作任务, 具体措施, 主要任务, 工作内容, 任务, 措施, 事项 … |
| lead | 牵头单位, 牵头部门, 牵头考核单位, 主责单位 |
| support | 配合单位, 配合部门, 参与单位, 协办单位, 参加单位 |
| responsible | 责任单位, 责任部门 (lead when there is no lead column, else support) |
| deadline | 完成时限, 完成时间, 时间节点, 时限 |
| category | 类别, 领域, 重点领域, 任务类别, 分类 |

Rows below the header are tasks until a line without cells. A row whose cells all hold the
same text (a merged row across the table) is a category heading for the rows below it; a row
that repeats the header (a header repeated on each page) is skipped and kept as metadata.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ingest.departments import split_departments
from ingest.duties import Duties, add_unique, assign_responsible, parse_note
from ingest.lines import Line, TaskRow

CELL_SEP = " | "
_ROLES: list[tuple[str, tuple[str, ...]]] = [
    ("number", ("序号", "编号")),
    ("lead", ("牵头单位", "牵头部门", "牵头责任单位", "牵头考核单位", "主责单位", "主责部门", "牵头")),
    ("support", ("配合单位", "配合部门", "参与单位", "参与部门", "协办单位", "参加单位", "协同单位", "配合")),
    ("responsible", ("责任单位", "责任部门", "责任主体", "实施单位", "承办单位")),
    ("deadline", ("完成时限", "完成时间", "时间节点", "时限", "进度安排", "时间安排", "完成期限")),
    ("category", ("类别", "重点领域", "领域", "任务类别", "分类", "板块")),
    ("task", ("重点任务", "工作任务", "具体措施", "主要任务", "工作内容", "具体任务", "工作措施", "重点工作")),
    ("task", ("任务内容", "改革事项", "工作事项", "任务", "措施", "事项", "内容")),
]


@dataclass
class TableHeader:
    """The column roles of a task table, read from its header row."""

    cells: list[str]
    roles: dict[str, list[int]] = field(default_factory=dict)

    def read(self, cells: list[str]) -> TaskRow:
        """The row's cells by role (a row shorter than the header is padded with empty cells)."""
        cells = cells + [""] * (len(self.cells) - len(cells))

        def joined(role: str) -> str:
            values = [cells[i] for i in self.roles.get(role, []) if i < len(cells) and cells[i]]
            return " ".join(dict.fromkeys(values))

        return TaskRow(
            cells=cells,
            number=joined("number"),
            task=joined("task"),
            lead=joined("lead"),
            support=joined("support"),
            responsible=joined("responsible"),
            deadline=joined("deadline"),
            category=joined("category"),
            has_lead_column="lead" in self.roles,
        )


def split_cells(line: str) -> list[str] | None:
    """The cells of a table row line, or ``None`` for a line that is not a row.

    >>> split_cells("1 | 推进数据共享 | 市数据局 | | 2024年6月底前")
    ['1', '推进数据共享', '市数据局', '', '2024年6月底前']
    >>> split_cells("规范12345热线运行") is None
    True
    """
    if "|" not in line:
        return None
    cells = [c.strip() for c in re.split(r"\s*\|\s*", line)]
    return cells if len(cells) >= 2 else None


def read_header(cells: list[str]) -> TableHeader | None:
    """The column roles of a header row; ``None`` unless it names a task and a lead/responsible column.

    >>> header = read_header(["序号", "重点任务", "牵头单位", "配合单位", "完成时限"])
    >>> header.roles
    {'number': [0], 'task': [1], 'lead': [2], 'support': [3], 'deadline': [4]}
    >>> read_header(["事项", "金额"]) is None
    True
    """
    roles: dict[str, list[int]] = {}
    for i, cell in enumerate(cells):
        text = re.sub(r"\s+", "", cell)
        if not text or len(text) > 12:
            continue
        for role, words in _ROLES:
            if any(word in text for word in words):
                roles.setdefault(role, []).append(i)
                break
    if "task" not in roles or not ({"lead", "responsible"} & roles.keys()):
        return None
    return TableHeader(cells, dict(sorted(roles.items(), key=lambda kv: kv[1][0])))


def is_spanning(cells: list[str]) -> bool:
    """A row whose non-empty cells all hold one text: a merged category row ("一、优化营商环境")."""
    filled = {c for c in cells if c}
    return len(filled) == 1 and len(cells) > 1


def mark_tables(lines: list[Line], header_lines: list[str]) -> list[Line]:
    """Find task tables in a document's lines and mark their rows (``Line.row``).

    Header rows, their repeats on later pages and merged category rows as read are appended to
    ``header_lines`` (the notice's metadata); a category row's text goes into the section of
    the rows below it.
    """
    out: list[Line] = []
    header: TableHeader | None = None
    tables, category = 0, ""
    for ln in lines:
        cells = split_cells(ln.text)
        if cells is None:
            header = None
            out.append(ln)
            continue
        if header is None or _same_cells(cells, header.cells):
            found = read_header(cells)
            if found is None:
                out.append(ln)
                continue
            if header is None:
                tables, category = tables + 1, ""
            header = found
            header_lines.append(ln.text)
            continue
        if is_spanning(cells):
            category = next(c for c in cells if c)
            if ln.text != category:
                header_lines.append(ln.text)
            continue
        out.append(dataclasses.replace(ln, row=header.read(cells), table=tables, category=category))
    return out


def row_duties(row: TaskRow, first_leads: bool, duties_of: Callable[[str], Duties]) -> Duties:
    """Lead, support and deadline of a task row from its columns.

    A cell written as a note ("牵头单位：A；配合单位：B") is read as one; a 责任单位 column is
    support beside a 牵头 column, else follows the 责任单位 rule (``first_leads``: the notice's
    convention). A row with no department cells falls back to the notes in its task text
    (``duties_of``).
    """
    duties = Duties()
    for cell, role in ((row.lead, "lead"), (row.support, "support"), (row.responsible, "responsible")):
        if not cell:
            continue
        note = parse_note(cell, first_leads) if re.search(r"(单位|部门)\s*[:：]|牵头", cell) else None
        if note is not None:
            add_unique(duties.lead, note.lead)
            add_unique(duties.support, note.support)
            continue
        names = split_departments(cell)
        if role == "lead":
            add_unique(duties.lead, names)
        elif role == "support" or row.has_lead_column:
            add_unique(duties.support, names)
        else:
            assign_responsible(duties, names, first_leads)
    if not (duties.lead or duties.support):
        own = duties_of(row.task)
        duties.lead, duties.support = own.lead, own.support
    duties.deadline = row.deadline or None
    return duties


def _same_cells(a: list[str], b: list[str]) -> bool:
    return [re.sub(r"\s+", "", c) for c in a if c] == [re.sub(r"\s+", "", c) for c in b if c]
