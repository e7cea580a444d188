"""The answer built from hits: a lead line only from the hits that answer, canonical names, the notice's wording."""

from __future__ import annotations

import pytest

from index.answer import LEAD_HITS, Hit, lead_hits, make_answer
from ingest import parse_text

# Real duty notes of ../shared/corpus/wild/sd_019 (山东省服务业数字化转型行动方案): full and short names.
NOTICE = """山东省服务业数字化转型行动方案（2021—2023）
三、加快生产性服务业数字赋能升级
1.推进物流大数据开发应用，加快智能仓储、全自动码头、无人场站等设施建设。（牵头单位：省商务厅、省交通运输厅、省发展改革委）
2.提升港航、铁路、公路运输物流数字化水平，推动青岛等建设具有国际影响力的港航物流服务中心。（牵头单位：省交通运输厅，参加单位：省商务厅、中铁济南局、青岛市政府）
3.加快发展工业软件、工业互联网，培育共享制造、共享设计和共享数据平台。（牵头单位：省工信厅，参加单位：省科技厅）
4.搭建省级科技创新公共服务平台。（牵头单位：省科技厅，参加单位：省教育厅、省工业和信息化厅）"""


def _hits(scores: list[float]) -> list[Hit]:
    chunks = parse_text(NOTICE, "sd").chunks
    return [Hit(**c.to_dict(), score=s, rank=n) for n, (c, s) in enumerate(zip(chunks, scores, strict=False), 1)]


def test_the_lead_line_reads_only_the_hits_that_answer() -> None:
    hits = _hits([1.0, 0.55, 0.5, 0.45])  # the question's clause, then the tail of the ranking
    answer = make_answer("哪个部门牵头建设港航物流服务中心", hits, False, True)
    assert lead_hits(hits) == hits[:1]
    assert (
        answer.lead_line()
        == "山东省服务业数字化转型行动方案（2021—2023）：省商务厅、省交通运输厅、省发展改革委牵头（第1项）"
    )
    close = _hits([1.0, 0.9, 0.8, 0.75])
    assert len(lead_hits(close)) == LEAD_HITS  # never more than the few the evidence supports
    assert lead_hits([]) == []


def test_one_canonical_name_with_the_notices_wording_beside_it() -> None:
    hits = _hits([0.4, 0.5, 1.0, 0.9])[2:]  # 省工信厅 in one note, 省工业和信息化厅 in the other
    answer = make_answer("工业互联网由谁负责", hits, False, True)
    assert answer.leads["山东省服务业数字化转型行动方案（2021—2023）"][0] == ("3", ["省工业和信息化厅"])
    assert answer.lead_line().startswith(
        "山东省服务业数字化转型行动方案（2021—2023）：省工业和信息化厅（原文：省工信厅）牵头"
    )
    refused = make_answer("工业互联网由谁负责", hits, True, True)
    assert refused.lead_line() == "" and refused.hits == [] and refused.nearest == hits


# Real lines of ../shared/seeds: 汉中 writes 市发展改革委, 湘潭 writes 市发改委 (one canonical name).
HANZHONG = """汉中市人民政府办公室关于印发2024年汉中市推进政府职能转变工作要点的通知
7.加快社会信用体系建设。以深化政务诚信建设、服务实体经济发展、扩展信用应用为主线，健全政府诚信履约机制。〔市发展改革委牵头，市级有关部门和各县(区)政府、各园区按职责分工负责〕"""
XIANGTAN = """湘潭市2023年行政审批服务工作要点
（十七）持续放权赋能。加强对行政审批等事项下放承接情况和实施效果的跟踪评估。(市行政审批局、市发改委、市商务局、市司法局牵头，市直相关单位按职责分工负责)"""


def test_a_wording_note_belongs_to_the_notice_it_came_from() -> None:
    chunks = [*parse_text(HANZHONG, "hz").chunks, *parse_text(XIANGTAN, "xt").chunks]
    hits = [Hit(**c.to_dict(), score=1.0 - n / 10, rank=n + 1) for n, c in enumerate(chunks)]
    answer = make_answer("信用体系建设和放权赋能由谁牵头", hits, False, True)
    hanzhong, xiangtan = answer.lead_line().splitlines()
    assert "市发展改革委牵头" in hanzhong and "原文" not in hanzhong  # 汉中's own wording is the canonical one
    assert "市发展改革委（原文：市发改委）" in xiangtan
    assert answer.wordings == {"湘潭市2023年行政审批服务工作要点": {"市发展改革委": "市发改委"}}
    assert answer.to_dict()["wordings"] == answer.wordings
    with pytest.warns(DeprecationWarning, match="wordings"):  # the flat map of before, kept for a release
        assert answer.wording == {"市发展改革委": "市发改委"}
