"""Choosing the default fusion (leave one corpus out) and the abstain rule (choose on one half, check on the other)."""

from __future__ import annotations

import math

from eval.abstain import calibrate, rates, table
from eval.fusion import choose, tables
from eval.halves import half_of
from index.abstain import AbstainRule, Evidence


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


def _evidence(dense: float, coverage: float, unseen: int = 0, words: int = 4) -> dict:
    return {"best_dense": dense, "coverage": coverage, "unseen": [f"w{i}" for i in range(unseen)], "words": words}


def _row(qid: str, answerable: bool, whole: dict, removed: dict | None = None) -> dict:
    row = {"id": qid, "query": "问题", "answerable": answerable, "whole": whole}
    if answerable:
        row["removed"] = removed or _evidence(0.0, 0.0)
    return row


def test_the_abstain_rule_refuses_the_most_within_the_allowed_share_of_answerable_refusals() -> None:
    answerable, offtopic = [], []
    for i in range(400):  # answerable: dense 0.855-0.93; with the answer removed: 0.83-0.85; off-topic: 0.80-0.85
        step = (i % 100) / 100
        whole = _evidence(0.855 + 0.075 * step, 0.2, unseen=1)  # a paraphrase: one word the corpus lacks
        answerable.append(_row(f"a{i}", True, whole, _evidence(0.83 + 0.02 * step, 0.1, unseen=2)))
        offtopic.append(_row(f"u{i}", False, _evidence(0.80 + 0.05 * step, 0.1, unseen=3)))
    result = calibrate({"answerable": answerable, "offtopic": offtopic}, max_wrong=0.03)
    chosen = AbstainRule(**result["chosen"]["rule"])
    assert not chosen.abstains("问题", Evidence(0.855, 0.2, ("w0",), 4))  # the weakest answerable one
    assert chosen.abstains("问题", Evidence(0.8498, 0.1, ("w0", "w1"), 4))  # the strongest removed one
    for half in ("select", "report"):
        got = result["chosen"]["per_bench"]["answerable"][half]
        assert (got["answerable_refused"], got["removed_refused"]) == (0.0, 1.0)
        assert result["chosen"]["per_bench"]["offtopic"][half]["unanswerable_refused"] == 1.0
    assert math.isnan(rates(chosen, answerable)["unanswerable_refused"])
    assert "| chosen | offtopic | report | — | — | 100.0 % |" in table(result)


def test_every_benchmark_keeps_its_own_answerable_refusals_under_the_bar() -> None:
    # b's answerable questions look like everyone's off-topic ones: a rule refusing them is not allowed,
    # even though a pooled share would hide b's 50 among a's 400.
    a = [_row(f"a{i}", True, _evidence(0.92, 0.9)) for i in range(400)]
    b = [_row(f"b{i}", True, _evidence(0.86, 0.1, unseen=2)) for i in range(50)]
    off = [_row(f"u{i}", False, _evidence(0.86, 0.1, unseen=2)) for i in range(50)]
    result = calibrate({"a": a, "b": b, "off": off}, max_wrong=0.05)
    for half in ("select", "report"):
        assert result["chosen"]["per_bench"]["b"][half]["answerable_refused"] == 0.0
