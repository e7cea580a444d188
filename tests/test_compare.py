"""Compare two notices: statuses on fixtures made from real lines, the diff, the table, the API, the chat's part.

The fixtures are items 1–5 of the bundled 2024 汉中 工作要点 (data/notices/000) and a "2023" issue
made from them: item 1 as it is, item 2 without one of its sentences, item 3 absent (new in 2024),
item 4 with another lead, item 5 with another time limit, and one item the 2024 issue dropped (a
real line of the bundled 湘潭 2023 notice, data/notices/001). The encoder is the keyword fake: the
statuses must not hang on the real model. The real model's figures on the hand-checked gold are
``test_alignment_on_the_gold`` (../shared).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.paths import ROOT
from ingest.api import parse_text
from tests.appserver import HAS_CHROMIUM, TOKEN, api_upload, chromium_page
from tests.fakes import KeywordEmbedder
from web.changes import compare
from web.changes.series import earlier_notices, series_key
from web.changes.status import DEADLINE, DROPPED, KEPT, LEAD, NEW, REWORDED, SUPPORT, char_diff

SEED = (ROOT / "data" / "notices" / "000_4339a6bb93f327d8.txt").read_text(encoding="utf-8").splitlines()
ITEMS = {line.split(".", 1)[0]: line for line in SEED if line[:2] in {f"{n}." for n in range(1, 6)}}
XIANGTAN = next(
    line.strip()
    for line in (ROOT / "data" / "notices" / "001_5f454b59c5b739ff.txt").read_text(encoding="utf-8").splitlines()
    if line.strip().startswith("(二)")
)
SENTENCE = "打造汉中行政审批服务“升级版”。"


def _encode(texts: list[str]) -> np.ndarray:
    return KeywordEmbedder().encode(texts)


def _notices() -> tuple[tuple[str, list], tuple[str, list]]:
    later = "2024年汉中市推进政府职能转变工作要点\n一、持续深化行政审批制度改革\n" + "\n".join(
        ITEMS[k] for k in "12345"
    )
    assert SENTENCE in ITEMS["2"] and "〔市住房城乡建设局牵头" in ITEMS["4"]
    earlier_items = [
        ITEMS["1"],
        "2." + ITEMS["2"][2:].replace(SENTENCE, ""),
        "3." + ITEMS["4"][2:].replace("〔市住房城乡建设局牵头", "〔市自然资源局牵头"),
        "4." + ITEMS["5"][2:].replace("〔市行政审批服务局牵头", "〔2023年12月底前完成，市行政审批服务局牵头"),
        "5." + XIANGTAN.split(")", 1)[1],
    ]
    earlier = "2023年汉中市推进政府职能转变工作要点\n一、持续深化行政审批制度改革\n" + "\n".join(earlier_items)
    return ("y2023", parse_text(earlier, "y2023").chunks), ("y2024", parse_text(later, "y2024").chunks)


def test_each_item_gets_its_status_and_what_changed_beside_the_text() -> None:
    before, after = _notices()
    result = compare(before, after, _encode)
    by_after = {r.after.chunk.label: r for r in result.rows if r.after is not None}
    assert by_after["1"].status == KEPT and by_after["1"].changes == ()
    assert by_after["2"].status == REWORDED and by_after["2"].before.chunk.label == "2"
    assert [s.text for s in by_after["2"].diff if s.op == "+"] == [SENTENCE] and not any(
        s.op == "-" for s in by_after["2"].diff
    )
    assert by_after["3"].status == NEW and by_after["3"].before is None
    moved = by_after["4"]  # numbered 3 the year before, its lead changed, its text not
    assert moved.before.chunk.label == "3" and moved.status == KEPT and moved.changes == (LEAD,)
    assert by_after["5"].status == KEPT and by_after["5"].changes == (DEADLINE,)
    dropped = [r for r in result.rows if r.status == DROPPED]
    assert [r.before.chunk.label for r in dropped] == ["5"]
    assert result.counts() == {REWORDED: 1, NEW: 1, DROPPED: 1, KEPT: 3, LEAD: 1, SUPPORT: 0, DEADLINE: 1}
    order = [r.after.chunk.label if r.after else "dropped" for r in result.rows]
    assert order == ["1", "2", "3", "4", "5", "dropped"]  # the later notice's order, the dropped one where it stood


def test_two_unrelated_notices_share_nothing_and_an_empty_one_drops_all() -> None:
    before, _ = _notices()
    other = next(line.strip() for line in SEED if line.strip().startswith("12."))  # 政务服务, not 审批
    alone = compare(before, ("other", parse_text(other, "other").chunks), _encode)
    assert {r.status for r in alone.rows} == {DROPPED, NEW}
    empty = compare(before, ("none", []), _encode)
    assert [r.status for r in empty.rows] == [DROPPED] * len(before[1])


def test_the_character_diff_reads_as_phrases_and_ignores_widths_and_spacing() -> None:
    segments = char_diff("向工商行政管理机关（窗口）办理", "向 市场监督管理部门(窗口)办理")
    assert [(s.op, s.text) for s in segments] == [
        ("=", "向"), ("-", "工商行政"), ("+", "市场监督"), ("=", "管理"), ("-", "机关"), ("+", "部门"), ("=", "(窗口)办理"),
    ]  # fmt: skip


def test_the_table_marks_the_changed_words_in_colour(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from web.changes import write_comparison_xlsx
    from web.changes.sheet import ADDED, COLUMNS, DIFF_COLUMN

    result = compare(*_notices(), _encode)
    path = write_comparison_xlsx(result, tmp_path / "c.xlsx")
    sheet = load_workbook(path, rich_text=True).active
    assert [c.value for c in sheet[3]] == list(COLUMNS)
    assert sheet["A1"].value.startswith("《2024年汉中市推进政府职能转变工作要点》与《2023年")
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(rows) == len(result.rows) and [r[1] for r in rows] == [r.status for r in result.rows]
    reworded = next(n for n, r in enumerate(result.rows) if r.status == REWORDED)
    cell = sheet.cell(row=4 + reworded, column=DIFF_COLUMN).value
    added = [block for block in cell if not isinstance(block, str)]
    assert [b.text for b in added] == [SENTENCE] and added[0].font.color.rgb == ADDED
    lead_row = next(r for r in rows if r[2] == LEAD)
    assert lead_row[8] == "市自然资源局 → 市住房城乡建设局"


def test_series_are_told_by_title_issuer_and_date() -> None:
    from index.stores.base import NoticeInfo

    def info(doc_id: str, title: str, date: str, issuer: str = "") -> NoticeInfo:
        return NoticeInfo(doc_id, title, issuer, date, 1, ())

    new = info(
        "n",
        "汉中市人民政府办公室关于印发2024年汉中市推进政府职能转变工作要点的通知",
        "2024-05-28",
        "汉中市人民政府办公室",
    )
    library = [new, info("o", "2023年汉中市推进政府职能转变工作要点", "2023-04-01"),
               info("p", "2022年汉中市推进政府职能转变工作要点", "2022-03-01"),
               info("x", "2023年汉中市推进政府职能转变工作要点", "2023-04-01", "安康市人民政府办公室"),
               info("q", "2025年汉中市推进政府职能转变工作要点", "2025-03-01"),
               info("r", "2023年汉中市政务公开工作要点", "2023-03-01"),
               info("u", "2021年汉中市推进政府职能转变工作要点", "")]  # fmt: skip
    assert [n.doc_id for n in earlier_notices(new, library)] == ["o", "p", "u"]  # u: undated, its title's year
    assert series_key("道路运输条例(2019-03-02)") == series_key("道路运输条例(2023-07-20)") == "道路运输条例"


def test_the_api_compares_two_notices_and_names_what_it_refuses(library) -> None:
    from fastapi.testclient import TestClient

    from web.server import server_app

    client = TestClient(server_app(library))
    view = client.get("/api/compare", params={"a": "a", "b": "b"}).json()
    assert view["before"]["doc_id"] == "a" and view["after"]["doc_id"] == "b"
    assert sum(view["counts"][s] for s in (KEPT, REWORDED, NEW, DROPPED)) == len(view["rows"])
    assert {r["code"] for r in view["rows"]} <= {"kept", "reworded", "new", "dropped"}
    sheet = client.get("/api/compare", params={"a": "a", "b": "b", "format": "xlsx"})
    assert sheet.status_code == 200 and sheet.content[:2] == b"PK"
    assert client.get("/api/compare", params={"a": "b", "b": "b"}).status_code == 400
    missing = client.get("/api/compare", params={"a": "nope", "b": "b"})
    assert missing.status_code == 404 and "nope" in missing.json()["error"]
    assert client.get("/api/compare", params={"b": "b"}).status_code == 404  # no earlier issue of b's series
    assert client.get("/api/compare", params={"b": "b", "format": "pdf"}).status_code == 422
    assert client.get("/api/compare", params={"b": "x" * 301}).status_code == 422


def test_the_chat_offers_the_earlier_issue_and_shows_the_changes(library, tmp_path: Path) -> None:
    from web.changes.tab import CompareTab

    tab = CompareTab(library, tmp_path / "exports")
    choices, hint = tab.choices("b")
    assert choices["value"] is None and "没有" in hint and [d for _, d in choices["choices"]] == ["a"]
    status, cards, sheet = tab.run("b", "a", False)
    assert "对比" in status and sheet["visible"] and Path(sheet["value"]).is_file()
    assert 'class="cmp-row"' in cards
    assert tab.run("b", None, False)[0] == "请选择要对比的往年通知。"
    assert tab.run("b", "b", False)[0].startswith("❌")


GOLD_CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.mark.model
@pytest.mark.skipif(not (GOLD_CORPUS / "laws").is_dir(), reason="../shared/corpus is not beside the project")
def test_alignment_on_the_gold() -> None:
    """The hand-checked gold (eval/alignment): pooled pair F1 ≥ 0.95 and statuses ≥ 0.90 right, with the real model."""
    from eval.alignment import Signals, load_gold, pooled, predict, score
    from web.changes.align import Weights

    golds = load_gold()
    results = [score(g, predict(Signals.of(g), Weights())) for g in golds]
    total = pooled(results)
    assert total["gold_pairs"] >= 300 and total["f1"] >= 0.95 and total["status"] >= 0.90


@pytest.mark.skipif(not HAS_CHROMIUM, reason="needs Debian's chromium")
def test_the_page_offers_last_years_issue_and_marks_the_changes(app_server: dict, tmp_path: Path) -> None:
    """In the running app: two issues of one series uploaded, 与往年对比 finds the earlier and shows the rows."""
    import httpx

    url = str(app_server["url"])
    (_, before), (_, after) = _notices()
    texts = {"2023": "\n".join(c.text for c in before), "2024": "\n".join(c.text for c in after)}
    ids = []
    for year, date in (("2023", "2023年4月1日"), ("2024", "2024年5月28日")):
        path = tmp_path / f"{year}年某县推进职能转变工作要点.txt"  # the bundled 000 is 汉中's own 2024 issue
        title = f"{year}年某县推进职能转变工作要点"
        path.write_text(
            f"{title}\n汉中市人民政府办公室\n{date}\n一、持续深化行政审批制度改革\n{texts[year]}\n", encoding="utf-8"
        )
        ids.append(api_upload(url, path)["doc_id"])
    try:
        with chromium_page() as page:
            page.goto(url)
            page.get_by_role("tab", name="通知库").click()
            page.locator("#doomed input").fill("2024年某县")
            page.get_by_role("option").filter(has_text="2024年某县推进职能转变工作要点").first.click()
            page.locator("#compare-box").get_by_text("与往年对比").first.click()
            page.wait_for_function(
                "document.querySelector('#compare-hint').innerText.includes('2023年某县')", timeout=30_000
            )
            page.locator("button#compare").click()
            page.wait_for_selector("#compare-rows .cmp-row", timeout=60_000)
            status = page.locator("#compare-status").inner_text()
            assert "新增 1" in status and "删除 1" in status and "牵头单位变化 1" in status
            assert SENTENCE in page.locator("#compare-rows ins").all_inner_texts()
            page.wait_for_selector("#compare-file a, #compare-file .file-preview", timeout=30_000)
    finally:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        for doc_id in ids:
            ticket = httpx.post(f"{url}api/notices/{doc_id}/delete-token", headers=auth, timeout=30).json()["confirm"]
            httpx.delete(f"{url}api/notices/{doc_id}", params={"confirm": ticket}, headers=auth, timeout=60)
