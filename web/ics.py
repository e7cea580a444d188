"""Items that fall due as an iCalendar file (RFC 5545) for the calendar staff already use.

One all-day ``VEVENT`` per item with a date, not a ``VTODO``: Outlook, Google Calendar, Apple
Calendar and Thunderbird all import events, while Google Calendar ignores to-dos. A recurring limit
(每季度, 每月10日前) is one event with its ``RRULE``, ending (``UNTIL``) with the notice's year.
The ``UID`` is made from the clause's id, so importing a later export updates the events of the
first instead of doubling them (a new version of a notice has new clause ids, hence new events).
Items with no date (长期坚持, none) cannot be placed on a calendar: they are counted, not written.
Written with the maintained ``icalendar`` library; ``tests/test_ics.py`` reads the files back with
another one (``ical``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from web.due import DueItem, occurrences

#: Who wrote the calendar (RFC 5545 PRODID).
PRODID = "-//policy-qa//政策条款问答 到期任务//ZH"


def uid(chunk_id: str) -> str:
    """The event's stable id: the same clause gives the same UID in every export.

    >>> uid("a#一/1") == uid("a#一/1") != uid("a#一/2")
    True
    """
    return hashlib.sha256(chunk_id.encode("utf-8")).hexdigest()[:32] + "@policy-qa"


def description(item: DueItem, link: str) -> str:
    """The event's text: the clause, its limit and units, its notice, the link back to it."""
    t = item.task
    lines = [t.text or t.title, ""]
    lines += [f"完成时限：{t.deadline}" if t.deadline else "", f"牵头单位：{t.lead}" if t.lead else ""]
    lines += [f"配合单位：{t.support}" if t.support else "", f"通知：{t.notice}　{t.label}".strip()]
    if link:
        lines.append(f"原文：{link}")
    return "\n".join(line for line in lines if line is not None).strip()


def write_ics(items: Sequence[DueItem], name: str, path: Path, base_url: str = "") -> tuple[Path, int]:
    """Write the dated items as one calendar; returns the path and how many items had no date (left out).

    Args:
        items: The 到期 view's items.
        name: The calendar's name ("市数据局（汉中市）到期任务").
        path: Where to write the .ics.
        base_url: The app's address ("http://10.0.0.5:7860"); each event links to its clause there.
    """
    from icalendar import Calendar, Event, vRecur

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    stamp = datetime.now(UTC).replace(microsecond=0)
    undated = 0
    for item in items:
        if not item.due:
            undated += 1
            continue
        t = item.task
        link = f"{base_url.rstrip('/')}/#clause={quote(t.chunk_id, safe='')}" if base_url else ""
        event = Event()
        event.add("uid", uid(t.chunk_id))
        event.add("dtstamp", stamp)
        start = date.fromisoformat(item.due)
        if item.rule:  # the series starts at its first occurrence, not at today's next one
            first = occurrences(item.rule, int(item.until[:4]))
            start = first[0] if first else start
            event.add("rrule", vRecur.from_ical(f"{item.rule};UNTIL={item.until.replace('-', '')}"))
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(days=1))
        role = f"（{t.role}）" if t.role else ""
        event.add("summary", f"{t.title}{role}")
        event.add("description", description(item, link))
        event.add("categories", [c for c in ("政策任务", t.role) if c])
        if link:
            event.add("url", link)
        event.add("transp", "TRANSPARENT")  # a limit, not a meeting: it does not mark the day busy
        calendar.add_component(event)
    path.write_bytes(calendar.to_ical())
    return path, undated
