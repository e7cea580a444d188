"""Metadata filters, applied together with the query: notice, issuer, date range, lead department."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ingest import Chunk
from ingest.departments import canonical

#: Filters a search accepts: ``doc_id`` (one or several), ``issuer`` (substring), ``date_from`` /
#: ``date_to`` (ISO dates, inclusive), ``year``, ``lead`` (a department that leads the item, by any
#: of its names: 市发改委 finds items led by 市发展和改革委员会), ``due_before`` (items whose
#: deadline falls on or before this ISO date).
Filters = dict[str, Any]
KEYS = ("doc_id", "issuer", "date_from", "date_to", "year", "lead", "due_before")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def filters_from(**chosen: Any) -> Filters | None:
    """Filters from named choices (a form's fields, a command's options), the empty ones left out.

    None when nothing is chosen. The names are those of :data:`KEYS`; values are checked by the search.

    >>> filters_from(doc_id=[], lead="市数据局", year="", due_before=None)
    {'lead': '市数据局'}
    """
    return {key: value for key, value in chosen.items() if value} or None


class FilterError(ValueError):
    """A filter the store cannot apply: the English message (``str``), plus ``name``, ``value`` and ``chinese``.

    A ``ValueError``, as before; the web API answers with ``chinese`` and names the parameter.
    """

    def __init__(self, message: str, name: str, value: Any, chinese: str) -> None:
        super().__init__(message)
        self.name = name
        self.value = value
        self.chinese = chinese


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple, set, frozenset)) and all(isinstance(v, str) for v in value):
        return list(value)
    raise FilterError(
        f"filter value {value!r} must be a string or a list of strings", "filters", value, "筛选值应为文字或文字列表"
    )


def year_of(date: str | None) -> str | None:
    """The year of a chunk's date: ISO ("2024-05-28") or raw without separators ("2023224").

    >>> year_of("2024-05-28"), year_of("2023224"), year_of(None)
    ('2024', '2023', None)
    """
    m = re.match(r"((?:19|20)\d{2})", date or "")
    return m.group(1) if m else None


def leads_named(lead: Sequence[str], names: Sequence[str]) -> bool:
    """True when one of ``names`` names (part of) one of the departments in ``lead``, in any of its forms.

    >>> leads_named(["市发展和改革委员会"], ["市发改委"]), leads_named(["市数据局"], ["数据局"])
    (True, True)
    """
    if not lead:
        return False
    wanted = {f for n in names for f in (n, canonical(n))}
    return any(w in d or w in canonical(d) for d in lead for w in wanted)


def check_due_before(filters: Filters) -> str | None:
    """The ``due_before`` date, checked.

    Raises:
        ValueError: for a date that is not YYYY-MM-DD.
    """
    value = filters.get("due_before")
    if value and not _ISO.match(str(value)):
        raise FilterError(
            f"due_before={value!r} is not an ISO date (YYYY-MM-DD)", "due_before", value,
            "完成时限应为 YYYY-MM-DD 格式的日期，如 2024-06-30",
        )  # fmt: skip
    return str(value) if value else None


def date_bounds(filters: Filters) -> tuple[str | None, str | None]:
    """The inclusive ISO date range that ``date_from`` and ``date_to`` ask for.

    ``year`` is checked apart: it also matches raw dates such as "2023224" (:func:`year_of`).

    Raises:
        ValueError: for a date that is not YYYY-MM-DD.

    >>> date_bounds({"year": 2024, "date_from": "2024-03-01"})
    ('2024-03-01', None)
    """
    low, high = filters.get("date_from"), filters.get("date_to")
    for name, value in (("date_from", low), ("date_to", high)):
        if value and not _ISO.match(str(value)):
            raise FilterError(
                f"{name}={value!r} is not an ISO date (YYYY-MM-DD)", name, value,
                "日期应为 YYYY-MM-DD 格式，如 2024-06-30",
            )  # fmt: skip
    return low or None, high or None


def check_year(filters: Filters) -> str:
    """The ``year`` filter as four digits.

    Raises:
        ValueError: for a year that is not four digits.
    """
    year = str(filters["year"])
    if not re.fullmatch(r"\d{4}", year):
        raise FilterError(
            f"year {filters['year']!r} must be four digits, e.g. 2024", "year", filters["year"],
            "年份应为四位数字，如 2024",
        )  # fmt: skip
    return year


@dataclass(frozen=True)
class FilterSpec:
    """Filters checked against a store's notices, ready to compile to a mask or an expression.

    Empty tuples and None mean "no condition".
    """

    doc_ids: tuple[str, ...] = ()
    issuers: tuple[str, ...] = ()
    leads: tuple[str, ...] = ()
    year: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    due_before: str | None = None

    def lead_forms(self) -> list[str]:
        """The lead names asked for in every form they match (as given and canonical)."""
        return sorted({f for n in self.leads for f in (n, canonical(n))})


def check_filters(filters: Filters | None, notices: Sequence[Any]) -> FilterSpec | None:
    """Check filters against the notices of a store (:class:`index.stores.base.NoticeInfo`); None when empty.

    Every store calls this first, so the same filter fails with the same message on each.

    Raises:
        ValueError: naming an unknown filter key, a malformed date or year, or a doc_id,
            issuer or lead department that is not in the index.
    """
    if not filters:
        return None
    unknown = set(filters) - set(KEYS)
    if unknown:
        raise FilterError(
            f"unknown filter {sorted(unknown)}; use any of {', '.join(KEYS)}", "filters", sorted(unknown),
            f"没有这种筛选：{'、'.join(sorted(unknown))}；可用：{'、'.join(KEYS)}",
        )  # fmt: skip
    doc_ids = tuple(_as_list(filters["doc_id"])) if filters.get("doc_id") else ()
    missing = set(doc_ids) - {n.doc_id for n in notices}
    if missing:
        raise FilterError(
            f"doc_id {sorted(missing)} is not in the index", "doc_id", sorted(missing),
            f"库中没有这份通知：{'、'.join(sorted(missing))}",
        )  # fmt: skip
    issuers = tuple(_as_list(filters["issuer"])) if filters.get("issuer") else ()
    if issuers and not any(i in n.issuer for i in issuers for n in notices):
        raise FilterError(
            f"issuer {list(issuers)} matches no notice in the index", "issuer", list(issuers),
            f"库中没有“{'、'.join(issuers)}”发布的通知",
        )  # fmt: skip
    leads = tuple(_as_list(filters["lead"])) if filters.get("lead") else ()
    if leads and not any(leads_named(n.leads, leads) for n in notices):
        raise FilterError(
            f"lead {list(leads)}: no item in the index is led by it", "lead", list(leads),
            f"库中没有由“{'、'.join(leads)}”牵头的条目",
        )  # fmt: skip
    due = check_due_before(filters)
    year = check_year(filters) if filters.get("year") is not None else None
    low, high = date_bounds(filters)
    spec = FilterSpec(doc_ids, issuers, leads, year, low, high, due)
    return spec if spec != FilterSpec() else None


def chunk_mask(chunks: Sequence[Chunk], spec: FilterSpec) -> np.ndarray:
    r"""Boolean mask of the chunks that pass every checked filter.

    Chunks whose date is not an ISO date (a raw string such as "2023224") fail a date range
    but pass the ``year`` their first four digits name. Chunks without a due date fail ``due_before``.

    Example:
        >>> from ingest import parse_text
        >>> chunks = parse_text("一、任务\n1.推进。（市数据局牵头）\n2.落实。（市财政局牵头）", "d").chunks
        >>> chunk_mask(chunks, FilterSpec(leads=("市数据局",))).tolist()
        [True, False]
    """
    mask = np.ones(len(chunks), dtype=bool)
    if spec.doc_ids:
        mask &= np.array([c.doc_id in spec.doc_ids for c in chunks], dtype=bool)
    if spec.issuers:
        mask &= np.array([any(n in (c.issuer or "") for n in spec.issuers) for c in chunks], dtype=bool)
    if spec.leads:
        mask &= np.array([leads_named(c.lead, spec.leads) for c in chunks], dtype=bool)
    if spec.due_before:
        mask &= np.array([bool(c.due and c.due <= spec.due_before) for c in chunks], dtype=bool)
    if spec.year:
        mask &= np.array([year_of(c.date) == spec.year for c in chunks], dtype=bool)
    low, high = spec.date_from, spec.date_to
    if low or high:
        mask &= np.array(
            [
                bool(c.date and _ISO.match(c.date) and (not low or c.date >= low) and (not high or c.date <= high))
                for c in chunks
            ],
            dtype=bool,
        )
    return mask
