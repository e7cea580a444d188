"""Choosing the default fusion (leave one corpus out) and the abstain rule (choose on one half, check on the other)."""

from __future__ import annotations

import math

from eval.abstain import calibrate, rates
from eval.fusion import choose, tables
from eval.halves import half_of
from index.rank import AbstainRule


def _summary(r5: float, r10: float, mrr: float) -> dict[str, float]:
    return {"recall@1": mrr, "recall@5": r5, "recall@10": r10, "mrr@10": mrr}


def _bench(fused: tuple[float, float, float], other: tuple[float, float, float], dense: float) -> dict:
    return {
        "convex α=0.6": _summary(*fused),
        "convex α=0.8": _summary(*other),
        "dense": _summary(dense, dense, dense),
        "bm25": _summary(0.5, 0.5, 0.5),
        "plain-bm25": _summary(0.5, 0.5, 0.5),
    }


def test_the_fusion_is_chosen_leaving_each_corpus_out_and_checked_on_it() -> None:
    fusions = ["convex α=0.6", "convex α=0.8"]
    results = {
        "a": _bench((0.9, 0.9, 0.9), (0.8, 0.8, 0.8), 0.7),
        "b": _bench((0.9, 0.9, 0.9), (0.8, 0.8, 0.8), 0.7),
        "d": _bench((0.9, 0.9, 0.9), (0.8, 0.8, 0.8), 0.7),
        "c": _bench((0.7, 0.7, 0.7), (0.85, 0.85, 0.85), 0.75),  # only c prefers α=0.8, and there α=0.6 fails
    }
    choice = choose(results, fusions)
    assert choice["chosen"] == "convex α=0.6"
    assert choice["held_out"]["a"]["chosen"] == "convex α=0.6" and choice["held_out"]["a"]["holds"]
    held_c = choice["held_out"]["c"]
    assert held_c["chosen"] == "convex α=0.6" and held_c["best_single"] == "dense" and not held_c["holds"]
    assert not choice["every_held_out_choice_holds"]  # said, not hidden
    text = tables(results, choice)
    assert "**(chosen)**" in text and "| c | convex α=0.6 | 0.700 | dense 0.750 | 0.500 | **no** |" in text
    assert {half_of(f"q{i}") for i in range(20)} == {"select", "report"}


def test_todays_default_stays_when_the_best_is_ahead_only_by_noise() -> None:
    near = {b: _bench((0.9, 0.9, 0.9), (0.902, 0.902, 0.902), 0.7) for b in "abc"}
    assert choose(near, ["convex α=0.6", "convex α=0.8"], incumbent="convex α=0.6")["chosen"] == "convex α=0.6"
    assert choose(near, ["convex α=0.6", "convex α=0.8"])["chosen"] == "convex α=0.8"
    ahead = {b: _bench((0.9, 0.9, 0.9), (0.95, 0.95, 0.95), 0.7) for b in "abc"}
    assert choose(ahead, ["convex α=0.6", "convex α=0.8"], incumbent="convex α=0.6")["chosen"] == "convex α=0.8"


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
