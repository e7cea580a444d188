"""A library of two cities: places read from titles, departments told apart by place, questions about other places.

The notices are real lines of ../shared/seeds: 汉中 writes 市发展改革委, 湘潭 writes 市发改委.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from index import Searcher
from index.reading.places import Gazetteer, split_place
from tests.fakes import KeywordEmbedder
from web.library import Library
from web.overview import write_overview_xlsx

HANZHONG = """汉中市人民政府办公室关于印发2024年汉中市推进政府职能转变工作要点的通知
2024年汉中市推进政府职能转变工作要点
二、重点任务
7.加快社会信用体系建设。健全政府诚信履约机制、失信惩戒和信用修复机制。〔市发展改革委牵头，市级有关部门和各县(区)政府、各园区按职责分工负责〕
14.大力优化营商环境。认真实施《汉中市深化营商环境突破年行动方案》。〔市发展改革委牵头，市级有关部门和各县(区)政府、各园区按职责分工负责〕
"""
XIANGTAN = """湘潭市2023年行政审批服务工作要点
三、主要任务
(十七)持续放权赋能。加强对行政审批等事项下放承接情况和实施效果的跟踪评估。(市行政审批局、市发改委、市商务局、市司法局牵头，市直相关单位按职责分工负责)
(十八)推进政务服务事项“三化”提升。落实行政许可事项清单管理措施。(市发展和改革委员会牵头，市直相关单位按职责分工负责)
"""


@pytest.fixture
def library(tmp_path: Path) -> Library:
    folder = tmp_path / "notices"
    folder.mkdir()
    (folder / "hz.txt").write_text(HANZHONG, encoding="utf-8")
    (folder / "xt.txt").write_text(XIANGTAN, encoding="utf-8")
    searcher = Searcher.build(folder, tmp_path / "index", embedder=KeywordEmbedder(), cache_dir=tmp_path / "cache")
    return Library(searcher, tmp_path / "data")


def test_the_gazetteer_finds_full_names_anywhere_and_short_forms_only_as_words() -> None:
    found = Gazetteer.default().find("山西省和汉中的做法，长治久安，大理石，海南自贸港")
    assert set(found) == {"山西省", "汉中", "海南"} and found["海南"][0].name == "海南省"
    assert split_place("生态环境局（应急管理局）") == ("生态环境局", "应急管理局")  # a bracket alone says nothing


def test_departments_are_told_apart_by_the_place_of_their_notice(library: Library, tmp_path: Path) -> None:
    names = library.departments()
    assert "市发展改革委（汉中市）" in names and "市发展改革委（湘潭市）" in names and "市发展改革委" not in names
    hanzhong = library.tasks("市发展改革委（汉中市）")
    assert len(hanzhong) == 2 and {t.chunk_id.split("#")[0] for t in hanzhong} == {"hz"}
    xiangtan = library.tasks("市发展改革委（湘潭市）")  # 市发改委 and 市发展和改革委员会: one department of 湘潭
    assert {t.chunk_id.split("#")[0] for t in xiangtan} == {"xt"} and len(xiangtan) == 2
    assert len(library.tasks("市发改委")) == 4  # a name without its place: every place's
    rows = {row.department: row for row in library.overview().rows}
    assert rows["市发展改革委（汉中市）"].lead == 2 and rows["市发展改革委（湘潭市）"].lead == 2
    from openpyxl import load_workbook

    sheet = load_workbook(write_overview_xlsx(library.overview(), tmp_path / "o.xlsx")).active
    listed = [sheet.cell(row=r, column=1).value for r in range(3, sheet.max_row + 1)]
    assert "市发展改革委（汉中市）" in listed and "市发展改革委（湘潭市）" in listed


def test_a_question_about_a_place_no_notice_belongs_to_is_refused_and_says_why(library: Library) -> None:
    refused = library.answer("山西省社会信用体系建设由谁牵头")
    assert refused.abstained and "通知库中没有“山西省”的通知" in refused.message and refused.nearest
    assert library.answer("长沙的放权赋能怎么做").abstained
    asked = library.answer("汉中社会信用体系建设由谁牵头")  # a place of the library
    assert not asked.abstained and "市发展改革委" in asked.lead_line()
    inside = library.answer("陕西省社会信用体系建设由谁牵头")  # 汉中 is in 陕西: not another place
    assert not inside.abstained and inside.warning == ""
