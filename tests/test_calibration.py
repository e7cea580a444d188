"""Choosing the default fusion and the abstain rule: the choice is made on one half and checked on the other."""

from __future__ import annotations

import math

from eval.abstain import calibrate, rates
from eval.fusion import choose, table
from eval.halves import half_of
from index.rank import AbstainRule


def _summary(r5: float, r10: float, mrr: float) -> dict[str, float]:
    return {"recall@5": r5, "recall@10": r10, "mrr@10": mrr}


def _results(convex_report: tuple[float, float, float]) -> dict[str, dict[str, dict[str, dict[str, float]]]]:
    both = {"select": _summary(0.9, 0.95, 0.8), "report": _summary(*convex_report)}
    rest = {
        "hybrid (RRF)": {"select": _summary(0.8, 0.9, 0.7), "report": _summary(0.8, 0.9, 0.7)},
        "dense": {"select": _summary(0.85, 0.92, 0.75), "report": _summary(0.85, 0.92, 0.75)},
        "bm25": {"select": _summary(0.7, 0.8, 0.6), "report": _summary(0.7, 0.8, 0.6)},
    }
    return {"a": {"convex α=0.7": both, **rest}, "b": {"convex α=0.7": both, **rest}}


def test_the_fusion_is_chosen_on_the_select_half_and_checked_on_the_report_half() -> None:
    good = choose(_results((0.9, 0.95, 0.8)))
    assert good["chosen"] == "convex α=0.7" and good["below_a_single_retriever"] == []
    # the same choice, but on questions it never saw it falls below dense: said, not hidden
    bad = choose(_results((0.9, 0.91, 0.8)))
    assert bad["chosen"] == "convex α=0.7" and bad["below_a_single_retriever"][0].startswith("a recall@10: 0.910")
    assert "**(chosen)**" in table(_results((0.9, 0.95, 0.8)), good["chosen"])
    assert {half_of(f"q{i}") for i in range(20)} == {"select", "report"}


def _row(qid: str, answerable: bool, whole: tuple[float, float], removed: tuple[float, float] | None = None) -> dict:
    row = {"id": qid, "query": "问题", "answerable": answerable, "whole": whole}
    if answerable:
        row["removed"] = removed or (0.0, 0.0)
    return row


def test_the_abstain_rule_refuses_the_most_within_the_allowed_share_of_answerable_refusals() -> None:
    rows = []
    for i in range(400):  # answerable: dense 0.855-0.93; with the answer removed: 0.83-0.85; off-topic: 0.80-0.85
        step = (i % 100) / 100
        rows.append(_row(f"a{i}", True, (0.855 + 0.075 * step, 0.2), (0.83 + 0.02 * step, 0.1)))
        rows.append(_row(f"u{i}", False, (0.80 + 0.05 * step, 0.1)))
    result = calibrate(rows, max_wrong=0.03)
    chosen = AbstainRule(**result["chosen"]["rule"])
    assert chosen.min_dense == 0.85  # the lowest bar of the grid above every question that should be refused
    for half in ("select", "report"):
        got = result["chosen"][half]
        assert (got["answerable_refused"], got["removed_refused"], got["unanswerable_refused"]) == (0.0, 1.0, 1.0)
        assert result["current"][half]["answerable_refused"] > 0.03  # today's bar (0.865) refuses too many here
    assert math.isnan(rates(chosen, [r for r in rows if r["answerable"]])["unanswerable_refused"])
