"""Metadata filters: checked, compiled to a mask, applied with the query."""

from __future__ import annotations

import pytest

from ingest import parse_text
from tests.fakes import filter_mask

CHUNKS = parse_text(
    "关于印发某方案的通知\n某县人民政府\n2023年6月1日\n某县数字政府建设工作方案\n一、任务\n1.推进。（县数据局牵头）\n"
    "2.落实。（县财政局牵头）",
    "n",
).chunks


RAW_DATE = parse_text("关于印发某方案的通知\n2023224\n某县数字政府建设工作方案\n一、任务\n1.推进。", "r").chunks
# 2023111: January 11 or November 1? Not guessed: the date is unknown, and no date filter matches it.
AMBIGUOUS = parse_text("关于印发某方案的通知\n2023111\n某县数字政府建设工作方案\n一、任务\n1.推进。", "a").chunks


def test_filters() -> None:
    assert filter_mask(CHUNKS, {"lead": "县数据局"}).tolist() == [True, False]
    assert filter_mask(CHUNKS, {"year": 2023}).all()
    assert not filter_mask(CHUNKS, {"date_from": "2023-06-02"}).any()
    assert filter_mask(CHUNKS, {"date_to": "2023-06-01", "doc_id": ["n"]}).all()
    # a raw date without separators gives its year to year filters, but never passes a date range
    assert filter_mask(RAW_DATE, {"year": "2023"}).all()
    assert not filter_mask(RAW_DATE, {"year": "2024"}).any()
    assert RAW_DATE[0].date == "2023-02-24" and filter_mask(RAW_DATE, {"date_from": "2023-02-24"}).all()
    assert AMBIGUOUS[0].date is None
    assert (
        not filter_mask(AMBIGUOUS, {"year": "2023"}).any()
        and not filter_mask(AMBIGUOUS, {"date_from": "2023-01-01"}).any()
    )
    for bad, message in (
        ({"colour": 1}, "unknown filter"),
        ({"date_from": "2023/6/1"}, "ISO date"),
        ({"year": "23"}, "four digits"),
        ({"doc_id": "zz"}, "not in the index"),
        ({"lead": 5}, "string or a list"),
    ):
        with pytest.raises(ValueError, match=message):
            filter_mask(CHUNKS, bad)
