"""Task-division tables in .docx, .xlsx and .html: one chunk per row, with lead, support and deadline.

Rows are real items of ../shared/corpus/wild (sd_046, sd_019) laid out as tables, with the
layouts real annexes use: merged title and category rows, a lead column merged down, a header
repeated as on a new page, columns in another order, a 责任单位-only table.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import ingest
from eval.duty_tables import write_table
from tests.audit import unaccounted

ROWS = [
    {"category": "二、重点领域"},
    {
        "cells": [
            "1",
            "实施集成电路“强芯”工程。加快“芯机联动”。",
            "省工业和信息化厅",
            "省发展改革委、省科技厅",
            "2025年底前",
        ],
        "task": "实施集成电路“强芯”工程。加快“芯机联动”。",
        "lead": ["省工业和信息化厅"],
        "support": ["省发展改革委", "省科技厅"],
        "deadline": "2025年底前",
        "due": "2025-12-31",
    },
    {
        "cells": ["2", "实施高端软件“铸魂”工程。培育壮大一批本地企业。", "省工业和信息化厅", "省科技厅", "长期坚持"],
        "task": "实施高端软件“铸魂”工程。培育壮大一批本地企业。",
        "lead": ["省工业和信息化厅"],
        "support": ["省科技厅"],
        "deadline": "长期坚持",
        "due": None,
    },
    {"category": "三、实施路径"},
    {
        "cells": ["3", "持续加大研发投入。瞄准集成电路等关键技术。", "省科技厅", "", "6月底前"],
        "task": "持续加大研发投入。瞄准集成电路等关键技术。",
        "lead": ["省科技厅"],
        "support": [],
        "deadline": "6月底前",
        "due": "2024-06-30",
    },
]


def _table(fmt: str, header: list[str], rows: list[dict], merge_down: list[int]) -> dict:
    return {
        "name": f"tasks_{fmt}",
        "format": fmt,
        "title": "2024年新一代信息技术产业重点任务分工表",
        "header": header,
        "rows": rows,
        "repeat_header_at": [3],
        "merge_down": merge_down,
    }


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "html"])
def test_task_rows_become_chunks_with_their_columns(tmp_path: Path, fmt: str) -> None:
    header = ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"]
    path = write_table(_table(fmt, header, ROWS, merge_down=[2]), tmp_path)
    notice = ingest.load_notices(path)[0]
    rows = [c for c in notice.chunks if c.kind == "item"]
    got = [(c.id.split("#")[1], c.section, c.label, c.lead, c.support, c.deadline, c.due) for c in rows]
    assert got == [
        ("t1/1", ["二、重点领域"], "1", ["省工业和信息化厅"], ["省发展改革委", "省科技厅"], "2025年底前", "2025-12-31"),
        ("t1/2", ["二、重点领域"], "2", ["省工业和信息化厅"], ["省科技厅"], "长期坚持", None),
        ("t1/3", ["三、实施路径"], "3", ["省科技厅"], [], "6月底前", "2024-06-30"),
    ]
    assert notice.notice_title == "2024年新一代信息技术产业重点任务分工表"
    assert notice.header.count(" | ".join(header)) == 2  # the repeated header is metadata, not a task
    if fmt != "html":  # the HTML reader's table text is what the parser sees; files' text is checked below
        return
    from ingest.readers import read_file

    assert unaccounted(read_file(path)[0].text, notice) == []


def test_columns_in_any_order_and_a_responsible_only_table(tmp_path: Path) -> None:
    reordered = ["序号", "牵头单位", "具体措施", "完成时间", "配合单位"]
    rows = [
        {**r, "cells": [r["cells"][0], r["cells"][2], r["cells"][1], r["cells"][4], r["cells"][3]]}
        if "cells" in r
        else r
        for r in ROWS
    ]
    chunks = [c for c in ingest.load(write_table(_table("xlsx", reordered, rows, []), tmp_path)) if c.kind == "item"]
    assert [(c.lead, c.support, c.deadline) for c in chunks] == [
        (["省工业和信息化厅"], ["省发展改革委", "省科技厅"], "2025年底前"),
        (["省工业和信息化厅"], ["省科技厅"], "长期坚持"),
        (["省科技厅"], [], "6月底前"),
    ]
    responsible = ["序号", "工作内容", "责任单位", "完成时限"]
    rows = [
        {**r, "cells": [*r["cells"][:2], "、".join(r["lead"] + r["support"]), r["cells"][4]]} if "cells" in r else r
        for r in ROWS
    ]
    table = _table("docx", responsible, rows, [])
    table["name"] = "responsible"
    chunks = [c for c in ingest.load(write_table(table, tmp_path)) if c.kind == "item"]
    # no lead column: every department named responsible leads (the 责任单位 rule)
    assert [c.lead for c in chunks] == [
        ["省工业和信息化厅", "省发展改革委", "省科技厅"],
        ["省工业和信息化厅", "省科技厅"],
        ["省科技厅"],
    ]


def test_a_table_without_task_and_lead_columns_stays_text(tmp_path: Path) -> None:
    table = {
        "name": "plain",
        "format": "xlsx",
        "title": "2024年某市资金安排表",
        "header": ["项目", "金额"],
        "rows": [{"cells": ["平台建设", "120"], "task": "", "lead": [], "support": [], "deadline": "", "due": None}],
    }
    chunks = ingest.load(write_table(table, tmp_path))
    assert any("平台建设 | 120" in c.text for c in chunks)
    assert all(not c.lead for c in chunks)
