"""A notice's 任务分解表: one row per item with a duty note, an .xlsx laid out for printing and a .docx table."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from index import Searcher
from index.stores.base import notice_info
from ingest import Notice, parse_text
from tests.test_cells import NOTICE
from web.__main__ import main
from web.breakdown import COLUMNS, breakdown_rows, write_breakdown_docx, write_breakdown_xlsx


def _duty_items(notice: Notice) -> list:
    return [c for c in notice.chunks if c.kind == "item" and (c.lead or c.support or c.deadline)]


@pytest.mark.parametrize("key", ["000", "001", "002", "003"])
def test_each_bundled_notices_breakdown_opens_with_one_row_per_item_with_a_duty_note(
    seeds: dict[str, Notice], key: str, tmp_path: Path
) -> None:
    notice = seeds[key]
    info, items = notice_info(notice.chunks), _duty_items(notice)
    rows = breakdown_rows(notice.chunks)
    assert [r.chunk_id for r in rows] == [c.id for c in items] and items
    sheet = load_workbook(write_breakdown_xlsx(info, rows, tmp_path / "b.xlsx")).active
    assert sheet["A1"].value == f"{info.title} 任务分解表"
    assert [c.value for c in sheet[3]] == list(COLUMNS)
    body = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(body) == len(items)
    for number, (row, item) in enumerate(zip(body, items, strict=True), 1):
        assert row[0] == str(number) and row[2] == item.text and item.label in row[1]
        assert (row[3] or "") == "、".join(item.lead) and (row[4] or "") == "、".join(item.support)
        assert (row[5] or "") == (item.deadline or "") and any(row[3:6])
    assert sheet.page_setup.orientation == "landscape" and str(sheet.page_setup.paperSize) == "9"  # A4
    assert sheet.print_title_rows == "$3:$3" and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.cell(4, 3).alignment.wrap_text
    table = Document(str(write_breakdown_docx(info, rows, tmp_path / "b.docx"))).tables[0]
    assert [c.text for c in table.rows[0].cells] == list(COLUMNS) and len(table.rows) == len(items) + 1
    assert table.rows[0]._tr.trPr.xml.count("tblHeader") == 1  # the header repeats on every page
    assert [c.text for c in table.rows[1].cells][2] == items[0].text


def test_a_notice_without_duty_notes_gives_an_empty_table_and_cells_are_never_formulas(tmp_path: Path) -> None:
    prose = parse_text("某市工作综述\n今年以来，全市政务服务水平持续提升。", "prose")
    assert breakdown_rows(prose.chunks) == []
    evil = parse_text(NOTICE, "evil")
    rows = breakdown_rows(evil.chunks)
    sheet = load_workbook(write_breakdown_xlsx(notice_info(evil.chunks), rows, tmp_path / "e.xlsx")).active
    assert len(rows) == 5 and all(c.data_type == "s" for row in sheet.iter_rows() for c in row if c.value)


@pytest.mark.model
def test_the_breakdown_command_writes_xlsx_and_docx(default_searcher: Searcher, tmp_path: Path, capsys) -> None:
    index = str(default_searcher.store.path)
    doc_id = default_searcher.notices()[0].doc_id
    assert main(["breakdown", doc_id, "-o", str(tmp_path / "b.xlsx"), "--index", index]) == 0
    assert main(["breakdown", doc_id, "-o", str(tmp_path / "b.docx"), "--index", index]) == 0
    assert "16 items with a duty note" in capsys.readouterr().out
    assert load_workbook(tmp_path / "b.xlsx").active.max_row == 3 + 16
    assert main(["breakdown", "nope", "-o", str(tmp_path / "c.xlsx"), "--index", index]) == 2
    assert main(["breakdown", doc_id, "-o", str(tmp_path / "c.pdf"), "--index", index]) == 2


def test_the_chat_exports_the_chosen_notices_breakdown(library, tmp_path: Path) -> None:
    from web.chat import Chat

    chat = Chat(library, export_dir=tmp_path / "exports")
    status, files = chat.notices.on_breakdown("b")
    assert "2 项" in status and [Path(f).suffix for f in files] == [".xlsx", ".docx"]
    assert all(Path(f).name.startswith("任务分解表-某区经开区深化审批改革工作方案-") for f in files)
    assert chat.notices.on_breakdown(None) == ("请先选择通知。", None)
    assert "库中没有这份通知" in chat.notices.on_breakdown("nope")[0]
