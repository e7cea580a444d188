"""The answer built from hits: a lead line only from the hits that answer, canonical names, the notice's wording."""

from __future__ import annotations

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
