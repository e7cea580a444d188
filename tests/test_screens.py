"""The page on a phone (400 px) and a wide screen (1400 px), in Chromium against the running app.

What staff saw go wrong on a phone: a notice opened below the fold, the task table showing only
its 通知 column, export names cut to ".x", the 对话 label over the first line of every answer,
an English upload box. Each check here is a measurement of the rendered page: where an element
is after a click, whether anything overlaps, whether the page scrolls sideways.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.appserver import HAS_CHROMIUM, chromium_page

pytestmark = [
    pytest.mark.model,
    pytest.mark.skipif(not HAS_CHROMIUM, reason="Debian's chromium is not installed (the test command installs it)"),
]
WIDTHS = [400, 1400]
#: Gradio's own English, which must not show on the page whatever the browser's language.
ENGLISH = ("Drop File Here", "Click to Upload", "Use via API", "Built with Gradio", "Textbox")

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
IN_VIEW = """(selector) => { const e = document.querySelector(selector); if (!e) { return false; }
  const r = e.getBoundingClientRect();
  return r.height > 0 && r.top >= -2 && r.top < window.innerHeight && r.bottom > 0; }"""
#: The first line of the newest answer, and every chat overlay (labels, buttons) it intersects.
FIRST_LINE_COVERED = """() => {
  const rows = document.querySelectorAll('#chat .bot-row');
  const message = rows[rows.length - 1].querySelector('.message-content, .prose, .md') || rows[rows.length - 1];
  const walker = document.createTreeWalker(message, NodeFilter.SHOW_TEXT);
  let node = walker.nextNode();
  while (node && !node.textContent.trim()) { node = walker.nextNode(); }
  const range = document.createRange();
  range.selectNodeContents(node);
  const line = range.getClientRects()[0];
  const wrap = document.querySelector('#chat .bubble-wrap').getBoundingClientRect();
  const covers = Array.from(document.querySelectorAll(
      '#chat label, #chat [data-testid="block-label"], #chat .icon-button-wrapper, #chat .icon-buttons'))
    .filter((e) => e.offsetParent !== null)
    .map((e) => e.getBoundingClientRect())
    .filter((r) => r.width && r.height && r.left < line.right && r.right > line.left
                   && r.top < line.bottom && r.bottom > line.top);
  return {text: node.textContent.trim().slice(0, 20), covered: covers.length,
          visible: line.top >= wrap.top && line.bottom <= wrap.bottom};
}"""


def _ask(page: Any, question: str) -> None:
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function("document.querySelectorAll('#chat .message-buttons-left').length >= 1", timeout=60_000)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_chat_answer_is_read_from_its_first_line_and_a_notice_opens_in_view(
    app_server: dict[str, object], width: int
) -> None:
    with chromium_page(width, 900) as page:
        page.goto(str(app_server["url"]))
        _ask(page, "哪些部门负责12345热线")
        page.wait_for_timeout(300)  # the answer's own scroll (SCROLL_TO_ANSWER) has run
        first = page.evaluate(FIRST_LINE_COVERED)
        assert first["text"] and first["covered"] == 0 and first["visible"], first
        assert page.evaluate(NO_SIDEWAYS_SCROLL)
        page.evaluate("window.scrollTo(0, 0)")  # staff read from the top: the notice panel may be far below
        page.locator("#chat .cite").nth(0).locator("a.open-notice").click()
        page.wait_for_selector("#notice-view .here", timeout=15_000)
        page.wait_for_function(IN_VIEW, arg="#notice-view .here", timeout=5_000)
        assert page.evaluate(NO_SIDEWAYS_SCROLL)


@pytest.mark.parametrize("width", WIDTHS)
def test_tables_scroll_in_their_box_key_columns_first_and_export_names_whole(
    app_server: dict[str, object], width: int
) -> None:
    with chromium_page(width, 900) as page:
        page.goto(str(app_server["url"]))
        page.get_by_role("tab", name="部门任务").click()
        page.locator("#department input").fill("市数据局")
        page.get_by_role("option", name="市数据局（汉中市）", exact=True).click()  # two cities: with its place
        page.wait_for_function("document.querySelector('#task-status').innerText.includes('市数据局（汉中市）：共')",
                               timeout=30_000)  # fmt: skip
        headers = page.locator("#tasks thead th").all_inner_texts()
        assert [h.strip() for h in headers[:3]] == ["工作事项", "角色", "完成时限"]
        box = page.evaluate("""() => { const v = document.querySelector('#tasks .virtual-table-viewport')
            || document.querySelector('#tasks table').parentElement;
            return {scroll: v.scrollWidth, client: v.clientWidth}; }""")
        if width == 400:
            assert box["scroll"] > box["client"]  # the table scrolls sideways in its own box …
        assert page.evaluate(NO_SIDEWAYS_SCROLL)  # … never the page
        page.locator("#tasks-xlsx .filename").first.wait_for(timeout=15_000)
        name = page.evaluate("""() => { const s = document.querySelector('#tasks-xlsx .filename .stem');
            return {text: s.innerText, cut: s.scrollWidth > s.clientWidth + 1}; }""")
        assert name["text"].replace("\n", "").startswith("任务-市数据局-汉中市-") and not name["cut"], name
        # the overview: a cell opens that department's items in that notice, and the list comes into view
        page.evaluate("window.scrollTo(0, 0)")
        page.get_by_text("部门 × 通知 总览").click()
        row = page.locator('#overview [role=row][aria-rowindex="2"]')  # the department leading most items
        row.wait_for(timeout=15_000)
        cells = [c.strip() for c in row.locator("[role=gridcell]").all_inner_texts()]
        column = next(i for i, c in enumerate(cells) if i >= 4 and c)  # a notice in which it has items
        row.locator("[role=gridcell]").nth(column).click()
        page.wait_for_function(f"document.querySelector('#task-status').innerText.startsWith('{cells[0]}在《')",
                               timeout=30_000)  # fmt: skip
        page.wait_for_function(IN_VIEW, arg="#task-status", timeout=5_000)
        counts = {role: re.search(rf"{role} (\d+)", cells[column]) for role in ("牵头", "配合")}
        lead, support = (int(m.group(1)) if m else 0 for m in counts.values())
        assert f"（牵头 {lead} 项，配合 {support} 项）" in page.locator("#task-status").inner_text()  # the cell's list
        assert page.evaluate(NO_SIDEWAYS_SCROLL)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_library_speaks_chinese_and_shows_its_columns(app_server: dict[str, object], width: int) -> None:
    with chromium_page(width, 900) as page:
        page.goto(str(app_server["url"]))
        page.get_by_role("tab", name="通知库").click()
        page.wait_for_selector("#library table", timeout=15_000)
        text = page.evaluate("document.body.innerText")
        assert not [words for words in ENGLISH if words in text]
        upload = page.evaluate("""() => getComputedStyle(
            document.querySelector('#upload [data-testid="upload-text"]'), '::after').content""")
        assert "拖放文件" in upload
        headers = [h.strip() for h in page.locator("#library thead th").all_inner_texts()]
        assert headers[0] == "标题" and "发文机关" in headers and "doc_id" in headers
        if width == 1400:  # every column in the table's box, none pushed off by a long title
            out = page.evaluate("""() => { const box = document.querySelector('#library').getBoundingClientRect();
                return Array.from(document.querySelectorAll('#library thead th'))
                  .filter((th) => th.getBoundingClientRect().right > box.right + 1).map((th) => th.innerText); }""")
            assert out == []
        assert page.evaluate(NO_SIDEWAYS_SCROLL)
        assert not re.search(r"\bDrop\b", page.locator("#upload").inner_text())
