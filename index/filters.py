"""Metadata filters, applied together with the query: notice, issuer, date range, lead department."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from ingest import Chunk

#: Filters a search accepts: ``doc_id`` (one or several), ``issuer`` (substring), ``date_from`` /
#: ``date_to`` (ISO dates, inclusive), ``year``, ``lead`` (a department that leads the item).
Filters = dict[str, Any]
KEYS = ("doc_id", "issuer", "date_from", "date_to", "year", "lead")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple, set, frozenset)) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ValueError(f"filter value {value!r} must be a string or a list of strings")


def date_bounds(filters: Filters) -> tuple[str | None, str | None]:
    """The inclusive ISO date range that ``date_from``, ``date_to`` and ``year`` ask for.

    Raises:
        ValueError: for a year that is not four digits or a date that is not YYYY-MM-DD.

    >>> date_bounds({"year": 2024, "date_from": "2024-03-01"})
    ('2024-03-01', '2024-12-31')
    """
    low, high = filters.get("date_from"), filters.get("date_to")
    if filters.get("year") is not None:
        year = str(filters["year"])
        if not re.fullmatch(r"\d{4}", year):
            raise ValueError(f"year {filters['year']!r} must be four digits, e.g. 2024")
        low, high = max(low or "", f"{year}-01-01"), min(high or "9999", f"{year}-12-31")
    for name, value in (("date_from", low), ("date_to", high)):
        if value and not _ISO.match(str(value)):
            raise ValueError(f"{name}={value!r} is not an ISO date (YYYY-MM-DD)")
    return low or None, high or None


def chunk_mask(chunks: Sequence[Chunk], filters: Filters) -> np.ndarray:
    r"""Boolean mask of the chunks that pass every filter.

    Chunks whose date is not an ISO date (a raw string such as "2023224") fail any date filter.

    Raises:
        ValueError: naming an unknown filter key, a malformed date or year, or a doc_id,
            issuer or lead department that is not in the index.

    Example:
        >>> from ingest import parse_text
        >>> chunks = parse_text("一、任务\n1.推进。（市数据局牵头）\n2.落实。（市财政局牵头）", "d").chunks
        >>> chunk_mask(chunks, {"lead": "市数据局"}).tolist()
        [True, False]
    """
    unknown = set(filters) - set(KEYS)
    if unknown:
        raise ValueError(f"unknown filter {sorted(unknown)}; use any of {', '.join(KEYS)}")
    mask = np.ones(len(chunks), dtype=bool)
    if filters.get("doc_id"):
        wanted = set(_as_list(filters["doc_id"]))
        known = {c.doc_id for c in chunks}
        if wanted - known:
            raise ValueError(f"doc_id {sorted(wanted - known)} is not in the index")
        mask &= np.array([c.doc_id in wanted for c in chunks])
    if filters.get("issuer"):
        names = _as_list(filters["issuer"])
        passes = np.array([any(n in (c.issuer or "") for n in names) for c in chunks])
        if not passes.any():
            raise ValueError(f"issuer {names} matches no notice in the index")
        mask &= passes
    if filters.get("lead"):
        names = _as_list(filters["lead"])
        passes = np.array([any(n in d for n in names for d in c.lead) for c in chunks])
        if not passes.any():
            raise ValueError(f"lead {names}: no item in the index is led by it")
        mask &= passes
    low, high = date_bounds(filters)
    if low or high:
        mask &= np.array(
            [
                bool(c.date and _ISO.match(c.date) and (not low or c.date >= low) and (not high or c.date <= high))
                for c in chunks
            ]
        )
    return mask
