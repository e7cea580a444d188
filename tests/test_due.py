"""What falls due: the 到期 buckets on a fixed day, recurring limits, and the .ics read back by another library.

The items are the bundled 湘潭 2023 notice's (data/notices/001), whose limits include 年底, 2023年8月底前,
年内, and 第二季度；每月; the 003 notice adds one past on the day chosen (2月底前).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ingest import Notice
from tests.appserver import HAS_CHROMIUM, chromium_page
from web.due import BUCKETS, LATER, MONTH, OVERDUE, UNDATED, WEEK, due_items, library_tasks
from web.ics import uid, write_ics

DAY = date(2023, 8, 25)


def _items(seeds: dict[str, Notice]) -> list:
    return due_items(library_tasks([*seeds["001"].chunks, *seeds["003"].chunks]), DAY)


def _by_label(items: list, notice: str) -> dict:
    return {(i.task.label, i.task.deadline): i for i in items if i.task.chunk_id.startswith(notice)}


def test_each_item_falls_in_its_bucket_on_a_fixed_day(seeds: dict[str, Notice]) -> None:
    items = _items(seeds)
    xiangtan = _by_label(items, "001")
    assert xiangtan[("（十三）", "2023年8月底前")].bucket == WEEK  # 2023-08-31, six days on
    assert xiangtan[("（十三）", "2023年8月底前")].due == "2023-08-31"
    assert xiangtan[("（一）", "年底")].bucket == LATER and xiangtan[("（一）", "年底")].due == "2023-12-31"
    monthly = xiangtan[("（十二）", "第二季度；每月")]  # 每月 runs through 2023: its next end of month
    assert monthly.rule == "FREQ=MONTHLY;BYMONTHDAY=-1" and monthly.until == "2023-12-31"
    assert monthly.due == "2023-08-31" and monthly.bucket == WEEK
    hantai = _by_label(items, "003")
    assert hantai[("（五）", "2月底前")].bucket == OVERDUE and hantai[("（五）", "2月底前")].due == "2023-02-28"
    assert all(i.bucket == UNDATED for i in items if not i.task.due and not i.rule)
    order = [BUCKETS.index(i.bucket) for i in items]
    assert order == sorted(order) and {i.bucket for i in items} >= {OVERDUE, WEEK, LATER, UNDATED}
    in_a_month = due_items(library_tasks(seeds["001"].chunks), date(2023, 8, 1))
    assert _by_label(in_a_month, "001")[("（十三）", "2023年8月底前")].bucket == MONTH


def test_the_calendar_reads_back_in_another_library_with_rrules_and_stable_uids(
    seeds: dict[str, Notice], tmp_path: Path
) -> None:
    from ical.calendar_stream import IcsCalendarStream

    items = _items(seeds)
    path, undated = write_ics(items, "到期任务", tmp_path / "a.ics", base_url="http://10.0.0.5:7860")
    again, _ = write_ics(items, "到期任务", tmp_path / "b.ics", base_url="http://10.0.0.5:7860")
    calendar = IcsCalendarStream.calendar_from_ics(path.read_text(encoding="utf-8"))
    dated = [i for i in items if i.due]
    assert len(calendar.events) == len(dated) and undated == len(items) - len(dated) > 0
    second = IcsCalendarStream.calendar_from_ics(again.read_text(encoding="utf-8"))
    assert [e.uid for e in calendar.events] == [e.uid for e in second.events]  # a re-import updates
    assert [e.uid for e in calendar.events] == [uid(i.task.chunk_id) for i in dated]
    events = {e.uid: e for e in calendar.events}
    monthly = next(i for i in dated if i.rule)
    event = events[uid(monthly.task.chunk_id)]
    assert event.rrule is not None and str(event.rrule.freq).endswith("MONTHLY")
    assert event.rrule.until == date(2023, 12, 31) and event.dtstart == date(2023, 1, 31)
    one_off = next(i for i in dated if i.due == "2023-08-31" and not i.rule)
    event = events[uid(one_off.task.chunk_id)]
    assert event.dtstart == date(2023, 8, 31) and event.dtend == date(2023, 9, 1) and event.rrule is None
    assert one_off.task.text[:20] in event.description and "完成时限：2023年8月底前" in event.description
    assert str(event.url).startswith("http://10.0.0.5:7860/#clause=") and one_off.task.title in event.summary


def test_the_due_api_gives_the_view_and_the_calendar_and_tasks_take_due_bounds(
    seeds: dict[str, Notice], tmp_path: Path
) -> None:
    from fastapi.testclient import TestClient

    from index import Searcher
    from tests.fakes import KeywordEmbedder
    from web.library import Library
    from web.server import server_app

    chunks = [*seeds["001"].chunks, *seeds["003"].chunks]
    searcher = Searcher.build(chunks, None, embedder=KeywordEmbedder(), cache_dir=tmp_path / "cache")
    client = TestClient(server_app(Library(searcher, tmp_path / "data"), token="t", open_reads=True))
    view = client.get("/api/due", params={"today": DAY.isoformat()}).json()  # the whole library
    expected = _items(seeds)
    assert [i["chunk_id"] for i in view["items"]] == [i.task.chunk_id for i in expected]
    assert (
        view["counts"] == {b: sum(i.bucket == b for i in expected) for b in BUCKETS} and view["today"] == "2023-08-25"
    )
    led = client.get("/api/due", params={"department": "市行政审批局", "role": "牵头", "today": "2023-08-25"}).json()
    assert led["items"] and all(i["role"] == "牵头" for i in led["items"])
    calendar = client.get("/api/due", params={"department": "市行政审批局", "format": "ics", "today": "2023-08-25"})
    assert calendar.headers["content-type"].startswith("text/calendar") and b"BEGIN:VEVENT" in calendar.content
    assert b"RRULE:FREQ=MONTHLY;UNTIL=20231231;BYMONTHDAY=-1" in calendar.content.replace(b"\r\n ", b"")
    bounded = client.get("/api/tasks", params={"department": "市行政审批局", "due_after": "2023-08-01",
                                              "due_before": "2023-08-31"}).json()  # fmt: skip
    assert bounded["tasks"] and all("2023-08-01" <= t["due"] <= "2023-08-31" for t in bounded["tasks"])
    for params in ({"today": "2023-02-30"}, {"format": "pdf"}):
        refused = client.get("/api/due", params=params)
        assert refused.status_code == 422 and refused.json()["parameter"] in params
    wrong = client.get("/api/tasks", params={"department": "市行政审批局", "due_before": "八月底"})
    assert wrong.status_code == 422 and wrong.json()["parameter"] == "due_before"
    assert client.get("/api/due", params={"department": "市气象局"}).status_code == 400


@pytest.mark.model
@pytest.mark.skipif(not HAS_CHROMIUM, reason="Debian's chromium is not installed (the test command installs it)")
def test_the_due_view_in_the_page_lists_buckets_opens_a_row_and_exports_a_calendar(
    app_server: dict[str, object], tmp_path: Path
) -> None:
    import httpx
    from ical.calendar_stream import IcsCalendarStream

    with chromium_page(1400, 900) as page:
        page.goto(str(app_server["url"]))
        page.get_by_role("tab", name="部门任务").click()
        page.locator("#department input").fill("市行政审批局")
        page.get_by_role("option").filter(has_text="市行政审批局（湘潭市）").first.click()
        page.wait_for_function("document.querySelector('#task-status').innerText.includes('共')", timeout=30_000)
        page.get_by_text("到期（按完成时限").click()
        page.locator("#due-today textarea, #due-today input").first.fill("2023-08-25")
        page.locator("#due-show").click()
        page.wait_for_function("document.querySelector('#due-status').innerText.includes('7天内到期 2')",
                               timeout=30_000)  # fmt: skip
        first = page.locator('#due [role=row][aria-rowindex="2"] [role=gridcell]')
        assert first.nth(0).inner_text().strip() == "7天内到期" and first.nth(1).inner_text().strip() == "2023-08-31"
        first.nth(2).click()
        page.wait_for_selector("#task-notice .here", timeout=15_000)  # the row's clause, in its notice
        page.locator("#due-ics").click()
        page.locator("#due-file a").first.wait_for(timeout=15_000)
        href = page.locator("#due-file a").first.get_attribute("href")
    url = str(app_server["url"]).rstrip("/")
    data = httpx.get(url + href if href.startswith("/") else href, timeout=30).text
    calendar = IcsCalendarStream.calendar_from_ics(data)
    assert len(calendar.events) == 6 and sum(e.rrule is not None for e in calendar.events) == 1
    assert all(str(e.url).startswith(url + "/#clause=001_") for e in calendar.events)  # links back to this app
