"""The departments × notices overview: each count is the list behind it; the table, the .xlsx, the tab, API and command."""

from __future__ import annotations

import io
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from index import Searcher
from index.stores.base import notice_info
from ingest import parse_text
from tests.conftest import NOTICE_A, NOTICE_B
from tests.fakes import KeywordEmbedder
from tests.test_tasks import NOTICE_W
from web.departments_tab import DepartmentsTab
from web.library import Library
from web.overview import KEY_COLUMNS, build_overview, write_overview_xlsx
from web.server import server_app
from web.tasks import LEAD, SUPPORT, department_tasks

NOTICES = [parse_text(NOTICE_A, "a"), parse_text(NOTICE_B, "b"), parse_text(NOTICE_W, "w")]
CHUNKS = [c for n in NOTICES for c in n.chunks]
INFOS = [notice_info(n.chunks) for n in NOTICES]


def test_every_count_is_the_length_of_the_task_list_it_opens() -> None:
    overview = build_overview(CHUNKS, INFOS)
    assert overview.rows, "the notices name departments"
    for row in overview.rows:
        for info in INFOS:
            lead = len(department_tasks(CHUNKS, row.department, LEAD, info.doc_id))
            support = len(department_tasks(CHUNKS, row.department, SUPPORT, info.doc_id))
            assert row.cells.get(info.doc_id, [0, 0]) == [lead, support]
        assert (row.lead, row.support) == (len(department_tasks(CHUNKS, row.department, LEAD)),
                                           len(department_tasks(CHUNKS, row.department, SUPPORT)))  # fmt: skip
    fgw = next(r for r in overview.rows if r.department == "市发展改革委")  # 市发改委 and its full name, once
    assert fgw.cells == {"a": [1, 0], "w": [1, 1]} and (fgw.lead, fgw.support) == (2, 1)
    assert not any("各有关部门" in r.department for r in overview.rows)  # a generic unit is no department
    leads = [r.lead for r in overview.rows]
    assert leads == sorted(leads, reverse=True)  # most items led first


def test_the_web_table_puts_the_key_columns_first_and_maps_a_click_back() -> None:
    overview = build_overview(CHUNKS, INFOS)
    headers = overview.headers()
    assert headers[: len(KEY_COLUMNS)] == list(KEY_COLUMNS) and len(headers) == len(KEY_COLUMNS) + 3
    assert len(set(headers)) == len(headers)
    row = next(i for i, r in enumerate(overview.rows) if r.department == "市发展改革委")
    table = overview.table()
    assert table[row][:4] == ["市发展改革委", 2, 1, 2]
    assert table[row][4:] == [f"{LEAD} 1", "", f"{LEAD} 1 · {SUPPORT} 1"]
    assert overview.at(row, 6) == ("市发展改革委", "w") and overview.at(row, 1) == ("市发展改革委", "")
    with pytest.raises(IndexError):
        overview.at(row, 7)


