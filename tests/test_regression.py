"""The committed baseline guards retrieval quality on the dev questions (real model)."""

from __future__ import annotations

import json

import pytest

from eval.relevance import load_questions
from eval.runner import evaluate
from index import DEFAULT_MODE, Searcher
from tests.conftest import ROOT

pytestmark = pytest.mark.model

BASELINE = ROOT / "eval" / "baseline.json"
REGENERATE = "python -m eval --write-baseline eval/baseline.json"
TOLERANCE = 0.02


@pytest.mark.parametrize("mode", sorted({DEFAULT_MODE, "hybrid"}))
def test_fused_modes_do_not_regress(default_searcher: Searcher, mode: str) -> None:
    """The pipeline a fresh install runs (default backend) against the baseline ``python -m eval`` wrote."""
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    assert baseline.get("backend", "torch") == default_searcher.embedder.backend, f"regenerate with: {REGENERATE}"
    report = evaluate(default_searcher, load_questions(ROOT / "eval" / "queries" / "dev.jsonl"), modes=[mode])
    now, then = report["modes"][mode]["summary"], baseline["modes"][mode]
    for metric in ("recall@5", "mrr@10"):
        assert now[metric] >= then[metric] - TOLERANCE, (
            f"{mode} {metric} fell from {then[metric]:.3f} to {now[metric]:.3f} (more than {TOLERANCE}). "
            f"If the change is intended, regenerate the baseline with: {REGENERATE}"
        )
    assert now["abstain_right"] >= then["abstain_right"] and now["abstain_wrong"] <= then["abstain_wrong"], (
        f"abstention got worse: {now['abstain_right']:.2f} right / {now['abstain_wrong']:.2f} wrong, baseline "
        f"{then['abstain_right']:.2f} / {then['abstain_wrong']:.2f}. Regenerate with: {REGENERATE} if intended"
    )
