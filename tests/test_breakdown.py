"""A notice's 任务分解表: one row per item with a duty note, an .xlsx laid out for printing and a .docx table."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from index import Searcher
from index.stores.base import notice_info
from ingest import Notice, parse_text
from ingest.duties import extract_duties, without_notes
from tests.test_cells import NOTICE
from web.__main__ import main
from web.breakdown import (
    COLUMNS,
    breakdown_rows,
    document_title,
    file_title,
    write_breakdown_docx,
    write_breakdown_xlsx,
)


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
    sheet = load_workbook(write_breakdown_xlsx(info, rows, tmp_path / "b.xlsx", notice.chunks)).active
    own = document_title(info, notice.chunks)
    assert sheet["A1"].value == f"《{own}》任务分解表" and "关于印发" not in own  # the document's title, not the 通知's
    assert info.issuer in sheet["A2"].value and sheet.title == "任务分解表"
    assert [c.value for c in sheet[3]] == list(COLUMNS)
    merged = {r.min_row for r in sheet.merged_cells.ranges if r.min_row > 3}  # a part's heading, across the table
    lines = list(sheet.iter_rows(min_row=4, values_only=True))
    groups = [line[0] for n, line in enumerate(lines, 4) if n in merged]
    parts = [c.section[0] if c.section else "" for c in items]
    assert groups == [p for n, p in enumerate(parts) if p and (n == 0 or parts[n - 1] != p)]
    body = [line for n, line in enumerate(lines, 4) if n not in merged]
    assert len(body) == len(items)
    for number, (row, item) in enumerate(zip(body, items, strict=True), 1):
        assert row[0] == str(number) and item.label in row[1]
        assert row[2] == without_notes(item.text) and not any(
            n in (row[2] or "") for n in extract_duties(item.text).notes
        )
        assert (row[3] or "") == "、".join(item.lead) and (row[4] or "") == "、".join(item.support)
        assert (row[5] or "") == (item.deadline or "") and any(row[3:6])
    assert sheet.page_setup.orientation == "landscape" and str(sheet.page_setup.paperSize) == "9"  # A4
    assert sheet.print_title_rows == "$3:$3" and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.oddFooter.center.text == "第 &P 页，共 &N 页"  # page numbers
    assert sheet.cell(min(set(range(4, 4 + len(lines))) - merged), 3).alignment.wrap_text
    document = Document(str(write_breakdown_docx(info, rows, tmp_path / "b.docx", notice.chunks)))
    table = document.tables[0]
    assert document.paragraphs[0].text == f"《{own}》任务分解表"
    assert [c.text for c in table.rows[0].cells] == list(COLUMNS) and len(table.rows) == len(items) + len(groups) + 1
    assert table.rows[0]._tr.trPr.xml.count("tblHeader") == 1  # the header repeats on every page
    first = next(r for r in table.rows[1:] if r.cells[0].text == "1")  # group rows hold the part's heading
    assert first.cells[2].text == without_notes(items[0].text)
    footer = document.sections[0].footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer  # 第 N 页，共 M 页


def test_the_header_carries_the_parsed_doc_number_and_a_year_long_limit_is_a_deadline(tmp_path: Path) -> None:
    """文号 and 全年持续推进 as the user's 停车治理 notice wrote them (issue 44, item 5)."""
    text = (
        "某县人民政府办公室关于印发《某县停车治理工作方案》的通知\n某政办发〔2024〕12号\n某县停车治理工作方案\n"
        "一、重点任务\n1.推行错时停车泊位共享。（县公安局牵头，县住建局配合，全年持续推进）\n"
        "二、保障措施\n1.加强组织领导。（县政府办公室牵头）"
    )
    notice = parse_text(text, "park")
    info, rows = notice_info(notice.chunks), breakdown_rows(notice.chunks)
    assert [(r.lead, r.support, r.deadline, r.part) for r in rows] == [
        ("县公安局", "县住建局", "全年持续推进", "一、重点任务"),
        ("县政府办公室", "", "", "二、保障措施"),
    ]
    sheet = load_workbook(write_breakdown_xlsx(info, rows, tmp_path / "p.xlsx", notice.chunks)).active
    assert sheet["A1"].value == "《某县停车治理工作方案》任务分解表" and "某政办发〔2024〕12号" in sheet["A2"].value
    assert [sheet.cell(n, 1).value for n in (4, 6)] == ["一、重点任务", "二、保障措施"]  # measures apart from tasks
    assert sheet.cell(5, 3).value == "1.推行错时停车泊位共享。"
    assert file_title(info, notice.chunks) == "某县停车治理工作方案"


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
    parts = [r.part for r in breakdown_rows(default_searcher.document(doc_id)[1])]
    groups = sum(1 for n, p in enumerate(parts) if p and (n == 0 or parts[n - 1] != p))
    assert load_workbook(tmp_path / "b.xlsx").active.max_row == 3 + 16 + groups
    assert main(["breakdown", "nope", "-o", str(tmp_path / "c.xlsx"), "--index", index]) == 2
    assert main(["breakdown", doc_id, "-o", str(tmp_path / "c.pdf"), "--index", index]) == 2


def test_the_chat_exports_the_chosen_notices_breakdown(library, tmp_path: Path) -> None:
    from web.chat import Chat

    chat = Chat(library, export_dir=tmp_path / "exports")
    status, shown = chat.notices.on_breakdown("b")
    files = shown["value"]
    assert "2 项" in status and [Path(f).suffix for f in files] == [".xlsx", ".docx"] and shown["visible"]
    assert all(Path(f).name.startswith("任务分解表-某区经开区深化审批改革工作方案-") for f in files)
    status, shown = chat.notices.on_breakdown(None)
    assert status == "请先选择通知。" and shown["value"] is None and not shown["visible"]  # no empty box
    assert "库中没有这份通知" in chat.notices.on_breakdown("nope")[0]
