"""Numbering markers of Chinese official documents: 一、 / （一） / 1. / （1） / ① / 第X章 第X节 第X条."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CN = "一二三四五六七八九十百千零〇两"
_CN_NUM = f"[{_CN}]+"
_NUM = rf"(?:{_CN_NUM}|\d{{1,4}})"

# (kind, pattern). The first group is the marker as written, the second its number.
# Order matters only where two could match the same line; none can here.
_MARKERS: list[tuple[str, re.Pattern[str]]] = [
    ("chapter", re.compile(rf"(第({_NUM})章)(?=\s|$|[^的之规中])")),
    ("section", re.compile(rf"(第({_NUM})节)(?=\s|$|[^的之规中])")),
    ("article", re.compile(rf"(第({_NUM})条)(?=\s|$|[^的之规和、，,至到中])")),
    ("cn", re.compile(rf"(({_CN_NUM})[、．.])")),
    ("pcn", re.compile(rf"([（(]({_CN_NUM})[)）][、．.]?)")),
    ("ar", re.compile(r"((\d{1,3})(?:[、．]|\.(?!\d)|\.(?=\d{4}年)))")),  # "4.2024年底前…" opens item 4
    ("par", re.compile(r"([（(](\d{1,3})[)）][、．.]?)")),
    ("circ", re.compile(r"(([\u2460-\u2473\u3251-\u325f]))")),
]

#: Kinds whose rank is fixed (a chapter always contains sections and articles).
RANKED = {"chapter": 0, "section": 1, "article": 2}

_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


@dataclass(frozen=True)
class Marker:
    """A numbering marker found at the start of a line.

    Attributes:
        kind: One of chapter, section, article, cn (一、), pcn (（一）), ar (1.), par (（1）), circ (①).
        written: The marker exactly as written, e.g. "（十）", "13.", "第五条".
        label: The label as written without trailing punctuation: "（十）", "13", "第五条".
        value: Its number (1-based), for sequence checks.
        rest: The text of the line after the marker.
    """

    kind: str
    written: str
    label: str
    value: int
    rest: str


def cn_to_int(text: str) -> int:
    """Convert a Chinese or Arabic numeral to int: "十九" → 19, "一百零二" → 102, "12" → 12.

    >>> cn_to_int("十九"), cn_to_int("二十"), cn_to_int("一百零二"), cn_to_int("12")
    (19, 20, 102, 12)
    """
    if text.isdigit():
        return int(text)
    total, digit = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (digit or 1) * _CN_UNITS[ch]
            digit = 0
    return total + digit


def _circled_value(ch: str) -> int:
    code = ord(ch)
    return code - 0x2460 + 1 if code <= 0x2473 else code - 0x3251 + 21


def parse_marker(line: str) -> Marker | None:
    """Return the numbering marker that opens ``line``, or ``None``.

    >>> parse_marker("（十）加强12345热线企业群众诉求办理。").label
    '（十）'
    >>> parse_marker("13.强化政务服务效能监管。").kind
    'ar'
    >>> parse_marker("1.7万余个基站") is None
    True
    >>> parse_marker("4.2024年底前建成平台。").label
    '4'

    """
    for kind, pattern in _MARKERS:
        m = pattern.match(line)
        if not m:
            continue
        written, number = m.group(1), m.group(2)
        value = _circled_value(number) if kind == "circ" else cn_to_int(number)
        label = written.rstrip("、．.")
        rest = line[m.end(1) :].strip()
        if kind in ("cn", "ar") and not rest:
            continue  # a bare "1." or "一、" is not a numbered unit
        return Marker(kind, written, label, value, rest)
    return None


_HALF_DIGITS = str.maketrans("０１２３４５６７８９（）", "0123456789()")


def id_label(label: str) -> str:
    """The form of a label used in chunk ids: half-width digits and brackets, no spaces.

    >>> id_label("（十）"), id_label("13"), id_label("第五条"), id_label("１９")
    ('(十)', '13', '第五条', '19')
    """
    return label.translate(_HALF_DIGITS).replace(" ", "")
