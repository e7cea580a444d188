"""Which notices in the library a notice may be compared with: the earlier issues of its series.

Notices of one series share their title once years, 文号-like brackets and 关于印发/通知 wrappers are
taken out ("2024年汉中市推进政府职能转变工作要点" and "2023年汉中市推进政府职能转变工作要点"),
and, when both name it, their issuer. The earlier one is the one with the earlier date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ingest.deadlines import title_year

_YEAR = re.compile(r"[（(]?\s*(?:19|20)\d{2}\s*(?:年度|年)?\s*(?:[—\-－~～至]\s*(?:19|20)\d{2}\s*年?)?\s*[)）]?")
_WRAP = re.compile(r"^.*?关于(?:印发|转发|下发)?|的通知$|[《》“”\"\s]")
_VERSION = re.compile(r"[（(](?:\d{4}-\d{2}-\d{2}|修订|修正|试行|草案)[)）]")


def series_key(title: str) -> str:
    """The part of a title that stays the same from issue to issue.

    >>> series_key("汉中市人民政府办公室关于印发2024年汉中市推进政府职能转变工作要点的通知")
    '汉中市推进政府职能转变工作要点'
    >>> series_key("2019年智能网联汽车标准化工作要点") == series_key("2018年智能网联汽车标准化工作要点")
    True
    >>> series_key("道路运输条例(2022-03-29)") == series_key("道路运输条例(2019-03-02)")
    True
    """
    key = _VERSION.sub("", title)
    key = _WRAP.sub("", key)
    return _YEAR.sub("", key)


def when(notice: Any) -> tuple[int, str] | None:
    """When a notice was issued, for ordering: (year, ISO date or ""); its title's year when it has no date.

    >>> from types import SimpleNamespace as N
    >>> when(N(title="2023年汉中市推进政府职能转变工作要点", date="")), when(N(title="某条例", date="2022-03-29"))
    ((2023, ''), (2022, '2022-03-29'))
    """
    date = (notice.date or "")[:10]
    if date[:4].isdigit():
        return int(date[:4]), date
    year = title_year(notice.title)
    return (year, "") if year else None


def earlier_notices(notice: Any, notices: Sequence[Any]) -> list[Any]:
    """The library's notices of the same series as ``notice`` and issued before it, latest first.

    ``notice`` and ``notices`` are :class:`index.stores.base.NoticeInfo` (doc_id, title, issuer, date).
    Issued before: an earlier year, or the same year and an earlier date (:func:`when`).
    """
    key, mine = series_key(notice.title), when(notice)
    if len(key) < 4 or mine is None:
        return []

    def before(n: Any) -> bool:
        theirs = when(n)
        return theirs is not None and (theirs[0] < mine[0] or (theirs[0] == mine[0] and "" < theirs[1] < mine[1]))

    found = [n for n in notices
             if n.doc_id != notice.doc_id and series_key(n.title) == key
             and (not n.issuer or not notice.issuer or n.issuer == notice.issuer) and before(n)]  # fmt: skip
    return sorted(found, key=when, reverse=True)
