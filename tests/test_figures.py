"""The figures README and docs quote are docs/figures.json's, and a fresh run of the dev set prints them."""

from __future__ import annotations

import json

import pytest

from eval.figures import BENCHES, measure, triple
from tests.conftest import ROOT

FIGURES = json.loads((ROOT / "docs" / "figures.json").read_text(encoding="utf-8"))
#: Where the figures are quoted.
QUOTED_IN = ("README.md", "docs/evaluation.md")


@pytest.mark.parametrize("doc", QUOTED_IN)
def test_every_benchmark_is_quoted_as_figures_json_has_it(doc: str) -> None:
    text = (ROOT / doc).read_text(encoding="utf-8")
    assert FIGURES["benches"] and "docs/figures.json" in text
    for name, figures in FIGURES["benches"].items():
        assert triple(figures) in text, f"{doc} does not quote {name} as docs/figures.json has it: {triple(figures)}"


@pytest.mark.model
def test_a_fresh_run_of_the_dev_set_prints_the_kept_figures() -> None:
    """Costs about 30 s (the bundled notices indexed, 53 questions in two modes)."""
    kept = FIGURES["benches"]["dev"]
    fresh = measure(*BENCHES["dev"])
    for key, value in kept.items():
        if isinstance(value, float):  # below one question's weight (1/50): a real change, not rounding
            assert fresh[key] == pytest.approx(value, abs=0.005), key
        else:
            assert fresh[key] == value, key
