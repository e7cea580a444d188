"""Duty notes in every bracket form, inheritance, per-sentence notes, and non-notes."""

from __future__ import annotations

import pytest

from ingest import extract_duties, parse_text
from ingest.duties import bracket_spans, split_departments


@pytest.mark.parametrize(
    ("text", "lead", "support"),
    [
        (
            "1.推进改革。〔市行政审批服务局、市数据局分别牵头，市级有关部门和各县(区)政府、各园区按职责分工负责〕",
            ["市行政审批服务局", "市数据局"],
            ["市级有关部门", "各县(区)政府", "各园区"],
        ),
        (
            "(十五)深化改革。(市发改委、市司法局、市自然资源和规划局、市行政审批局牵头;市直相关单位按职责分工负责)",
            ["市发改委", "市司法局", "市自然资源和规划局", "市行政审批局"],
            ["市直相关单位"],
        ),
        ("(五)加强公开。(市直相关单位按职责分工负责)", [], ["市直相关单位"]),
        (
            "2.推行联审。[建设管理局牵头，经济发展改革局、生态环境局(应急管理局)等部门负责]",
            ["建设管理局"],
            ["经济发展改革局", "生态环境局(应急管理局)"],
        ),
        (
            "4.推动便利化。（政务服务中心牵头，税务局、市场监管分局等部门负责）",
            ["政务服务中心"],
            ["税务局", "市场监管分局"],
        ),
        ("3.加强宣传。【市委宣传部牵头，市人力资源和社会保障局配合】", ["市委宣传部"], ["市人力资源和社会保障局"]),
        ("(二)推进标准化。(市行政审批局和市直相关单位牵头)", ["市行政审批局", "市直相关单位"], []),
    ],
)
def test_bracket_forms(text: str, lead: list[str], support: list[str]) -> None:
    duties = extract_duties(text)
    assert (duties.lead, duties.support) == (lead, support)


def test_per_sentence_notes_are_all_collected() -> None:
    text = (
        "（三）优化服务。推进一网通办（省政府办公厅牵头）。规范执法行为（省司法厅牵头）。"
        "建设数据平台（省大数据局牵头，省委组织部、省财政厅按职责分工负责）。"
    )
    duties = extract_duties(text)
    assert duties.lead == ["省政府办公厅", "省司法厅", "省大数据局"]
    assert duties.support == ["省委组织部", "省财政厅"]
    assert len(duties.notes) == 3


@pytest.mark.parametrize(
    "text",
    [
        "继续规范推进财政预决算(含“三公”经费)信息公开。",
        "出台《政务服务事项容缺受理制度(试行)》。",
        "以数字政府建设三年规划(2023-2025年)为支点。",
        "议定事项(涉密事项除外)及视频回放。",
        "“三同步”(同步组织、同步审签、同步部署)工作机制。",
        "由主要负责同志(负责同志名单另发)召集。",
    ],
)
def test_other_brackets_are_left_alone(text: str) -> None:
    duties = extract_duties(text)
    assert (duties.lead, duties.support, duties.notes) == ([], [], [])


def test_inherited_responsibility_applies_to_following_items_of_the_same_document() -> None:
    text = "\n".join(
        [
            "某市工作要点",
            "一、第一部分",
            "(一)办好实事。推进工作。(市行政审批局牵头,市直相关单位按职责分工负责。"
            "各县市区人民政府、园区管委会均为责任单位,以下不再列出)",
            "(二)推进共享。建设平台。(市大数据中心牵头)",
            "(三)完善机制。持续推进。(市直相关单位按职责分工负责)",
        ]
    )
    chunks = [c for c in parse_text(text, "t").chunks if c.kind == "item"]
    supports = [c.support for c in chunks]
    assert supports == [
        ["市直相关单位", "各县市区人民政府", "园区管委会"],
        ["各县市区人民政府", "园区管委会"],
        ["市直相关单位", "各县市区人民政府", "园区管委会"],
    ]
    assert chunks[1].lead == ["市大数据中心"]


def test_heading_note_applies_to_its_items_without_their_own() -> None:
    text = "方案\n一、数字政府（市数据局牵头）\n1.建设平台。完成上线。\n2.共享数据。按期完成。（市财政局牵头）"
    chunks = [c for c in parse_text(text, "h").chunks if c.kind == "item"]
    assert [c.lead for c in chunks] == [["市数据局"], ["市财政局"]]


def test_bracket_spans_nest_across_kinds_and_ignore_unclosed() -> None:
    text = "〔甲(乙)丙〕丁(戊"
    assert [text[a:b] for a, b in bracket_spans(text)] == ["〔甲(乙)丙〕"]


def test_split_keeps_names_that_contain_he() -> None:
    assert split_departments("市自然资源和规划局、市人力资源和社会保障局和各园区") == [
        "市自然资源和规划局",
        "市人力资源和社会保障局",
        "各园区",
    ]
