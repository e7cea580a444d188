"""Department task lists: who leads or supports which items, by any of a department's names, and the .xlsx."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import Searcher
from ingest import parse_text
from ingest.duties import without_notes
from tests.conftest import NOTICE_A, NOTICE_B
from tests.fakes import KeywordEmbedder
from web.library import Library
from web.tasks import COLUMNS, WIDTHS, department_tasks, departments, write_xlsx

#: Lines in the forms of the wild corpus (labelled fields, an alias, a generic unit, a deadline).
NOTICE_W = """2024年某市营商环境工作要点
一、任务
1.推进信用修复。（2024年6月底前完成，牵头单位：市发展和改革委员会；责任单位：各有关部门）
2.推进项目审批提速。（牵头单位：市工信局；配合单位：市发改委、市数据局）
"""
CHUNKS = [
    *parse_text(NOTICE_A, "a").chunks,
    *parse_text(NOTICE_B, "b").chunks,
    *parse_text(NOTICE_W, "w").chunks,
]


def test_a_department_is_found_by_any_name_with_its_role_title_and_deadline() -> None:
    tasks = department_tasks(CHUNKS, "市发改委")
    assert [(t.chunk_id, t.role) for t in tasks] == [("a#一/3", "牵头"), ("w#一/1", "牵头"), ("w#一/2", "配合")]
    first = tasks[1]
    assert first.title == "推进信用修复" and first.label == "第1项" and first.section == "一、任务"
    assert first.deadline == "2024年6月底前完成" and first.due == "2024-06-30"
    assert department_tasks(CHUNKS, "市发展和改革委员会") == tasks
    assert [t.chunk_id for t in department_tasks(CHUNKS, "市数据局", "配合")] == ["w#一/2"]
    assert [t.chunk_id for t in department_tasks(CHUNKS, "税务局")] == ["b#一/(一)"]
    with pytest.raises(ValueError, match="role"):
        department_tasks(CHUNKS, "市数据局", "负责")


def test_generic_units_are_not_departments() -> None:
    names = departments(CHUNKS)
    assert "市发展改革委" in names and "市数据局" in names and "税务局" in names
    assert not {"各有关部门", "各区政府"} & set(names) and "市发改委" not in names


def test_units_named_by_kind_are_generic_and_stay_out_of_the_department_choice() -> None:
    """The units the bundled 003 and 002 name by kind, not by name (issue 26)."""
    text = "一、任务\n1.推行延时服务。（市数据局牵头，园区管委会、公共企事业单位、入驻政务服务大厅的窗口部门配合）"
    (chunk,) = parse_text(text, "t").chunks
    assert chunk.lead == ["市数据局"] and "园区管委会" in chunk.support  # kept in the clause
    assert departments([chunk]) == ["市数据局"]


def test_the_xlsx_is_filed_as_is_a_title_row_the_clause_its_units_print_setup_and_page_numbers(tmp_path: Path) -> None:
    """What a 督查 office files (issue 44, item 4): the clause and its partner units, never an internal id."""
    from openpyxl import load_workbook

    tasks = department_tasks(CHUNKS, "市数据局")
    path = write_xlsx(tasks, "市数据局", tmp_path / "tasks.xlsx")
    sheet = load_workbook(path).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "市数据局牵头、配合的工作任务" or rows[0][0] == "市数据局牵头的工作任务"
    assert f"共 {len(tasks)} 项" in rows[1][0]
    assert rows[2] == list(COLUMNS) and len(rows) == len(tasks) + 3 and "条款编号" not in COLUMNS
    first, chunk = dict(zip(COLUMNS, rows[3], strict=True)), next(c for c in CHUNKS if c.id == tasks[0].chunk_id)
    assert first["序号"] == 1 and first["角色"] == "牵头" and first["牵头单位"] == "、".join(chunk.lead)
    assert first["条款内容"] == without_notes(chunk.text) and first["条款内容"] in chunk.text
    assert (first["配合单位"] or "") == "、".join(chunk.support)
    assert not any(tasks[0].chunk_id in str(v) for v in rows[3])
    assert sheet.freeze_panes == "A4" and sheet.title == "市数据局" and sheet.print_title_rows == "$3:$3"
    assert sheet.page_setup.orientation == "landscape" and sheet.oddFooter.center.text == "第 &P 页，共 &N 页"
    assert [sheet.column_dimensions[c].width for c in "ABCDEFGHIJKL"] == list(WIDTHS)


def test_the_library_names_an_unknown_department(tmp_path: Path) -> None:
    searcher = Searcher.build(CHUNKS, None, embedder=KeywordEmbedder(), cache_dir=tmp_path / "cache")
    library = Library(searcher, tmp_path / "data")
    assert [t.chunk_id for t in library.tasks("市数据局", "牵头")] == ["a#一/1", "a#一/2"]
    assert library.tasks("税务局", "牵头") == []  # known, but it leads nothing
    with pytest.raises(ValueError, match="市气象局"):
        library.tasks("市气象局")


def test_a_question_about_what_a_department_leads_answers_with_its_list_first(tmp_path: Path) -> None:
    from web.render import answer_html

    searcher = Searcher.build(CHUNKS, None, embedder=KeywordEmbedder(), cache_dir=tmp_path / "cache")
    library = Library(searcher, tmp_path / "data")
    answer = searcher.answer("发改委牵头负责哪些工作")
    assert answer.led_work_of == ["市发展改革委"]
    page = answer_html(answer, {d: library.tasks(d, "牵头") for d in answer.led_work_of})
    assert page.index("市发展改革委牵头的工作（共 2 项）") < page.index('class="cite"')
    assert "推进信用修复（完成时限：2024年6月底前完成）" in page
    assert searcher.answer("哪些部门负责12345热线").led_work_of == []


def test_the_chats_exports_are_named_after_the_department_role_and_date(library, tmp_path: Path) -> None:
    import time

    from web.chat import Chat

    chat = Chat(library, export_dir=tmp_path / "exports")
    first = chat.departments.show_tasks("政务服务中心", "牵头")
    again = chat.departments.show_tasks("政务服务中心", "牵头")
    today = time.strftime("%Y%m%d")
    assert Path(first[2]).name == f"任务-政务服务中心-牵头-{today}.xlsx"
    assert Path(first[3]).name == f"任务-政务服务中心-牵头-{today}.csv"
    assert first[2] != again[2] and Path(first[2]).exists()  # each export its own folder: never one file for two
    assert Path(chat.departments.show_tasks("税务局", "全部")[2]).name == f"任务-税务局-{today}.xlsx"


def test_the_status_line_counts_both_roles_whatever_role_the_table_shows(library, tmp_path: Path) -> None:
    """Issue 44, item 1: 配合 chosen for a department that only leads said "牵头 0 项"."""
    from web.chat import Chat

    tab = Chat(library, export_dir=tmp_path / "exports").departments
    for department, role, led, supported, listed in (
        ("政务服务中心", "全部", 2, 0, 2),
        ("政务服务中心", "牵头", 2, 0, 2),
        ("政务服务中心", "配合", 2, 0, 0),
        ("税务局", "牵头", 0, 1, 0),
        ("税务局", "配合", 0, 1, 1),
    ):
        status, rows, xlsx, csv_path, panel = tab.show_tasks(department, role)
        assert f"共 {led + supported} 项（牵头 {led} 项，配合 {supported} 项）" in status, (department, role, status)
        assert len(rows) == listed and (role == "全部" or f"列出{role}的 {listed} 项" in status), status
        assert panel == ""  # the notice panel of the list before is emptied
        # Issue 44, item 2: a list with no rows offers no (empty) files
        assert (xlsx is None and csv_path is None) if not listed else (Path(xlsx).exists() and Path(csv_path).exists())
