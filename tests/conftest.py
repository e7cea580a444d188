"""Shared fixtures: the bundled notices, parsed once per session (parsing is pure)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import Notice, load_notices

ROOT = Path(__file__).resolve().parents[1]
NOTICES = ROOT / "data" / "notices"


@pytest.fixture(scope="session")
def seeds() -> dict[str, Notice]:
    """The five bundled notices, keyed by the first three characters of their doc_id."""
    return {n.doc_id[:3]: n for n in load_notices(NOTICES)}
