r"""The 与往年对比 screenshot (docs/compare.png): a notice of the library against its earlier issue.

The bundled notices hold no series, so the picture is of two versions of a regulation added to
them (any two issues of one series will do)::

    mkdir -p /tmp/cmp && cp data/notices/* "../shared/corpus/laws/行政法规/道路运输条例(2022-03-29).txt" \\
        "../shared/corpus/laws/行政法规/道路运输条例(2023-07-20).txt" /tmp/cmp/
    python -m index build /tmp/cmp --index /tmp/cmp-index
    python app.py --index /tmp/cmp-index --data-dir /tmp/cmp-data --port 7871 &
    python docs/screenshot_compare.py http://127.0.0.1:7871/ 道路运输条例 "(2023-"

Needs Debian's chromium at /usr/bin/chromium and a CJK font.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright


def main(url: str, title: str, option: str) -> None:
    """Choose the notice (words of its title, then of its option), compare it, and save docs/compare.png."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 1400})
        page.goto(url)
        page.get_by_role("tab", name="通知库").click()
        page.locator("#doomed input").fill(title)
        page.get_by_role("option").filter(has_text=option).first.click()
        page.locator("#compare-box").get_by_text("与往年对比").first.click()  # open the accordion
        page.wait_for_function("document.querySelector('#compare-hint').innerText.length > 0", timeout=30_000)
        page.locator("button#compare").click()
        page.wait_for_selector("#compare-rows .cmp-row", timeout=60_000)
        box = page.locator("#compare-box")
        box.scroll_into_view_if_needed()
        area = box.bounding_box()
        assert area is not None
        top = area["y"] + page.evaluate("window.scrollY") - 150  # the notice chosen above it, in the picture too
        clip = {"x": area["x"], "y": top, "width": area["width"], "height": min(area["height"] + 150, 1100)}
        page.screenshot(path=str(Path(__file__).with_name("compare.png")), clip=clip, full_page=True)
        browser.close()


if __name__ == "__main__":
    main(*(sys.argv[1:4] if len(sys.argv) >= 4 else ("http://127.0.0.1:7871/", "道路运输条例", "(2023-")))
