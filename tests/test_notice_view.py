"""A notice around a cited clause: metadata, outline, every clause once, the cited one marked, all escaped."""

from __future__ import annotations

import re

from index.stores.base import notice_info
from ingest import parse_text
from tests.conftest import NOTICE_A
from web.notice_view import notice_dict, notice_html

TWO_DOCS = """某市领导小组关于印发《甲工作要点》和《乙工作要点》的通知
各有关单位：现将两份要点印发给你们。
甲工作要点
一、审批
1.压缩审批时限。（市数据局牵头）
乙工作要点
一、公开
1.推进政务公开。（市政府办公室牵头）
"""


def test_every_clause_once_in_order_with_the_cited_one_marked() -> None:
    chunks = parse_text(NOTICE_A, "a").chunks
    cited = chunks[2]
    page = notice_html(notice_info(chunks), chunks, cited.id)
    assert re.findall(r'data-chunk="([^"]+)"', page) == [c.id for c in chunks]
    assert page.count('class="clause here"') == 1
    assert re.search(r'class="clause here" data-chunk="([^"]+)"', page).group(1) == cited.id
    headings = {h for c in chunks for h in c.section}
    for heading in headings:  # each heading once in the outline and once in the text
        assert page.count(f">{heading}</a>") == 1 and page.count(f">{heading}</h4>") == 1
    assert "本条：" in page and notice_html(notice_info(chunks), chunks).count("here") == 0


def test_a_notice_of_several_documents_outlines_each_and_escapes_what_it_says() -> None:
    chunks = parse_text(TWO_DOCS, "t").chunks
    page = notice_html(notice_info(chunks), chunks)
    outline = re.findall(r'<li class="d(\d)"><a href="#nv-s\d+">([^<]+)</a>', page)
    assert [name for _, name in outline] == ["甲工作要点", "一、审批", "乙工作要点", "一、公开"]
    assert [depth for depth, _ in outline] == ["0", "1", "0", "1"]
    hostile = parse_text("<script>alert(1)</script>通知\n一、任务\n1.开展<b>试点</b>。（市数据局牵头）\n", "h").chunks
    page = notice_html(notice_info(hostile), hostile, hostile[-1].id)
    assert "<script>" not in page and "&lt;script&gt;" in page and "&lt;b&gt;试点&lt;/b&gt;" in page


def test_the_json_form_names_the_notice_and_each_clause_with_its_duties() -> None:
    chunks = parse_text(NOTICE_A, "a").chunks
    data = notice_dict(notice_info(chunks), chunks)
    assert data["notice"]["doc_id"] == "a" and data["notice"]["chunks"] == len(chunks)
    assert [c["id"] for c in data["clauses"]] == [c.id for c in chunks]
    assert any(c["lead"] for c in data["clauses"])


def test_the_wen_hao_and_the_librarys_own_id_are_each_named() -> None:
    """Issue 44, item 7: "编号" showed the internal id beside the unlabelled real 文号."""
    notice = "汉中市人民政府办公室\n汉政办发〔2024〕12号\n" + NOTICE_A
    chunks = parse_text(notice, "a").chunks
    assert chunks[0].doc_number == "汉政办发〔2024〕12号"
    page = notice_html(notice_info(chunks), chunks)
    assert "文号：汉政办发〔2024〕12号" in page and "库内编号：a" in page and "　编号：" not in page


def test_a_part_that_is_one_paragraph_is_in_the_outline_and_the_uploaded_name_is_shown(seeds) -> None:
    """Issue 44, item 7: 四、保障措施 (a heading over one paragraph, read as one item) was missing from the outline."""
    chunks = seeds["002"].chunks  # the bundled 经开区 方案 opens with such a part: 一、总体要求
    page = notice_html(notice_info(chunks), chunks, uploaded_as="经开区 方案（定稿）.docx")
    outline = re.findall(r'<li class="d\d"><a href="#nv-[sc]\d+">([^<]+)</a>', page)
    assert outline[:2] == ["一、总体要求", "二、主要任务"] and "三、保障措施" in outline
    assert "上传文件：经开区 方案（定稿）.docx" in page
