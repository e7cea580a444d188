"""Screenshot for the README, and the warm question → rendered answer time, in real Chromium.

Start the app first (``python app.py``), then: ``python docs/screenshot.py [URL]``.
Needs Debian's chromium at /usr/bin/chromium (and a CJK font such as fonts-wqy-microhei for
the picture to show Chinese).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

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
        times = []
        for question in QUESTIONS:
            before = page.locator(".cite").count()
            box.fill(question)
            started = time.perf_counter()
            box.press("Enter")
            page.wait_for_function(f"document.querySelectorAll('.cite').length > {before}")
            times.append((time.perf_counter() - started) * 1000)
        browser.close()
    warm = sorted(times[1:])
    print(
        f"warm question → rendered answer over {len(warm)} questions: median {statistics.median(warm):.0f} ms, "
        f"max {warm[-1]:.0f} ms"
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
