"""A small crash run: writers killed at random moments lose nothing acknowledged; the checker itself sees a loss."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.harness.crash import Crasher, run


@pytest.mark.model
def test_writers_killed_at_random_moments_lose_nothing_acknowledged(tmp_path: Path) -> None:
    result = run(trials=5, work=tmp_path, seed=3)  # ≈ 40 s; the full run of docs/reliability.md has 120
    assert result["trials"] == 5 and result["killed"] >= 3
    assert result["acknowledged"] >= 3  # the calibration runs and some trials acknowledge changes
    assert result["problems"] == 0, [t for t in result["details"] if t["problems"]]


@pytest.mark.model
def test_the_checker_reports_a_lost_add_a_missing_upload_and_a_leftover(tmp_path: Path) -> None:
    crasher = Crasher(tmp_path, seed=1)
    crasher.spans["library"] = 0.0
    trial = crasher.trial(0, "library", kill=False)
    assert trial.finished and len(trial.acked) == 3 and trial.problems == []
    kept = next(a.split(" ", 1)[1] for a in trial.acked if a.startswith("add ") and f"remove {a[4:]}" not in trial.acked)
    (crasher.data / "uploads" / f"{kept}.txt").unlink()
    problems = crasher.check(["add ghost_00000000"])
    assert "acknowledged add lost: ghost_00000000" in problems
    assert f"uploaded notice without its stored file: {kept}" in problems
