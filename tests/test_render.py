"""Rendering answers: escaped HTML with highlights, the lead line, the abstain message, CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from index import Searcher
from ingest import parse_text
from tests.fakes import KeywordEmbedder
from web.render import NEAREST_HEADING, NO_MATCH, answer_html, citations_csv, highlight


def test_markup_in_clauses_is_escaped_and_terms_highlighted(tmp_path: Path) -> None:
    notice = parse_text(
        "某市数据工作方案\n一、任务\n1.规范12345热线<script>alert(1)</script>运行。（市数据局牵头）", "x"
    )
    searcher = Searcher.build(notice.chunks, embedder=KeywordEmbedder(), cache_dir=tmp_path)
    answer = searcher.answer("哪些部门负责12345热线")
    page = answer_html(answer)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<mark>12345</mark>" in page and "<mark>热线</mark>" in page
    assert "市数据局牵头（第1项）" in page and "牵头：市数据局" in page
    rows = list(csv.reader(io.StringIO(citations_csv(answer, "2024-05-01 09:30:00").lstrip("\ufeff"))))
    assert rows[:2] == [["问题", "哪些部门负责12345热线"], ["检索时间", "2024-05-01 09:30:00"]]
    assert rows[3][:3] == ["序号", "通知", "发文机关"] and rows[4][5] == "第1项" and rows[4][6] == "市数据局"
    assert rows[4][-1] == "x#一/1"


def test_abstained_answer_says_so(tmp_path: Path) -> None:
    notice = parse_text("某市数据工作方案\n一、任务\n1.规范12345热线运行。（市数据局牵头）", "x")
    searcher = Searcher.build(notice.chunks, embedder=KeywordEmbedder(), cache_dir=tmp_path)
    answer = searcher.answer("今天天气怎么样")
    page = answer_html(answer)
    assert page.startswith("没有找到足够相关的条款。通知中没有出现这些词：“今天天气”") and "没有关于" not in page
    assert NEAREST_HEADING in page and answer.nearest and answer.nearest[0].id in page  # the closest, labelled
    assert "牵头部门" not in page  # no lead line for a refusal
    answer.nearest = []
    assert answer_html(answer) == answer.message
    answer.message = ""
    assert answer_html(answer) == NO_MATCH


def test_highlight_prefers_longer_terms_and_ignores_blank() -> None:
    assert highlight("一件事一次办", ["一件事", "一件事一次办", " "]) == "<mark>一件事一次办</mark>"
    assert highlight("a<b", []) == "a&lt;b"


def test_deadline_shows_in_the_citation_and_the_csv(tmp_path: Path) -> None:
    notice = parse_text("2024年某市工作要点\n一、任务\n1.规范12345热线运行。（6月底前完成，市数据局牵头）", "x")
    searcher = Searcher.build(notice.chunks, embedder=KeywordEmbedder(), cache_dir=tmp_path)
    answer = searcher.answer("哪些部门负责12345热线")
    assert "完成时限：6月底前完成（2024-06-30）" in answer_html(answer)
    rows = list(csv.reader(io.StringIO(citations_csv(answer).lstrip("\ufeff"))))
    assert rows[3][8:10] == ["完成时限", "截止日期"] and rows[4][8:10] == ["6月底前完成", "2024-06-30"]
