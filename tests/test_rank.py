"""The structure rules."""

from __future__ import annotations

from index.rank import diversify
from ingest import parse_text


def test_diversify_spreads_notices() -> None:
    chunks = parse_text("一、任务\n1.甲。\n2.乙。", "x").chunks + parse_text("一、任务\n1.丙。", "y").chunks
    order = diversify([(0, 1.0), (1, 0.9), (2, 0.8)], chunks)
    assert [i for i, _ in order] == [0, 2, 1]  # 0.9 / 1.5 = 0.6 < 0.8
