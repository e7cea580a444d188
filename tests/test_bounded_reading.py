"""The command line reads files as the app does: each in a child process, bounded in time and memory."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest

from ingest import bounds, load_notices
from ingest.__main__ import main as ingest_main
from ingest.bounded import load_bounded
from tests.test_isolated import SMALL, _heavy_docx

QUICK = dataclasses.replace(bounds.DEFAULT, max_parse_seconds=3.0)


def _nested_divs(path: Path, depth: int = 700_000) -> Path:
    """An HTML page of ``depth`` nested ``<div>``s (7.7 MB at 700,000): minutes of parsing, few bytes."""
    path.write_text("<html><body>" + "<div>" * depth + "一、总体要求" + "</div>" * depth + "</body></html>")
    return path


@pytest.fixture
def folder(corpus: Path) -> Path:
    """The two notices a and b (conftest's ``corpus``), beside which a test puts a hostile file."""
    return corpus


def test_bounded_reading_reads_what_the_process_reads(folder: Path) -> None:
    assert [n.to_dict() for n in load_bounded(folder)] == [n.to_dict() for n in load_notices(folder)]


def test_a_file_past_the_time_limit_is_skipped_by_name_and_the_rest_is_read(folder: Path) -> None:
    slow = _nested_divs(folder / "a0-nested.html")
    warnings: list[str] = []
    started = time.monotonic()
    notices = load_bounded(folder, warnings, QUICK)
    assert time.monotonic() - started < QUICK.max_parse_seconds + 10
    assert sorted(n.doc_id for n in notices) == ["a", "b"]  # the files after it, in a new child
    assert len(warnings) == 1 and str(slow) in warnings[0] and "the time limit" in warnings[0]


def test_a_file_past_the_memory_limit_is_skipped_by_name(folder: Path) -> None:
    heavy = _heavy_docx(folder.parent / "a0-heavy.docx", 30).rename(folder / "a0-heavy.docx")  # read first
    warnings: list[str] = []
    notices = load_bounded(folder, warnings, SMALL)
    assert sorted(n.doc_id for n in notices) == ["a", "b"]
    assert len(warnings) == 1 and f"{heavy}: reading needs more than 160 MiB of memory" in warnings[0]


def test_the_ingest_command_skips_a_slow_file_with_a_warning(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _nested_divs(folder / "nested.html")
    monkeypatch.setattr(bounds, "DEFAULT", QUICK)
    assert ingest_main([str(folder)]) == 0
    out = capsys.readouterr().out
    assert "2 documents" in out and "1 files skipped" in out
