"""The web app, running for real on loopback: its API, uploads, and the page in Chromium."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from index import DEFAULT_MODE
from tests.appserver import CHROMIUM, HAS_CHROMIUM, TOKEN, api_upload, chromium_page, start_app, stop_app
from tests.conftest import NOTICE_A, NOTICE_B, ROOT
from tests.servers import free_port
from web.library import Library, UploadError, safe_stem

pytestmark = pytest.mark.model

HOTLINE = "哪些部门负责12345热线"


@pytest.fixture(scope="module")
def client(app_server: dict[str, object]):
    from gradio_client import Client

    return Client(str(app_server["url"]), verbose=False)


def test_api_cites_the_hotline_clauses(client) -> None:
    result = client.predict(HOTLINE, api_name="/search")
    ids = [h["id"] for h in result["hits"]]
    assert "000_4339a6bb93f327d8#四/13" in ids and "001_5f454b59c5b739ff#d1/三/(十)" in ids
    item13 = next(h for h in result["hits"] if h["id"] == "000_4339a6bb93f327d8#四/13")
    assert item13["lead"] == ["市行政审批服务局", "市数据局"] and item13["section"] == ["四、深入推动政务服务迭代升级"]
    assert "市行政审批服务局、市数据局牵头（第13项）" in result["lead_line"]
    assert client.predict("今天汉中的天气怎么样", api_name="/search")["abstained"] is True
    assert client.predict("热线", 5, "magic", api_name="/search")["parameter"] == "mode"


def test_the_json_api_answers_on_the_chats_port_with_curl(app_server: dict[str, object]) -> None:
    import shutil
    import subprocess

    url = str(app_server["url"]).rstrip("/")
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    body = json.dumps({"question": HOTLINE, "k": 3}, ensure_ascii=False)
    command = ["curl", "-s", "-X", "POST", f"{url}/api/search", "-H", "content-type: application/json", "-d", body]
    answer = json.loads(subprocess.run(command, capture_output=True, text=True, check=True, timeout=30).stdout)
    assert "市行政审批服务局、市数据局牵头（第13项）" in answer["lead_line"] and len(answer["hits"]) == 3
    spec = json.loads(subprocess.run(["curl", "-s", f"{url}/api/openapi.json"], capture_output=True, check=True).stdout)
    assert "/api/search" in spec["paths"]
    refused = subprocess.run(
        ["curl", "-s", "-X", "POST", f"{url}/api/notices", "-F", "file=@/dev/null"], capture_output=True
    )
    assert "需要令牌" in json.loads(refused.stdout)["error"]  # changes need the write token


def test_the_page_cannot_be_framed_or_sniffed(app_server: dict[str, object]) -> None:
    import httpx

    page = httpx.get(str(app_server["url"]), timeout=10)
    assert page.status_code == 200 and page.headers["x-frame-options"] == "DENY"
    assert page.headers["content-security-policy"] == "frame-ancestors 'none'"
    assert page.headers["x-content-type-options"] == "nosniff"


def test_upload_then_the_next_answer_finds_the_new_item(client, app_server: dict[str, object], tmp_path: Path) -> None:
    notice = tmp_path / "经开区方案.txt"
    notice.write_text(NOTICE_B.replace("周末不打烊", "周末不打烊，推行夜间延时帮办服务"), encoding="utf-8")
    added = api_upload(str(app_server["url"]), notice)
    assert added["status"] == "已添加" and added["chunks"] >= 2
    result = client.predict("夜间延时帮办服务", api_name="/search")
    assert result["hits"][0]["doc_id"] == added["doc_id"] and "夜间延时帮办" in result["hits"][0]["text"]
    again = api_upload(str(app_server["url"]), notice)
    assert again["status"].startswith("已在库中")
    # raw copies gone once dealt with: in the app's own temporary folder (which exists once Gradio has
    # written to it, whatever test did that first) and in the machine's /tmp/gradio, which it never uses
    for temp in (Path(str(app_server["data"])) / "tmp", Path("/tmp/gradio")):
        if temp.is_dir():
            assert not list(temp.rglob("经开区方案.txt")), temp
    bad = tmp_path / "tool.exe"
    bad.write_bytes(b"MZ")
    assert "不支持的文件类型" in api_upload(str(app_server["url"]), bad)["error"]


def test_library_limits_and_safe_names(tmp_path: Path, real_searcher) -> None:
    library = Library(real_searcher, tmp_path / "data")
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(21 * 1024 * 1024)
    with pytest.raises(UploadError, match="文件过大"):
        library.upload(big)
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(UploadError, match="空文件"):
        library.upload(empty)
    assert safe_stem("../../a b;rm -rf.txt") == "a_b_rm_-rf"
    assert not (tmp_path / "data" / "uploads").exists() or not list((tmp_path / "data" / "uploads").iterdir())


@pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (the test command installs it)"
)
def test_browser_question_answer_and_feedback(app_server: dict[str, object], tmp_path: Path) -> None:
    with chromium_page() as page:
        page.goto(str(app_server["url"]))
        box = page.locator("#question textarea")
        box.fill(HOTLINE)
        box.press("Enter")
        page.wait_for_selector(".cite", timeout=60_000)
        chat = page.locator("#chat").inner_text()
        assert "牵头部门" in chat and "市行政审批服务局、市数据局牵头（第13项）" in chat
        assert "加强12345热线企业群众诉求办理" in chat and "规范12345政务服务热线运行管理" in chat
        assert page.locator("#chat mark").count() > 0  # matched terms highlighted
        page.locator("#chat button[aria-label='没有帮助']").last.click()
        page.wait_for_function(
            "document.querySelector('#feedback-status').innerText.includes('已记录')", timeout=15_000
        )
        page.screenshot(path=str(tmp_path / "chat.png"))
    lines = (Path(app_server["data"]) / "feedback.jsonl").read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[-1])
    assert record["vote"] == "down" and record["question"] == HOTLINE
    assert "000_4339a6bb93f327d8#四/13" in record["chunk_ids"]
    assert (tmp_path / "chat.png").stat().st_size > 10_000


def _ask(page: object, question: str, answers: int) -> None:
    """Type a question into the chat and wait until the page shows ``answers`` answers."""
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(
        f"document.querySelectorAll('#chat .message-buttons-left').length >= {answers}",
        timeout=60_000,
    )


def _vote(page: object, which: int, question: str, button: str = "有帮助") -> None:
    """Press 👍 (有帮助, or 👎 没有帮助: the page's Chinese labels) under answer number ``which`` (0: the first shown); wait for the confirmation."""
    buttons = page.locator("#chat .message-buttons-left").nth(which)
    buttons.locator(f"button[aria-label='{button}']").click()
    page.wait_for_function(
        f"document.querySelector('#feedback-status').innerText.includes({json.dumps(question)})", timeout=15_000
    )


def _votes(app_server: dict[str, object]) -> list[dict[str, object]]:
    log = Path(app_server["data"]) / "feedback.jsonl"  # type: ignore[arg-type]
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")
def test_a_vote_after_clearing_the_chat_or_on_an_older_answer_lands_on_that_answer(
    app_server: dict[str, object], client
) -> None:
    first, second, third = "双随机一公开", "企业开办时限压缩到多久", "秦政通"
    with chromium_page() as page:
        page.goto(str(app_server["url"]))
        _ask(page, first, 1)
        page.locator("#chat button[aria-label='清空']").click()
        page.wait_for_function("document.querySelectorAll('#chat .cite').length === 0", timeout=15_000)
        _ask(page, second, 1)
        before = len(_votes(app_server))
        _vote(page, 0, second)  # the first answer shown now is the second question's
        _ask(page, third, 2)
        _vote(page, 0, second, "没有帮助")  # an older answer, its vote changed
        _vote(page, 1, third)
    votes = _votes(app_server)[before:]
    assert [(v["question"], v["vote"]) for v in votes] == [(second, "up"), (second, "down"), (third, "up")]
    expected = [h["id"] for h in client.predict(second, 5, DEFAULT_MODE, api_name="/search")["hits"]]
    assert votes[0]["chunk_ids"] == votes[1]["chunk_ids"] == expected
    assert votes[0]["answer_id"] == votes[1]["answer_id"] != votes[2]["answer_id"]
    assert all(v["mode"] == DEFAULT_MODE and v["filters"] == {} for v in votes)
    assert len({v["index_version"] for v in votes}) == 1 and votes[0]["index_version"]


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")
def test_staff_can_name_the_right_clause_from_the_whole_library_and_review_every_vote(
    app_server: dict[str, object], client
) -> None:
    """Issue 44, item 11: the right clause need not be one of the five shown; votes have a page of their own."""
    from openpyxl import load_workbook

    question = "企业开办时限压缩到多久"
    shown = [h["id"] for h in client.predict(question, 5, DEFAULT_MODE, api_name="/search")["hits"]]
    elsewhere = client.predict("12345热线与110报警服务平台对接联动", 10, DEFAULT_MODE, api_name="/search")["hits"]
    wanted = next(h for h in elsewhere if h["id"] not in shown)  # a clause the answer did not show
    with chromium_page() as page:
        page.goto(str(app_server["url"]))
        _ask(page, question, 1)
        before = len(_votes(app_server))
        page.locator("#pick-box").get_by_text("回答不对").click()
        page.locator("#right input").click()
        page.get_by_role("option").filter(has_text="[2]").first.click()
        page.locator("#pick").click()
        page.wait_for_function(
            "document.querySelector('#feedback-status').innerText.includes('已记录正确条款')", timeout=15_000
        )
        page.locator("#find textarea").fill("12345热线与110报警服务平台对接联动")
        page.locator("#find-go").click()
        page.wait_for_function("document.querySelector('#feedback-status').innerText.includes('找到')", timeout=30_000)
        page.locator("#right input").click()
        page.get_by_role("option").filter(has_text=wanted["text"][:10]).first.click()
        page.locator("#pick").click()
        page.wait_for_function(  # it said 找到 … until this pick was recorded
            "document.querySelector('#feedback-status').innerText.includes('已记录正确条款')", timeout=15_000
        )
        page.get_by_role("tab", name="反馈").click()
        page.locator("#vote input").click()
        page.get_by_role("option", name="指出正确条款").click()
        page.locator("#vote-words textarea, #vote-words input").first.fill("企业开办")
        page.locator("#show-votes").click()
        page.wait_for_function("document.querySelector('#votes-status').innerText.includes('指出正确条款 2')",
                               timeout=15_000)  # fmt: skip
        table = page.locator("#votes").inner_text()
        assert question in table and wanted["id"] in table and (wanted["title"] or wanted["notice_title"]) in table
        page.locator("#export-votes").click()
        page.locator("#votes-file a").first.wait_for(timeout=15_000)
        href = page.locator("#votes-file a").first.get_attribute("href")
    picks = _votes(app_server)[before:]
    assert [p["right"] for p in picks] == [shown[1], wanted["id"]]  # the second from the whole library
    assert all(p["vote"] == "pick" and p["chunk_ids"] == shown and p["question"] == question for p in picks)
    import httpx

    data = httpx.get(str(app_server["url"]).rstrip("/") + href if href.startswith("/") else href, timeout=30).content
    path = Path(app_server["data"]) / "votes.xlsx"  # type: ignore[arg-type]
    path.write_bytes(data)
    sheet = load_workbook(path).active
    rows = [r for r in sheet.iter_rows(min_row=4, values_only=True)]
    assert sheet["A1"].value == "问答反馈" and len(rows) == 2
    assert {r[6] for r in rows} == {shown[1], wanted["id"]} and all(r[2] == question for r in rows)


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")
def test_two_tabs_vote_on_their_own_answers(app_server: dict[str, object]) -> None:
    with chromium_page() as page:
        other = page.context.browser.new_page()  # a second tab with its own session
        page.goto(str(app_server["url"]))
        other.goto(str(app_server["url"]))
        _ask(page, "双随机一公开", 1)
        _ask(other, "秦政通", 1)
        before = len(_votes(app_server))
        _vote(other, 0, "秦政通")
        _vote(page, 0, "双随机一公开")
    assert [v["question"] for v in _votes(app_server)[before:]] == ["秦政通", "双随机一公开"]


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")
def test_the_library_tab_shows_what_the_index_holds_after_a_reload_and_uploads_only_new_files(
    app_server: dict[str, object], client, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "夜间经济方案.txt"  # uploaded by someone else, after this page's app started
    elsewhere.write_text(NOTICE_B.replace("某区经开区深化审批改革工作方案", "某县夜间经济工作方案"), encoding="utf-8")
    assert api_upload(str(app_server["url"]), elsewhere)["status"] == "已添加"
    mine = tmp_path / "早市方案.txt"
    mine.write_text(NOTICE_B.replace("某区经开区深化审批改革工作方案", "某县早市便民工作方案"), encoding="utf-8")
    with chromium_page() as page:
        page.goto(str(app_server["url"]))
        page.get_by_role("tab", name="通知库").click()
        page.wait_for_function("document.body.innerText.includes('某县夜间经济工作方案')", timeout=15_000)
        page.locator("#upload input[type=file]").set_input_files(str(mine))  # no write token yet: refused
        page.wait_for_function("document.querySelector('#upload-status').innerText.includes('需要写入令牌')")
        assert "某县早市便民工作方案" not in page.locator("#library").inner_text()
        page.locator("#write-token input").fill(TOKEN)  # every write needs it
        page.locator("#upload input[type=file]").set_input_files(str(mine))
        page.wait_for_function("document.querySelector('#upload-status').innerText.includes('已添加')", timeout=60_000)
        assert "早市方案.txt" not in page.locator("#upload").inner_text()  # the box is empty again
        page.wait_for_function("document.body.innerText.includes('某县早市便民工作方案')", timeout=15_000)
        page.reload()
        page.get_by_role("tab", name="通知库").click()
        page.wait_for_function("document.body.innerText.includes('某县早市便民工作方案')", timeout=15_000)


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")
def test_an_example_chip_asks_its_question_and_only_an_answer_is_exported(app_server: dict[str, object]) -> None:
    with chromium_page() as page:
        page.goto(str(app_server["url"]))
        page.get_by_text("检索设置与筛选").click()
        page.get_by_text("混合（默认）").first.wait_for(timeout=15_000)  # the modes in staff's words
        page.get_by_text("哪些部门负责12345热线", exact=True).first.click()
        page.wait_for_selector("#chat .cite", timeout=60_000)
        assert "市行政审批服务局、市数据局牵头（第13项）" in page.locator("#chat").inner_text()
        link = page.locator("#export a").first
        link.wait_for(timeout=15_000)
        with page.expect_download() as download:
            link.click()
        rows = download.value.path().read_text(encoding="utf-8-sig").splitlines()
        assert rows[0] == "问题,哪些部门负责12345热线" and rows[1].startswith("检索时间,20")
        assert rows[3].startswith("序号,通知,发文机关")
        _ask(page, "今天汉中的天气怎么样", 2)
        page.wait_for_function("document.querySelectorAll('#export a').length === 0", timeout=15_000)


def test_the_tasks_api_lists_what_a_department_leads_by_any_of_its_names(client) -> None:
    result = client.predict("市数据局", "牵头", api_name="/tasks")
    assert result["department"] == "市数据局" and result["role"] == "牵头"
    items = {t["chunk_id"]: t for t in result["tasks"]}
    assert items["000_4339a6bb93f327d8#四/13"]["title"] == "强化政务服务效能监管"
    assert all(t["role"] == "牵头" for t in result["tasks"])
    assert "error" in client.predict("市气象局", "", api_name="/tasks")


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")
def test_the_department_tab_lists_the_tasks_and_exports_them_as_xlsx(
    app_server: dict[str, object], client, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    expected = client.predict("市数据局", "", api_name="/tasks")["tasks"]
    with chromium_page() as page:
        page.goto(str(app_server["url"]))
        page.get_by_role("tab", name="部门任务").click()
        page.locator("#department input").fill("市数据局")
        page.get_by_role("option", name="市数据局（汉中市）", exact=True).click()  # two cities: with its place
        page.wait_for_function(
            "document.querySelector('#task-status').innerText.includes('市数据局（汉中市）：共')", timeout=30_000
        )
        assert f"共 {len(expected)} 项" in page.locator("#task-status").inner_text()
        assert "强化政务服务效能监管" in page.locator("#tasks").inner_text()
        link = page.locator("#tasks-xlsx a").first
        link.wait_for(timeout=15_000)
        with page.expect_download() as download:
            link.click()
        download.value.save_as(tmp_path / "tasks.xlsx")
        assert download.value.suggested_filename.startswith("任务-市数据局-汉中市-")  # the department in the name
        page.get_by_role("tab", name="问答").click()
        _ask(page, "市数据局牵头负责哪些工作", 1)  # the list first, then the clauses
        chat = page.locator("#chat").inner_text()
        assert chat.index(f"市数据局牵头的工作（共 {sum(t['role'] == '牵头' for t in expected)} 项）") < chat.index(
            "[1]"
        )
        page.get_by_role("tab", name="部门任务").click()
        page.locator("#tasks").get_by_text("强化政务服务效能监管").first.click()  # a row opens its notice
        page.wait_for_selector("#task-notice .here", timeout=15_000)
        assert "强化政务服务效能监管" in page.locator("#task-notice .here").inner_text()
    sheet = load_workbook(tmp_path / "tasks.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][:6] == ("序号", "工作事项", "条款内容", "角色", "牵头单位", "配合单位") and sheet.freeze_panes == "A4"
    assert [r[1] for r in rows[3:]] == [t["title"] for t in expected] and rows[0][0].startswith("市数据局")


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")
def test_a_new_answer_is_shown_from_its_top(app_server: dict[str, object]) -> None:
    top = """() => { const wrap = document.querySelector('#chat .bubble-wrap');
        const rows = document.querySelectorAll('#chat .bot-row'); const last = rows[rows.length - 1];
        return last.getBoundingClientRect().top - wrap.getBoundingClientRect().top; }"""
    with chromium_page() as page:
        page.goto(str(app_server["url"]))
        _ask(page, "哪些部门负责12345热线", 1)
        _ask(page, "市数据局牵头负责哪些工作", 2)  # a long answer below a long one
        # at the window's top, just below the chat's own buttons (tests/test_screens.py: never under them)
        page.wait_for_function(f"(({top})()) >= 0 && (({top})()) < 60", timeout=10_000)
        assert "市数据局牵头的工作" in page.locator("#chat .bot-row").last.inner_text()


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")
def test_a_citation_opens_its_notice_with_the_clause_marked_and_in_view(app_server: dict[str, object], client) -> None:
    hits = client.predict(HOTLINE, api_name="/search")["hits"]
    notice = client.predict("", hits[1]["id"], api_name="/notice")
    assert notice["notice"]["doc_id"] == hits[1]["doc_id"] and hits[1]["id"] in [c["id"] for c in notice["clauses"]]
    assert "error" in client.predict("nope", api_name="/notice")
    in_view = """() => { const box = document.querySelector('#notice-view .notice');
        const here = box.querySelector('.here'); const b = box.getBoundingClientRect(), h = here.getBoundingClientRect();
        return h.top >= b.top && h.bottom <= b.bottom + 1 && box.scrollTop > 0; }"""
    with chromium_page() as page:
        page.goto(str(app_server["url"]))
        _ask(page, HOTLINE, 1)
        page.locator("#chat .cite").nth(1).locator("a.open-notice").click()  # [2], a clause deep in its notice
        page.wait_for_selector("#notice-view .here", timeout=15_000)
        panel = page.locator("#notice-view")
        assert hits[1]["text"][:20] in panel.locator(".here").inner_text()
        assert len(panel.locator(".here").all()) == 1
        meta = panel.locator(".notice-meta").inner_text()
        assert hits[1]["notice_title"] in meta and hits[1]["issuer"] in meta and "本条：" in meta
        assert hits[1]["section"][-1] in panel.locator(".outline").inner_text()  # the outline names its section
        page.wait_for_function(in_view, timeout=10_000)
        page.locator("#chat .cite").nth(0).locator("a.open-notice").click()  # another citation: the panel follows
        page.wait_for_function(
            f"document.querySelector('#notice-view .here').innerText.includes({json.dumps(hits[0]['text'][:20])})",
            timeout=15_000,
        )
        page.locator("#close-notice").click()
        page.wait_for_selector("#notice-view", state="hidden", timeout=10_000)


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")
def test_a_changed_file_replaces_its_notice_only_after_confirmation(
    app_server: dict[str, object], client, tmp_path: Path
) -> None:
    first = tmp_path / "v1" / "停车方案.txt"
    first.parent.mkdir()
    first.write_text(NOTICE_B.replace("某区经开区深化审批改革工作方案", "某县停车治理工作方案"), encoding="utf-8")
    old = api_upload(str(app_server["url"]), first)
    assert old["status"] == "已添加"
    changed = tmp_path / "v2" / "停车方案.txt"
    changed.parent.mkdir()
    changed.write_text(first.read_text("utf-8").replace("周末不打烊", "周末不打烊，推行错时停车泊位共享"), "utf-8")
    with chromium_page() as page:
        page.goto(str(app_server["url"]))
        page.get_by_role("tab", name="通知库").click()
        page.locator("#write-token input").fill(TOKEN)  # every write needs it
        page.locator("#upload input[type=file]").set_input_files(str(changed))
        page.wait_for_function("document.querySelector('#upload-status').innerText.includes('同名')", timeout=60_000)
        assert "停车方案.txt" in page.locator("#held").inner_text()
        held = client.predict("错时停车泊位共享", api_name="/search")["hits"]
        assert all("错时停车" not in h["text"] for h in held)  # held, not added
        page.locator("#replace").click()  # asked in the page's own confirmation row, as a deletion is
        page.wait_for_selector("#confirm", state="visible", timeout=10_000)
        assert "停车方案.txt" in page.locator("#confirm-question").inner_text()
        page.locator("#confirm-no").click()
        page.wait_for_function("document.querySelector('#upload-status').innerText.includes('未替换')")
        page.wait_for_selector("#confirm", state="hidden", timeout=10_000)
        assert old["doc_id"] in page.locator("#library").inner_text()  # cancelled: nothing changed
        page.locator("#replace").click()
        page.wait_for_selector("#confirm", state="visible", timeout=10_000)
        page.locator("#confirm-yes").click()
        page.wait_for_function(
            "document.querySelector('#upload-status').innerText.includes('已替换《某县停车治理工作方案》')",
            timeout=60_000,
        )
        page.wait_for_function(f"!document.querySelector('#library').innerText.includes({json.dumps(old['doc_id'])})")
        page.wait_for_selector("#held", state="hidden", timeout=10_000)
    found = client.predict("错时停车泊位共享", api_name="/search")["hits"][0]
    assert found["notice_title"] == "某县停车治理工作方案" and found["doc_id"] != old["doc_id"]
    assert not list((Path(app_server["data"]) / "uploads").glob(f"{old['doc_id']}.*"))  # type: ignore[arg-type]


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")
def test_a_notice_is_deleted_only_after_confirmation(app_server: dict[str, object], client, tmp_path: Path) -> None:
    notice = tmp_path / "临时方案.txt"
    notice.write_text(NOTICE_B.replace("某区经开区深化审批改革工作方案", "某县临时停车治理工作方案")
                      .replace("周末不打烊", "周末不打烊，推行临时停车泊位共享"), encoding="utf-8")  # fmt: skip
    added = api_upload(str(app_server["url"]), notice)
    assert added["status"] == "已添加"
    found = client.predict("临时停车泊位共享", api_name="/search")
    assert found["hits"][0]["doc_id"] == added["doc_id"]
    with chromium_page() as page:
        page.goto(str(app_server["url"]))
        page.get_by_role("tab", name="通知库").click()
        page.locator("#write-token input").fill(TOKEN)  # every write needs it
        page.locator("#doomed input").fill("某县临时停车")
        page.get_by_role("option").filter(has_text="某县临时停车治理工作方案").first.click()
        page.locator("#delete").click()
        page.wait_for_selector("#confirm", state="visible", timeout=10_000)
        assert "某县临时停车治理工作方案" in page.locator("#confirm-question").inner_text()
        page.locator("#confirm-no").click()
        page.wait_for_function("document.querySelector('#delete-status').innerText.includes('未删除')")
        page.wait_for_selector("#confirm", state="hidden", timeout=10_000)
        assert "某县临时停车治理工作方案" in page.locator("#library").inner_text()
        page.locator("#delete").click()
        page.wait_for_selector("#confirm", state="visible", timeout=10_000)
        page.locator("#confirm-yes").click()
        page.wait_for_function("document.querySelector('#delete-status').innerText.includes('已删除')")
        page.wait_for_function("!document.querySelector('#library').innerText.includes('某县临时停车治理工作方案')")
    after = client.predict("临时停车泊位共享", api_name="/search")
    assert all(h["doc_id"] != added["doc_id"] for h in after["hits"])
    assert not list((Path(app_server["data"]) / "uploads").glob(f"{added['doc_id']}.*"))  # type: ignore[arg-type]


def test_refuses_to_serve_off_loopback_without_auth() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "--host", "0.0.0.0", "--port", str(free_port())],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "POLICY_QA_AUTH": ""},
    )
    assert done.returncode == 2
    assert "without authentication" in done.stderr and "--auth" in done.stderr


def test_api_rejects_an_empty_question(client) -> None:
    assert "问题为空" in client.predict("   ", api_name="/search")["error"]


def test_an_uploaded_task_table_answers_with_its_lead_and_deadline(
    client, app_server: dict[str, object], tmp_path: Path
) -> None:
    from eval.duty_tables import write_table
    from tests.test_task_tables import ROWS

    table = {
        "name": "任务分工表",
        "format": "xlsx",
        "title": "2024年新一代信息技术产业重点任务分工表",
        "header": ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
        "rows": ROWS,
    }
    added = api_upload(str(app_server["url"]), write_table(table, tmp_path))
    assert added["status"] == "已添加", added
    result = client.predict(
        "哪些部门负责集成电路强芯工程", 3, "hybrid", "", "省工信厅", "", "2025-12-31", api_name="/search"
    )
    top = result["hits"][0]
    assert (top["lead"], top["deadline"], top["due"]) == (["省工业和信息化厅"], "2025年底前", "2025-12-31")
    assert "省工业和信息化厅牵头" in result["lead_line"]
    refused = client.predict("集成电路", 3, "hybrid", "", "", "", "明年", api_name="/search")
    assert "YYYY-MM-DD" in refused["error"] and refused["parameter"] == "due_before"


@pytest.fixture(scope="module")
def milvus_app(milvus_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The bundled notices built into a Milvus collection by the CLI, and the app serving that collection."""
    root = tmp_path_factory.mktemp("app-milvus")
    where = ["--milvus", milvus_uri, "--collection", "app_notices"]
    built = subprocess.run(
        [sys.executable, "-m", "index", "build", str(ROOT / "data" / "notices"), *where],
        cwd=ROOT, capture_output=True, text=True, timeout=1200,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr[-2000:]
    assert f"into Milvus {milvus_uri} (collection app_notices)" in built.stdout
    proc, url = start_app(root, *where)
    yield {"url": url, "uri": milvus_uri}
    stop_app(proc)


def test_the_chat_api_and_the_cli_answer_from_milvus(milvus_app: dict[str, str], tmp_path: Path) -> None:
    from gradio_client import Client

    client = Client(milvus_app["url"], verbose=False)
    result = client.predict(HOTLINE, api_name="/search")
    ids = [h["id"] for h in result["hits"]]
    assert "000_4339a6bb93f327d8#四/13" in ids and "001_5f454b59c5b739ff#d1/三/(十)" in ids
    assert "市行政审批服务局、市数据局牵头（第13项）" in result["lead_line"]
    assert client.predict("今天汉中的天气怎么样", api_name="/search")["abstained"] is True
    led = client.predict("热线", 10, "convex", "", "市数据局", "", "", api_name="/search")
    assert led["hits"] and all("市数据局" in h["lead"] for h in led["hits"])

    # the CLI prints the same JSON form of an answer as the API serves
    cli = subprocess.run(
        [sys.executable, "-m", "index", "search", HOTLINE, "--json", "--milvus", milvus_app["uri"],
         "--collection", "app_notices"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert cli.returncode == 0, cli.stderr[-2000:]
    printed = json.loads(cli.stdout)
    assert printed.keys() == result.keys() and [h["id"] for h in printed["hits"]] == ids

    notice = tmp_path / "经开区方案.txt"
    notice.write_text(NOTICE_B.replace("周末不打烊", "周末不打烊，推行夜间延时帮办服务"), encoding="utf-8")
    added = api_upload(milvus_app["url"], notice)
    assert added["status"] == "已添加", added
    assert client.predict("夜间延时帮办服务", api_name="/search")["hits"][0]["doc_id"] == added["doc_id"]


AUTH = ("staff", "s3cret-pass")


XSS_NOTICE = """某县数据局关于试点工作的通知
一、试点任务
1.上线智能导办系统<img src=x onerror="window.__xss=1">。建立导办知识库<script>window.__xss=2</script>。（县数据局牵头）
"""


@pytest.fixture(scope="module")
def locked_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("app-hostile")
    proc, url = start_app(root, env={"POLICY_QA_AUTH": ":".join(AUTH)})
    yield {"url": url, "root": root, "data": root / "data"}
    stop_app(proc)


@pytest.fixture(scope="module")
def locked_client(locked_app: dict[str, Any]) -> Any:
    from gradio_client import Client

    return Client(locked_app["url"], auth=AUTH, verbose=False)


def test_the_app_requires_its_password(locked_app: dict[str, Any]) -> None:
    import httpx
    from gradio_client import Client

    for auth in (None, ("staff", "wrong")):
        with pytest.raises(Exception, match=r"(?i)auth|401|login|credentials"):
            Client(locked_app["url"], auth=auth, verbose=False)
    refused = httpx.post(locked_app["url"] + "gradio_api/call/search", json={"data": [HOTLINE]}, timeout=10)
    assert refused.status_code in (401, 403)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("热" * 10_000,), "收到 10,000 个"),
        (("😀🎉",), "问题为空"),
        (("\u200b\u200b",), "问题为空"),
        ((HOTLINE, 0), "1 到 100"),
        ((HOTLINE, 10**9), "1 到 100"),
        ((HOTLINE, 5, "hybrid", "", "市气象局"), "库中没有由“市气象局”牵头的条目"),
        ((HOTLINE, 5, "hybrid", "no-such-notice"), "库中没有这份通知：no-such-notice"),
        ((HOTLINE, 5, "hybrid", "", "", "24"), "年份应为四位数字"),
    ],
)
def test_bad_api_calls_get_a_clear_error(locked_client: Any, args: tuple[Any, ...], message: str) -> None:
    result = locked_client.predict(*args, api_name="/search")
    assert message in result["error"] and "Traceback" not in result["error"]


def test_markup_questions_come_back_as_plain_data(locked_client: Any) -> None:
    question = '<img src=x onerror="alert(1)">12345热线'
    result = locked_client.predict(question, api_name="/search")
    assert result["query"] == question and result["hits"]


def test_a_200_mb_upload_is_refused_and_nothing_changes(
    locked_client: Any, locked_app: dict[str, Any], tmp_path: Path
) -> None:
    before = locked_client.predict(HOTLINE, 10, api_name="/search")["hits"]
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:  # generated now, deleted below
        handle.write(("一、总体要求\n1.加强数据共享。\n" * 8).encode("utf-8"))
        handle.seek(200 * 1024 * 1024 - 1)
        handle.write(b"\n")
    try:
        try:
            outcome = api_upload(locked_app["url"], huge)
        except Exception as exc:  # Gradio refuses it at the door (max_file_size) …
            outcome = {"error": str(exc)}
    finally:
        huge.unlink()
    # … or the library does (文件过大): either way a clear refusal, never a stored file
    assert re.search(r"(?i)文件过大|file size|too large|413|exceed", outcome.get("error", "")), outcome
    assert locked_client.predict(HOTLINE, 10, api_name="/search")["hits"] == before
    uploads = Path(locked_app["data"]) / "uploads"
    assert not uploads.exists() or not [p for p in uploads.iterdir() if "huge" in p.name]


def test_twenty_threads_ask_fifty_questions_each_while_notices_are_uploaded(
    locked_client: Any, locked_app: dict[str, Any], tmp_path: Path
) -> None:
    """Every answer equals the answer of one index state (before, between or after the uploads)."""
    from gradio_client import Client

    questions = [HOTLINE, "企业开办时限压缩到多久", "市数据局牵头负责哪些工作", "双随机一公开", "周末能不能办事"]

    def state() -> dict[str, list[str]]:
        return {q: [h["id"] for h in locked_client.predict(q, 5, api_name="/search")["hits"]] for q in questions}

    files = []
    for number, text in enumerate((NOTICE_B.replace("经开区", "新城区"), NOTICE_A.replace("某市", "第四市"))):
        path = tmp_path / f"concurrent-{number}.txt"
        path.write_text(text.replace("12345", "政务"), encoding="utf-8")
        files.append(path)
    states = [state()]
    seen: list[tuple[str, list[str]]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(number: int) -> None:
        try:
            mine = Client(locked_app["url"], auth=AUTH, verbose=False)
            for n in range(50):
                question = questions[(number + n) % len(questions)]
                result = mine.predict(question, 5, api_name="/search")
                if "error" in result:
                    raise RuntimeError(result["error"])
                with lock:
                    seen.append((question, [h["id"] for h in result["hits"]]))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for path in files:
        assert api_upload(locked_app["url"], path)["status"] == "已添加"
        states.append(state())
    for thread in threads:
        thread.join(timeout=600)
    assert errors == [] and len(seen) == 20 * 50
    for question, ids in seen:
        assert any(ids == s[question] for s in states), (question, ids)


@pytest.mark.skipif(not HAS_CHROMIUM, reason="Debian's chromium is not installed (the test command installs it)")
def test_markup_in_questions_and_notices_is_shown_never_run(
    locked_client: Any, locked_app: dict[str, Any], tmp_path: Path
) -> None:
    notice = tmp_path / "xss.txt"
    notice.write_text(XSS_NOTICE, encoding="utf-8")
    assert api_upload(locked_app["url"], notice)["status"] == "已添加"
    with chromium_page() as page:
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        login = page.request.post(locked_app["url"] + "login", form={"username": AUTH[0], "password": AUTH[1]})
        assert login.ok
        page.goto(locked_app["url"])
        box = page.locator("#question textarea")
        for question in (
            '<img src=x onerror="window.__xss=3;alert(3)">智能导办',
            "<script>window.__xss=4</script>导办知识库",
        ):
            box.fill(question)
            box.press("Enter")
            page.wait_for_function(
                "q => document.querySelector('#chat').innerText.includes(q)", arg=question, timeout=60_000
            )
        page.wait_for_function("document.querySelectorAll('#chat .cite').length >= 2", timeout=60_000)
        chat = page.locator("#chat").inner_text()
        assert '<img src=x onerror="window.__xss=1">' in chat  # the clause's markup, shown as text
        assert page.evaluate("window.__xss") is None and dialogs == []
        assert page.locator("#chat img[src='x']").count() == 0 and page.locator("#chat script").count() == 0


def _outward_address() -> str | None:
    """This machine's address on its network (None when it has only loopback)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))  # UDP: no packet is sent
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_the_app_listens_on_loopback_only_by_default(locked_app: dict[str, Any]) -> None:
    import socket

    address = _outward_address()
    if address is None:
        pytest.skip("no network interface besides loopback")
    port = int(locked_app["url"].rstrip("/").rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=2):
        pass
    with pytest.raises(ConnectionRefusedError), socket.create_connection((address, port), timeout=2):
        pass


def test_a_clean_stop_exits_zero_and_leaves_no_temporary_folder(tmp_path: Path) -> None:
    proc, url = start_app(tmp_path)
    import httpx

    assert httpx.post(f"{url}api/search", json={"question": HOTLINE}, timeout=30).json()["hits"]
    assert (tmp_path / "data" / "tmp").is_dir()
    stop_app(proc)  # SIGTERM, as a service manager stops it
    assert proc.returncode == 0 and not (tmp_path / "data" / "tmp").exists()


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")
def test_a_follow_up_is_read_against_the_chat_and_the_chat_survives_a_reload(app_server: dict[str, object]) -> None:
    with chromium_page() as page:
        page.goto(str(app_server["url"]))
        _ask(page, "秦政通是什么", 1)
        _ask(page, "它由哪个部门牵头？", 2)
        chat = page.locator("#chat").inner_text()
        assert "按上文理解为：秦政通由哪个部门牵头？" in chat and "市数据局牵头（第10项）" in chat
        page.reload()  # the same browser: its conversation comes back from the server
        page.wait_for_function("document.querySelectorAll('#chat .message-buttons-left').length >= 2", timeout=30_000)
        again = page.locator("#chat").inner_text()
        assert "秦政通是什么" in again and "市数据局牵头（第10项）" in again
        _ask(page, "什么时候完成？", 3)  # the restored turns still carry the follow-up
        assert "按上文理解为：秦政通" in page.locator("#chat").inner_text()
        page.locator("#new-conversation").click()
        page.wait_for_function("document.querySelectorAll('#chat .message-buttons-left').length === 0", timeout=15_000)
        page.reload()
        page.wait_for_selector("#question textarea", timeout=30_000)
        page.wait_for_timeout(1500)  # the page's load event has run: a new conversation stays empty
        assert page.locator("#chat .message-buttons-left").count() == 0