def test_the_xlsx_has_each_notices_title_over_lead_and_support(tmp_path: Path) -> None:
    overview = build_overview(CHUNKS, INFOS)
    sheet = load_workbook(write_overview_xlsx(overview, tmp_path / "o.xlsx")).active
    assert [c.value for c in sheet[1]][:5] == [*KEY_COLUMNS, INFOS[0].title]
    assert [c.value for c in sheet[2]][4:10] == [LEAD, SUPPORT] * 3
    assert "E1:F1" in {str(r) for r in sheet.merged_cells.ranges}
    rows = {r[0]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows["市发展改革委"] == ("市发展改革委", 2, 1, 2, 1, None, None, None, 1, 1)
    assert sheet.freeze_panes == "E3" and len(rows) == len(overview.rows)
    assert all(c.data_type != "f" for line in sheet.iter_rows() for c in line)


def test_a_cell_click_opens_that_departments_items_in_that_notice(tmp_path: Path) -> None:
    searcher = Searcher.build(CHUNKS, None, embedder=KeywordEmbedder(), cache_dir=tmp_path / "cache")
    library = Library(searcher, tmp_path / "data")
    tab = DepartmentsTab(library, tmp_path / "exports", lambda chunk_id: chunk_id)
    overview = library.overview()
    assert library.overview() is overview  # once per index
    row = next(i for i, r in enumerate(overview.rows) if r.department == "市发展改革委")
    department, role, doc_id, status, rows, xlsx, _, panel = tab.open_cell(SimpleNamespace(index=[row, 6]))
    assert (department["value"], role["value"], doc_id) == ("市发展改革委", "全部", "w")
    assert [r[-1] for r in rows] == ["w#一/1", "w#一/2"] and "共 2 项" in status and "某市营商环境" in status
    assert len(load_workbook(xlsx).active["A"]) == 3 + 2  # title, counts, header + the two items of that cell
    assert panel == ""  # the notice panel is emptied for the new list
    _, _, doc_id, _, rows, _, _, _ = tab.open_cell(SimpleNamespace(index=[row, 0]))
    assert doc_id == "" and len(rows) == 3  # the key columns open every notice's items
    assert tab.open_cell(SimpleNamespace(index=[999, 0]))[3] == "请点击表中的一格。"
    message, path = tab.export_overview()
    assert "个部门 × 3 份通知" in message and Path(path).name.startswith("部门总览-")


def test_the_api_gives_the_overview_and_a_cells_list(tmp_path: Path) -> None:
    searcher = Searcher.build(CHUNKS, None, embedder=KeywordEmbedder(), cache_dir=tmp_path / "cache")
    client = TestClient(server_app(Library(searcher, tmp_path / "data"), token="t", open_reads=True))
    body = client.get("/api/overview").json()
    fgw = next(d for d in body["departments"] if d["department"] == "市发展改革委")
    assert fgw["notices"]["w"] == {"lead": 1, "support": 1} and [n["doc_id"] for n in body["notices"]] == ["a", "b", "w"]
    xlsx = client.get("/api/overview", params={"format": "xlsx"})
    assert load_workbook(io.BytesIO(xlsx.content)).active.title == "部门总览"
    assert client.get("/api/overview", params={"format": "pdf"}).json()["parameter"] == "format"
    cell = client.get("/api/tasks", params={"department": "市发改委", "doc_id": "w"}).json()
    assert [t["chunk_id"] for t in cell["tasks"]] == ["w#一/1", "w#一/2"] and cell["doc_id"] == "w"
    assert client.get("/api/tasks", params={"department": "市发改委", "doc_id": "zz"}).status_code == 422


@pytest.mark.model
def test_the_overview_command_writes_xlsx_and_json(
    default_searcher: Searcher, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from web.__main__ import main

    index = str(default_searcher.store.path)
    assert main(["overview", "-o", str(tmp_path / "o.json"), "--index", index]) == 0
    expected = build_overview(default_searcher.all_chunks(), default_searcher.notices()).to_dict()
    assert json.loads((tmp_path / "o.json").read_text(encoding="utf-8")) == expected
    assert main(["overview", "-o", str(tmp_path / "o.xlsx"), "--index", index]) == 0
    assert load_workbook(tmp_path / "o.xlsx").active.max_row == 2 + len(expected["departments"])
    assert f"× {len(expected['notices'])} notices" in capsys.readouterr().out
    assert main(["overview", "-o", str(tmp_path / "o.csv"), "--index", index]) == 2
    assert "write .xlsx or .json" in capsys.readouterr().err


def test_notice_columns_are_titled_by_the_documents_own_title(library: Library) -> None:
    """Issue 44, item 6: headers were cut after the issuer (汉中市人民政府办公室关于印…), hiding what tells notices apart."""
    headers = library.overview().headers()
    assert "某市2024年政务服务工作要点" in headers  # not "某市人民政府办公室关于印发…的通知", cut after its issuer
    assert not any(h.startswith("某市人民政府办公室关于") for h in headers)
    assert "某区经开区深化审批改革工作方案" in headers  # a notice that is its own document keeps its title
