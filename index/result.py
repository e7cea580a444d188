"""What one run of the search pipeline returns for a question, and the clock that times its stages."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from index.abstain import Evidence
from index.answer import Hit
from index.query import QueryInfo


@dataclass
class Result:
    """One searched question before it becomes an :class:`Answer`: the hits are kept even when it abstains.

    Attributes:
        hits: The ranked hits.
        abstained: The abstain rule's verdict.
        info: The query analysis.
        timings: Milliseconds per stage: ``analyse`` (checks, query analysis, filters, tokens),
            ``encode``, ``dense``, ``lexical``, ``rank`` (fusion, rules, hits) and ``abstain``
            (the retrieval only the abstain rule needed), each for the whole batch.
        evidence: What the abstain rule weighed (None when it was not asked).
    """

    hits: list[Hit]
    abstained: bool
    info: QueryInfo
    timings: dict[str, float] = field(default_factory=dict)
    evidence: Evidence | None = None


class Clock:
    """Milliseconds per named stage, accumulated."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        """Add the time since the last lap to stage ``name``."""
        now = time.perf_counter()
        self.laps[name] = self.laps.get(name, 0.0) + (now - self._last) * 1000
        self._last = now
