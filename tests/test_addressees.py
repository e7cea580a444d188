"""Lines ending in "：": a 主送 block is metadata, a lead-in sentence is text that is searched.

Every line is a real one: the addressees of ../shared/seeds and ../shared/corpus/wild, the
article lead-ins of ../shared/corpus/laws.
"""

from __future__ import annotations

import pytest

from ingest import parse_text
from ingest.header import is_addressee_line

ADDRESSEES = [
    "各县(区)人民政府,汉中经济技术开发区、兴汉新区、航空经济技术开发区管委会,市人民政府各工作部门、直属事业单位:",
    "各镇人民政府,各街道办事处,区政府各工作部门,各分局,直属事业单位,区人武部:",
    "各局办,褒河物流园区管委会,驻区机构:",
    "各县市区人民政府,湘潭高新区和经开区管委会,市直有关单位:",
    "各省、自治区、直辖市及计划单列市、新疆生产建设兵团工业和信息化主管部门：",
    "省、自治区、直辖市高级人民法院，解放军军事法院，新疆维吾尔自治区高级人民法院生产建设兵团分院：",
    "各县（市）人民政府、州级各部门、卧龙特别行政区，各有关单位：",
    "各相关单位：",
    "各普通本科高校：",
]
LEAD_INS = [
    "承包方不得单方解除土地经营权流转合同，但受让方有下列情形之一的除外：",
    "第五条 下列不动产权利，依照本条例的规定办理登记：",
    "属于下列情形之一的，可以由当事人单方申请：",
    "不动产登记簿应当记载以下事项：",
    "第十一条 水库源头水保护区分为一级保护区、二级保护区和三级保护区：",
    "（一）各类城市建设工程档案:",
    "推荐单位：",
    "为进一步落实全市行政审批制度改革工作领导小组(扩大)会议关于深化行政审批制度改革工作的要求,围绕招商引资和重点项目建设,结合我区实际,制定如下工作方案:",
]


@pytest.mark.parametrize("line", ADDRESSEES)
def test_a_list_of_bodies_addressed_is_the_addressee_block(line: str) -> None:
    assert is_addressee_line(line)


@pytest.mark.parametrize("line", LEAD_INS)
def test_a_lead_in_sentence_is_not_an_addressee(line: str) -> None:
    assert not is_addressee_line(line)


def test_a_preamble_ending_in_a_colon_is_searched_and_a_real_addressee_is_metadata() -> None:
    notice = parse_text(
        "汉中市人民政府办公室关于印发工作要点的通知\n"
        "各县(区)人民政府,市人民政府各工作部门、直属事业单位:\n"
        "为做好今年工作，保障重点任务落实，现将有关事项通知如下：\n"
        "一、加强组织领导。各地要高度重视。（市政府办公室牵头）\n",
        "x",
    )
    assert notice.addressees == "各县(区)人民政府,市人民政府各工作部门、直属事业单位:"
    assert any("现将有关事项通知如下" in c.text for c in notice.chunks)  # the preamble is a chunk, not metadata
