"""What falls due, and when: a department's items (or the library's) by due date, as staff follow them up.

Every item with a time limit already carries its ``deadline`` as written and its ``due`` date when
the limit names one (ingest). A recurring limit (每季度, 每月10日前, 每年6月底前) is read as an RFC
5545 rule (:func:`ingest.deadlines.recurrence`) bounded by the notice's year; its next occurrence
from today is its due date here. Each item falls in one bucket of :data:`BUCKETS` on a given day:
overdue, due within 7 days, within 30, later, or no date (an open limit such as 长期坚持, or none).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from ingest import Chunk
from ingest.deadlines import recurrence, title_year
from web.tasks import Task, task_of

#: The buckets, in the order a follow-up reads them.
OVERDUE, WEEK, MONTH, LATER, UNDATED = "已逾期", "7天内到期", "30天内到期", "以后", "无日期"
BUCKETS = (OVERDUE, WEEK, MONTH, LATER, UNDATED)
#: The view's columns.
COLUMNS = ("状态", "截止日期", "工作事项", "角色", "牵头单位", "完成时限", "通知", "条目", "条款编号")


@dataclass(frozen=True)
class DueItem:
    """One item as the 到期 view lists it.

    Attributes:
        task: The item (its department's role in it; "" for a library-wide list).
        due: The date it falls due on the view's day: its own, or a recurring limit's next occurrence.
        rule: The RRULE of a recurring limit ("" for a one-off), bounded by ``until``.
        until: The last day a recurring limit runs to (the notice's year's end), "" for a one-off.
        bucket: One of :data:`BUCKETS`.
    """

    task: Task
    due: str
    rule: str
    until: str
    bucket: str

    def row(self) -> list[str]:
        """The item as a row of :data:`COLUMNS`."""
        t = self.task
        return [self.bucket, self.due, t.title, t.role, t.lead, t.deadline, t.notice, t.label, t.chunk_id]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the task's fields, then ``due_on``, ``rule``, ``until`` and ``bucket``."""
        return {**asdict(self.task), "due_on": self.due, "rule": self.rule, "until": self.until, "bucket": self.bucket}


def year_of(task: Task) -> int | None:
    """The year a task's limits belong to: its notice title's year, else its notice's date's."""
    year = title_year(task.notice)
    if year is None and task.date[:4].isdigit():
        year = int(task.date[:4])
    return year


def occurrences(rule: str, year: int) -> list[date]:
    """Every day a recurring rule falls on within ``year`` (the notice's year bounds it)."""
    from dateutil.rrule import rrulestr

    start = date(year, 1, 1)
    return [d.date() for d in rrulestr(rule, dtstart=_midnight(start)).between(
        _midnight(start), _midnight(date(year, 12, 31)), inc=True)]  # fmt: skip


def _midnight(day: date) -> Any:
    from datetime import datetime

    return datetime(day.year, day.month, day.day)


def bucket(due: str, today: date) -> str:
    """The bucket of a due date (ISO; "" for none) on ``today``.

    >>> [bucket(d, date(2024, 6, 1)) for d in ("2024-05-31", "2024-06-07", "2024-07-01", "2024-07-02", "")]
    ['已逾期', '7天内到期', '30天内到期', '以后', '无日期']
    """
    if not due:
        return UNDATED
    day = date.fromisoformat(due)
    if day < today:
        return OVERDUE
    if day <= today + timedelta(days=7):
        return WEEK
    if day <= today + timedelta(days=30):
        return MONTH
    return LATER


def due_item(task: Task, today: date) -> DueItem:
    """A task on ``today``: its due date, or a recurring limit's next occurrence (the sooner of the two).

    With both ("第二季度；每月") the sooner date counts; once every date has passed, the latest
    of them (the item is overdue).
    """
    rule = recurrence(task.deadline) if task.deadline else None
    year = year_of(task)
    if not rule or year is None:
        return DueItem(task, task.due, "", "", bucket(task.due, today))
    days = [*occurrences(rule, year), *([date.fromisoformat(task.due)] if task.due else [])]
    upcoming = [d for d in days if d >= today]
    due = (min(upcoming) if upcoming else max(days)).isoformat() if days else ""
    return DueItem(task, due, rule, f"{year:04d}-12-31", bucket(due, today))


def due_items(tasks: Iterable[Task], today: date) -> list[DueItem]:
    """The tasks in bucket order, soonest first within a bucket (undated ones in document order)."""
    items = [due_item(t, today) for t in tasks]
    return sorted(items, key=lambda i: (BUCKETS.index(i.bucket), i.due or "9999"))


def library_tasks(chunks: Sequence[Chunk]) -> list[Task]:
    """Every item of the library with a duty note or a limit, as tasks without a role (the whole library's view)."""
    return [task_of(c, "") for c in chunks if c.kind == "item" and (c.lead or c.support or c.deadline)]
