"""The structure rules and the abstain rule."""

from __future__ import annotations

from index.rank import AbstainRule, diversify
from ingest import parse_text


def test_abstain_rule_per_script() -> None:
    rule = AbstainRule(min_dense=0.86, min_dense_latin=0.78, min_coverage=0.5)
    assert rule.abstains("今天天气怎么样", 0.85, 0.3)
    assert not rule.abstains("今天天气怎么样", 0.85, 0.6)  # enough lexical support
    assert not rule.abstains("How long does registration take?", 0.80, 0.0)
    assert rule.abstains("How do I bake bread?", 0.75, 0.0)


def test_diversify_spreads_notices() -> None:
    chunks = parse_text("一、任务\n1.甲。\n2.乙。", "x").chunks + parse_text("一、任务\n1.丙。", "y").chunks
    order = diversify([(0, 1.0), (1, 0.9), (2, 0.8)], chunks)
    assert [i for i, _ in order] == [0, 2, 1]  # 0.9 / 1.5 = 0.6 < 0.8
