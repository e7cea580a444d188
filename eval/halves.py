"""Benchmarks given on the command line, and their questions split into a half to choose on and a half to report.

``python -m eval.fusion`` and ``python -m eval.abstain`` choose a setting on the *select* half
and report it on the *report* half, which took no part in the choice.
"""

from __future__ import annotations

import argparse
import hashlib


def half_of(question_id: str) -> str:
    """Which half a question is in, "select" or "report": a fixed split by the hash of its id.

    >>> [half_of(q) for q in ("q1", "q2", "q3", "q4")]
    ['select', 'report', 'report', 'select']
    """
    return "select" if hashlib.sha256(question_id.encode("utf-8")).digest()[0] % 2 else "report"


def add_bench_option(parser: argparse.ArgumentParser) -> None:
    """``--bench NAME QUERIES CORPUS`` (repeatable, at least one): questions and the corpus they are asked of."""
    parser.add_argument(
        "--bench", nargs=3, action="append", metavar=("NAME", "QUERIES", "CORPUS"), required=True,
        help="a benchmark: its name, its gold questions and the corpus they are asked of (repeatable)",
    )  # fmt: skip
