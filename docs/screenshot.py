"""Screenshots for the README, and what staff wait for in real Chromium.

Saves docs/chat.png (an answer), docs/notice.png (a citation opened in its notice),
docs/tasks.png (the 部门任务 tab), docs/due.png (its 到期 view), docs/feedback.png (the 反馈 tab),
docs/phone-start.png (the first screen on a 400-px phone) and docs/phone.png (a citation opened
on a 400-px screen),
and times: a warm question → rendered answer, a click on 在通知中查看 → the marked clause
shown, and choosing a department → its task list shown.

Start the app first (``python app.py``), then: ``python docs/screenshot.py [URL]``.
Needs Debian's chromium at /usr/bin/chromium (and a CJK font such as fonts-wqy-microhei for
the picture to show Chinese).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import unquote

from playwright.sync_api import sync_playwright

QUESTIONS = [
    "秦政通",
    "企业开办时限压缩到多久",
    "双随机一公开",
    "好差评机制",
    "市数据局牵头负责哪些工作",
    "汉小美",
    "政务公开主题日",
    "首席事务代表",
    "红黄牌",
    "项目管家",
    "一枚印章管审批",
]


#: Departments chosen in the 部门任务 tab (the last one stays on screen for the picture).
DEPARTMENTS = ["市行政审批局", "市发展改革委", "市司法局", "市政府办公室", "市数据局"]


def main(url: str = "http://127.0.0.1:7860/") -> None:
    """Ask the hotline question, save docs/chat.png, then time warm questions end to end."""
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1200, "height": 1500})
        page.goto(url)
        box = page.locator("#question textarea")
        box.fill("哪些部门负责12345热线")
        box.press("Enter")
        page.wait_for_selector(".cite")
        page.evaluate("document.querySelector('#chat [role=log], #chat .bubble-wrap')?.scrollTo(0, 0)")
        page.screenshot(
            path=str(Path(__file__).with_name("chat.png")), clip={"x": 0, "y": 0, "width": 1200, "height": 900}
        )
        notice_times = []
        for n in range(page.locator(".cite").count()):  # each citation of the hotline answer, opened in turn
            link = page.locator(".cite").nth(n).locator("a.open-notice")
            chunk = unquote(str(link.get_attribute("href")).split("clause=", 1)[1])
            started = time.perf_counter()
            link.click()
            page.wait_for_function(
                "(document.querySelector('#notice-view .here') || {dataset: {}}).dataset.chunk === " + json.dumps(chunk)
            )
            notice_times.append((time.perf_counter() - started) * 1000)
        page.locator("#chat .cite").nth(1).locator("a.open-notice").click()
        page.wait_for_timeout(500)
        page.screenshot(
            path=str(Path(__file__).with_name("notice.png")), clip={"x": 0, "y": 0, "width": 1200, "height": 900}
        )
        page.locator("#close-notice").click()
        times = []
        for question in QUESTIONS:
            before = page.locator(".cite").count()
            box.fill(question)
            started = time.perf_counter()
            box.press("Enter")
            page.wait_for_function(f"document.querySelectorAll('.cite').length > {before}")
            times.append((time.perf_counter() - started) * 1000)
        page.get_by_role("tab", name="部门任务").click()
        task_times = []
        for name in DEPARTMENTS:
            page.locator("#department input").fill(name)
            started = time.perf_counter()
            option = page.get_by_role("option").filter(has_text=name).first  # "市数据局（汉中市）" where places differ
            shown = option.inner_text().strip()
            option.click()
            page.wait_for_function(
                f"document.querySelector('#task-status').innerText.includes({json.dumps(shown + '：共')})"
            )
            task_times.append((time.perf_counter() - started) * 1000)
        page.locator("#tasks").get_by_text("强化政务服务效能监管").first.click()
        page.wait_for_selector("#task-notice .here")
        page.wait_for_timeout(500)
        page.screenshot(path=str(Path(__file__).with_name("tasks.png")), full_page=True)
        page.locator("#department input").fill("市行政审批局")  # what falls due, on a day of its notice's year
        page.get_by_role("option").filter(has_text="市行政审批局").first.click()
        page.get_by_text("到期（按完成时限").click()
        page.locator("#due-today textarea, #due-today input").first.fill("2023-08-25")
        page.locator("#due-show").click()
        page.wait_for_function("document.querySelector('#due-status').innerText.includes('共')")
        page.locator("#due-ics").click()
        page.locator("#due-file .filename").first.wait_for()
        page.locator("#due-box").scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        page.screenshot(path=str(Path(__file__).with_name("due.png")))
        page.get_by_role("tab", name="反馈").click()  # every vote, with its question and clause
        page.locator("#show-votes").click()
        page.wait_for_function("document.querySelector('#votes-status').innerText.trim().length > 0")
        page.wait_for_timeout(500)
        page.screenshot(
            path=str(Path(__file__).with_name("feedback.png")), clip={"x": 0, "y": 0, "width": 1200, "height": 700}
        )
        phone = browser.new_page(viewport={"width": 400, "height": 860})  # a citation opened on a phone
        phone.goto(url)
        phone.wait_for_selector("#question textarea")
        phone.wait_for_timeout(800)
        phone.screenshot(path=str(Path(__file__).with_name("phone-start.png")))  # the first screen: ask, examples
        phone.locator("#question textarea").fill("哪些部门负责12345热线")
        phone.locator("#question textarea").press("Enter")
        phone.wait_for_selector(".cite")
        phone.locator("#chat .cite").nth(1).locator("a.open-notice").click()
        phone.wait_for_selector("#notice-view .here")
        phone.wait_for_timeout(500)
        phone.screenshot(path=str(Path(__file__).with_name("phone.png")))
        browser.close()
    for what, values in (
        ("warm question → rendered answer", sorted(times[1:])),
        ("click 在通知中查看 → marked clause shown", sorted(notice_times)),
        ("choose a department → its task list shown", sorted(task_times)),
    ):
        print(f"{what}, {len(values)} times: median {statistics.median(values):.0f} ms, max {values[-1]:.0f} ms")


if __name__ == "__main__":
    main(*sys.argv[1:])
