"""The no-loss audit used by the tests: which input lines are not accounted for (ingest.audit)."""

from __future__ import annotations

from ingest import Notice
from ingest.audit import NOWHERE, placements


def unaccounted(text: str, notice: Notice) -> list[str]:
    """Input lines whose text appears in no chunk, no heading and no metadata field."""
    return [line for line, place in placements(text, notice) if place == NOWHERE]
