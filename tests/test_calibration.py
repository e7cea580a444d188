"""Choosing the default fusion (leave one corpus out) and the abstain rule (choose on one half, check on the other)."""

from __future__ import annotations

import math

from eval.abstain import FRONTIER, calibrate, rates, refused, table
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


def _row(qid: str, answerable: bool, corpus: str, over: float, gap: float, cross: bool = False) -> dict:
    evidence = {"best_dense": 0.83 + over, "coverage": 0.3, "unseen": [], "words": 3, "dense_gap": gap, "null": 0.83}
    row = {"id": qid, "query": "问题", "answerable": answerable, "whole": evidence, "corpus": corpus, "cross": cross}
    if answerable:
        row["removed"] = {**evidence, "best_dense": 0.83, "dense_gap": 0.01}
    return row


def test_the_abstain_rule_is_fitted_leaving_each_corpus_out_within_the_allowed_answerable_refusals() -> None:
    rows = []
    for corpus in ("a", "b", "c"):
        for i in range(100):  # answerable: well over the null; off-topic: at it; a few answerable ones at it too
            step = i / 100
            rows.append(_row(f"{corpus}{i}", True, corpus, 0.02 + 0.06 * step + (0.0 if i > 1 else -0.03), 0.03))
            rows.append(_row(f"{corpus}u{i}", False, corpus, -0.01 + 0.02 * step, 0.015, cross=i % 2 == 0))
    result = calibrate(rows, max_wrong=0.02)
    for corpus, got in result["left_out"].items():  # fitted without the corpus, reported on it: within a question
        assert got["answerable"] <= 0.03, corpus
        assert got["offtopic"] >= 0.9 and got["cross"] >= 0.9, corpus
    chosen = AbstainRule(**result["chosen"]["rule"])
    assert not chosen.abstains("问题", Evidence(0.83 + 0.05, 0.3, (), 3, dense_gap=0.03, null=0.83))
    assert chosen.abstains("问题", Evidence(0.83, 0.3, (), 3, dense_gap=0.015, null=0.83))
    assert result["chosen"]["per_corpus"]["a"]["removed"] == 1.0  # removed answers: at the null, refused
    text = table(result)
    assert "| a | left out |" in text and "| a | before |" in text and "| 3% |" in text
    assert set(result["frontier"]) == {str(b) for b in FRONTIER}


def test_the_place_rule_refuses_whatever_the_evidence() -> None:
    row = _row("q", False, "a", 0.2, 0.05)
    assert not refused(AbstainRule(), [row])[0]
    assert refused(AbstainRule(), [{**row, "place": True}])[0]
    assert math.isnan(float("nan")) and rates(AbstainRule(), [row])["answerable"] is None
