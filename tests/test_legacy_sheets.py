"""Excel 97 (.xls) and WPS Spreadsheets (.et) workbooks, read with xlrd; the real files of ../shared/corpus/formats."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from ingest import bounds, load_notices
from ingest.grids import read_xlsx
from ingest.legacy_sheets import OLE2, read_xls
from ingest.readers import ReadError, read_file
from tests.conftest import ROOT

FORMATS = ROOT.parent / "shared" / "corpus" / "formats"
XLS = FORMATS / "xls" / "moe_chengren_gaoxiao_mingdan_2025.xls"
ET = FORMATS / "et" / "synthetic_eva_test.et"
needs_formats = pytest.mark.skipif(not XLS.exists(), reason="../shared/corpus/formats is not here")


@needs_formats
def test_a_real_xls_attachment_is_read_whole_every_school_named() -> None:
    lines = read_xls(XLS).splitlines()
    assert lines[0] == "全国成人高等学校名单" and "附件2：" in lines  # the sheet's name, then its title rows
    assert "1 | 北京市海淀区职工大学 | 4211050001 | 北京市 |  | " in lines  # numbers without ".0", empty cells kept
    schools = [ln for ln in lines if ln.split(" | ")[0].isdigit()]
    assert len(schools) > 200 and all(ln.split(" | ")[1] for ln in schools)  # no school name left empty


@needs_formats
def test_a_wps_spreadsheet_reads_as_its_xlsx_twin() -> None:
    assert read_xls(ET) == read_xlsx(ET.with_name("synthetic_eva_test.twin.xlsx"))


@needs_formats
def test_a_folder_load_indexes_them_and_the_row_limit_holds(tmp_path: Path) -> None:
    notices = load_notices([XLS, ET])
    assert [n.doc_id for n in notices] == ["moe_chengren_gaoxiao_mingdan_2025", "synthetic_eva_test"]
    assert any("北京市海淀区职工大学" in c.text for c in notices[0].chunks)
    few_rows = dataclasses.replace(bounds.current(), max_sheet_rows=100)
    with bounds.using(few_rows), pytest.raises(ReadError, match="rows of sheet '全国成人高等学校名单'"):
        read_file(XLS)


def test_a_file_that_is_no_workbook_is_refused_naming_it(tmp_path: Path) -> None:
    fake = tmp_path / "任务分解表.xls"
    fake.write_text("序号,任务\n1,推进", encoding="utf-8")  # a CSV named .xls
    with pytest.raises(ReadError, match="no OLE2 header"):
        read_file(fake)
    damaged = tmp_path / "损坏.et"
    damaged.write_bytes(OLE2 + b"\x00" * 600)
    with pytest.raises(ReadError, match="not a readable .et"):
        read_file(damaged)
