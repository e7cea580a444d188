"""Deadlines (完成时限) as written, and the ISO date they name when that is unambiguous.

A deadline is read where a notice states one for the item: inside its duty note
("（2024年6月底前完成，牵头单位：…）", also a schedule such as "按进度推进"), in a labelled field
("完成时限：…"), or in a task table's 完成时限 column; failing those, the limits the item's own
words set ("2023年8月底前，全面完成…", "年底前", "年内", "每季度": :func:`body_deadline`). A bare
year in the running text ("到2025年，…") is a milestone, not a limit, and is left alone.

The ISO date is the last day the words allow: "2024年6月底前" → 2024-06-30, "2024年底" →
2024-12-31, "2024年第三季度" → 2024-09-30, "2024年上半年" → 2024-06-30, "2024年6月15日前" →
2024-06-15, "2025年" → 2025-12-31. Without a year ("6月底前") the year of the document's title is
used when the title names exactly one year ("2024年…工作要点"); otherwise there is no ISO date.
"长期坚持", "持续推进" and other open-ended limits keep their words and have no ISO date. When a
deadline names several dates ("2023年底前…；2025年底前…") the ISO date is the latest.
"""

from __future__ import annotations

import calendar
import re

_CN_MONTH = {c: i for i, c in enumerate("一二三四五六七八九十", 1)} | {"十一": 11, "十二": 12}
_MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_YEAR = r"(?:(?P<year>(?:19|20)\d{2})\s*年(?:年)?)"
_POINT = re.compile(
    rf"{_YEAR}?\s*(?:"
    rf"(?P<month>{_MONTH})\s*月\s*(?:(?P<day>[0-3]?\d)\s*日|(?P<part>底|末|上旬|中旬|下旬|份))?"
    r"|(?P<half>上半年|下半年|年中)"
    r"|第(?P<quarter>[一二三四1-4])季度"
    r"|(?P<yearend>年底|年末|年内|底)"
    r")"
    rf"|(?P<bare>(?:19|20)\d{{2}})\s*年(?![\d度内）)])"
)
#: A schedule or status instead of a date: "按进度推进", "按计划实施", "分阶段推进", "逐步落实".
_SCHEDULE = (
    r"(?:按(?:序时|工作|时间|年度)?(?:进度|计划|节点|要求|时序)|分(?:阶段|步|年度|批)|逐(?:步|年)|有序|稳步)"
    r"(?:推进|实施|落实|开展|完成)"
)
_OPEN_ENDED = re.compile(rf"长期坚持|长期推进|持续推进|持续开展|持续实施|常态化|长期|持续|{_SCHEDULE}")
#: A phrase that is only a time limit (with an optional verb such as 完成 or 见效).
_DEADLINE_ONLY = re.compile(
    rf"(?:(?:{_YEAR}?\s*(?:{_MONTH}\s*月\s*(?:[0-3]?\d\s*日|底|末|上旬|中旬|下旬|份)?|上半年|下半年|年底|年末|年内|全年|第[一二三四1-4]季度)"
    r"|(?:19|20)\d{2}\s*年)\s*(?:前|以前|之前)?"
    r"(?:[，,、]?\s*(?:完成|全面完成|基本完成|办结|见效|上线|出台|落实|建成|实现|启动|取得明显成效|取得阶段性成效|持续推进|并持续推进))*"
    rf"|(?:全年|年内|全年度|本年度)?(?:长期坚持|长期推进|持续推进|持续开展|常态化推进|长期|{_SCHEDULE}))"
)
_QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4}


def is_deadline(text: str) -> bool:
    """True when ``text`` is a time limit and nothing else ("2024年6月底前完成", "长期坚持").

    >>> is_deadline("2024年6月底前"), is_deadline("长期坚持"), is_deadline("5月底前取得明显成效并持续推进")
    (True, True, True)
    >>> is_deadline("按进度推进"), is_deadline("分阶段实施"), is_deadline("全年持续推进"), is_deadline("年内完成")
    (True, True, True, True)
    >>> is_deadline("2023-2025年"), is_deadline("试行"), is_deadline("含“三公”经费")
    (False, False, False)
    """
    return _DEADLINE_ONLY.fullmatch(text.strip(" 。；;，,")) is not None


def mentions_time(text: str) -> bool:
    """True when ``text`` names a point in time or an open-ended limit anywhere in it.

    >>> mentions_time("5月底前取得明显成效"), mentions_time("省数据局")
    (True, False)
    """
    return bool(_POINT.search(text) or _OPEN_ENDED.search(text))


#: A limit written in an item's body: a month or year end with 前/底 ("2023年8月底前", "6月底前",
#: "9月30日前", "年底前"), 年内, a half year or quarter, or a recurring period ("每季度").
_BODY_LIMIT = re.compile(
    rf"(?:{_YEAR}?\s*(?:{_MONTH}\s*月\s*(?:[0-3]?\d\s*日|底|末|上旬|中旬|下旬)?\s*(?:前|以前|之前)"
    rf"|{_MONTH}\s*月\s*(?:底|末)"
    r"|年\s*(?:底|末)\s*(?:前|以前|之前)?|(?<![\d一二三两几数多])年内|(?:上|下)半年|第[一二三四1-4]季度)"
    r"|每(?:个)?(?:季度|月|半年|年度|周))"
)


