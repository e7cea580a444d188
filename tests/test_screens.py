"""The page on a phone (400 px) and a wide screen (1400 px), in Chromium against the running app.

What staff saw go wrong on a phone: a notice opened below the fold, the task table showing only
its 通知 column, export names cut to ".x", the 对话 label over the first line of every answer,
an English upload box. Each check here is a measurement of the rendered page: where an element
is after a click, whether anything overlaps, whether the page scrolls sideways.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.appserver import HAS_CHROMIUM, TOKEN, api_upload, chromium_page
from tests.conftest import NOTICE_B

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


#: Every label Gradio writes in English and a reader would hear or see (aria-label, title).
ENGLISH_LABELS = """() => Array.from(document.querySelectorAll('[aria-label], [title]'))
  .flatMap((e) => ['aria-label', 'title'].map((a) => e.getAttribute(a)).filter(Boolean))
  .filter((t) => /[A-Za-z]{3,}/.test(t.replace(/doc_id|\\.(xlsx|csv|docx)|https?:\\S+|[\\w-]+#\\S+/g, '')))"""


def _pick_department(page: Any, name: str) -> None:
    page.get_by_role("tab", name="部门任务").click()
    page.locator("#department input").fill(name.split("（")[0])
    page.get_by_role("option", name=name, exact=True).click()
    page.wait_for_function(f"document.querySelector('#task-status').innerText.includes('{name}：共')", timeout=30_000)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_role_filter_counts_both_roles_and_an_empty_list_empties_the_notice_panel(
    app_server: dict[str, object], width: int
) -> None:
    """Issue 44, items 1 and 2: the status line's counts are the table's, and nothing stale stays."""
    with chromium_page(width, 900) as page:
        page.goto(str(app_server["url"]))
        _pick_department(page, "市数据局（汉中市）")
        status = page.locator("#task-status").inner_text()
        total = int(re.search(r"共 (\d+) 项", status).group(1))
        led = int(re.search(r"牵头 (\d+) 项", status).group(1))
        page.wait_for_function(
            f"document.querySelectorAll('#tasks [role=row][aria-rowindex]').length === {total} + 1", timeout=10_000
        )
        assert total == led > 0  # it leads every item it has
        page.locator('#tasks [role=row][aria-rowindex="2"] [role=gridcell]').first.click()  # opens its notice below
        page.wait_for_selector("#task-notice .here", timeout=15_000)
        page.get_by_label("配合", exact=True).check()
        page.wait_for_function("document.querySelector('#task-status').innerText.includes('列出配合的 0 项')",
                               timeout=30_000)  # fmt: skip
        assert f"共 {total} 项（牵头 {led} 项，配合 0 项）" in page.locator("#task-status").inner_text()  # both roles
        page.wait_for_function("!document.querySelector('#task-notice .here')", timeout=10_000)  # the panel emptied
        rows = "document.querySelectorAll('#tasks [role=row][aria-rowindex]').length"
        assert page.evaluate(f"{rows} <= 1 && !document.querySelector('#tasks [role=gridcell]')?.innerText.trim()")
        assert page.locator("#tasks-xlsx .filename").count() == 0 and page.locator("#tasks-csv .filename").count() == 0
        page.get_by_label("牵头", exact=True).check()
        page.wait_for_function(
            f"document.querySelectorAll('#tasks [role=row][aria-rowindex]').length === {led} + 1", timeout=30_000
        )


@pytest.mark.parametrize("width", WIDTHS)
def test_the_delete_confirmation_comes_into_view_and_deletes(
    app_server: dict[str, object], width: int, tmp_path: Path
) -> None:
    """Issue 44, item 3: 删除 shows 确认 / 取消 in the window (it sat below the fold on a phone), and 确认 works."""
    title = f"某县宽{width}临时停车治理工作方案"
    notice = tmp_path / f"临时方案{width}.txt"
    notice.write_text(NOTICE_B.replace("某区经开区深化审批改革工作方案", title), encoding="utf-8")
    assert api_upload(str(app_server["url"]), notice)["status"] == "已添加"
    with chromium_page(width, 860 if width == 400 else 900) as page:
        page.goto(str(app_server["url"]))
        page.get_by_role("tab", name="通知库").click()
        page.locator("#write-token input").fill(TOKEN)
        page.locator("#doomed input").fill(title[:8])
        page.get_by_role("option").filter(has_text=title).first.click()
        page.locator("#delete").click()
        page.wait_for_selector("#confirm", state="visible", timeout=10_000)
        page.wait_for_function(IN_VIEW, arg="#confirm-yes", timeout=5_000)
        assert title in page.locator("#confirm-question").inner_text()
        page.locator("#confirm-yes").click()
        page.wait_for_function("document.querySelector('#delete-status').innerText.includes('已删除')", timeout=30_000)
        assert title not in page.locator("#library").inner_text()
        assert page.evaluate(NO_SIDEWAYS_SCROLL)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_phone_reads_the_key_columns_taps_40_px_targets_and_hears_no_english(
    app_server: dict[str, object], width: int
) -> None:
    """Issue 44, items 9 and 10, at both widths."""
    with chromium_page(width, 860 if width == 400 else 900) as page:
        page.goto(str(app_server["url"]))
        page.wait_for_selector("#question textarea")
        examples = page.evaluate("document.querySelector('#question').getBoundingClientRect().bottom")
        assert examples < 860 * 0.7  # the question box is on the first screen, examples under it
        box = page.evaluate("""() => [document.querySelector('#question').getBoundingClientRect().width,
                                      document.querySelector('#ask-row').getBoundingClientRect().width]""")
        if width == 400:
            assert box[0] >= box[1] * 0.95  # the whole width for the question
        _ask(page, "哪些部门负责12345热线")
        targets = page.evaluate("""() => Array.from(document.querySelectorAll(
            '#chat .message-buttons-left button')).map((b) => [b.getBoundingClientRect().width,
                                                               b.getBoundingClientRect().height])""")
        assert targets and all(w >= 40 and h >= 40 for w, h in targets), targets
        assert page.locator("#chat .scroll-down-button-container").evaluate_all(
            "(all) => all.every((e) => !e.offsetParent)"
        )  # no ↓ over the clause text
        _pick_department(page, "市数据局（汉中市）")
        visible = page.evaluate("""() => { const box = document.querySelector('#tasks').getBoundingClientRect();
            return Array.from(document.querySelectorAll('#tasks thead th')).slice(0, 3)
              .map((th) => th.getBoundingClientRect().right <= box.right + 1); }""")
        assert visible == [True, True, True]  # 工作事项, 角色, 完成时限 without scrolling
        page.get_by_role("tab", name="通知库").click()
        page.wait_for_selector("#library table", timeout=15_000)
        picker = page.evaluate("document.querySelector('#doomed').getBoundingClientRect().width")
        assert picker >= min(width - 80, 300)
        heights = page.evaluate("""() => Array.from(document.querySelectorAll('#library tbody tr'))
            .map((tr) => tr.querySelectorAll('td')[2]).filter(Boolean)
            .map((td) => td.getBoundingClientRect().height)""")
        assert heights and max(heights) < 80  # a date on a line or two, never four
        for tab in ("问答", "部门任务", "通知库", "反馈"):
            page.get_by_role("tab", name=tab).click()
            page.wait_for_timeout(300)
            assert page.evaluate(ENGLISH_LABELS) == []
        assert page.evaluate(NO_SIDEWAYS_SCROLL)