def body_deadline(text: str) -> str | None:
    """The time limits an item's body sets ("2023年8月底前，全面完成…"), joined with "；"; ``None`` if none.

    Read when no duty note or table column states the deadline. A year alone ("到2025年，…")
    is a milestone, not a limit, and is not read.

    >>> body_deadline("（十三）2023年8月底前，全面完成系统对接。年底前实现全覆盖。")
    '2023年8月底前；年底前'
    >>> body_deadline("每季度通报一次，年内完成。"), body_deadline("到2025年，基本建成。")
    ('每季度；年内', None)
    """
    found = list(dict.fromkeys(m.group().replace(" ", "") for m in _BODY_LIMIT.finditer(text)))
    found = [f for f in found if not any(f != g and f in g for g in found)]  # "年底前" inside "2024年底前"
    return "；".join(found) or None


def due_date(text: str, year: int | None = None) -> str | None:
    """The ISO date a deadline names (the latest, when it names several); ``None`` if none is sure.

    Args:
        text: The deadline as written.
        year: The year to assume when the text names a month without one (the title's year).

    >>> due_date("2024年6月底前"), due_date("6月底前", 2024), due_date("6月底前")
    ('2024-06-30', '2024-06-30', None)
    >>> due_date("2024年第三季度"), due_date("2024年底前"), due_date("2025年"), due_date("长期坚持")
    ('2024-09-30', '2024-12-31', '2025-12-31', None)
    >>> due_date("2023年底前完成试点；2025年底前全面推开"), due_date("年内", 2024), due_date("每季度", 2024)
    ('2025-12-31', '2024-12-31', None)
    """
    found: list[str] = []
    for m in _POINT.finditer(text):
        iso = _iso(m, year)
        if iso:
            found.append(iso)
    return max(found) if found else None


def _iso(m: re.Match[str], default_year: int | None) -> str | None:
    if m["bare"]:
        return f"{int(m['bare']):04d}-12-31"
    year = int(m["year"]) if m["year"] else default_year
    if year is None:
        return None
    if m["month"]:
        month = _month(m["month"])
        last = calendar.monthrange(year, month)[1]
        if m["day"]:
            day = int(m["day"])
            return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= day <= last else None
        day = {"上旬": 10, "中旬": 20}.get(m["part"] or "", last)
        return f"{year:04d}-{month:02d}-{day:02d}"
    if m["half"]:
        return f"{year:04d}-06-30" if m["half"] in ("上半年", "年中") else f"{year:04d}-12-31"
    if m["quarter"]:
        q = _QUARTER.get(m["quarter"]) or int(m["quarter"])
        month = 3 * q
        return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"
    if m["yearend"] and (m["year"] or m["yearend"] != "底"):
        return f"{year:04d}-12-31"
    return None


def _month(text: str) -> int:
    return int(text) if text.isdigit() else _CN_MONTH[text]


def title_year(title: str) -> int | None:
    """The year a document's title names, when it names exactly one ("2024年…工作要点").

    >>> title_year("2024年汉中市推进政府职能转变工作要点"), title_year("数字经济规划（2021—2023年）")
    (2024, None)
    """
    years = set(re.findall(r"((?:19|20)\d{2})\s*年", title))
    ranges = re.search(r"(?:19|20)\d{2}\s*[-—–~～至到]\s*(?:19|20)?\d{2}", title)
    return int(years.pop()) if len(years) == 1 and not ranges else None


#: A recurring limit: 每月 / 每个月 (with a day: 每月10日前), 每季度, 每半年, 每年 / 每年度 (with a month:
#: 每年6月底前), 每周.
_RECURRING = re.compile(
    r"每(?:个)?(?:"
    rf"(?P<month_each>月)(?:\s*(?P<mday>[0-3]?\d)\s*日)?"
    r"|(?P<quarter_each>季度?)"
    r"|(?P<half_each>半年)"
    rf"|(?P<year_each>年度?)(?:\s*(?P<ymonth>{_MONTH})\s*月\s*(?:(?P<yday>[0-3]?\d)\s*日)?)?"
    r"|(?P<week_each>周|星期)"
    r")"
)


def recurrence(text: str) -> str | None:
    """The RFC 5545 RRULE a recurring limit sets ("每季度" → the last day of each quarter); None if none.

    A month's limit without a day falls on its last day (as "6月底前" does); a weekly one on Friday,
    the week's last working day. The rule has no end here: the caller bounds it by the notice's year.

    >>> recurrence("每季度报送一次"), recurrence("每月10日前")
    ('FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1', 'FREQ=MONTHLY;BYMONTHDAY=10')
    >>> recurrence("每年6月底前"), recurrence("每半年"), recurrence("每周"), recurrence("2024年6月底前")
    ('FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=-1', 'FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1', 'FREQ=WEEKLY;BYDAY=FR', None)
    """
    m = _RECURRING.search(text)
    if m is None:
        return None
    if m["month_each"]:
        day = int(m["mday"]) if m["mday"] and 1 <= int(m["mday"]) <= 31 else -1
        return f"FREQ=MONTHLY;BYMONTHDAY={day}"
    if m["quarter_each"]:
        return "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1"
    if m["half_each"]:
        return "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1"
    if m["year_each"]:
        month = _month(m["ymonth"]) if m["ymonth"] else 12
        day = int(m["yday"]) if m["yday"] and 1 <= int(m["yday"]) <= 31 else -1
        return f"FREQ=YEARLY;BYMONTH={month};BYMONTHDAY={day}"
    return "FREQ=WEEKLY;BYDAY=FR"
