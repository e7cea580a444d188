"""Responsible departments from duty notes: 〔…牵头，…按职责分工负责〕 and its variants.

A duty note is a bracketed span, in any of 〔〕 [] () （） 【】, whose clauses end with a duty
verb (牵头 / 负责 / 配合 / 参与 / 责任单位). Brackets that are not duty notes ("(含“三公”经费)",
"(试行)", "(2023-2025年)") are left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_OPEN = "〔[(（【"
_CLOSE = "〕])）】"

_CLAUSE_SPLIT = re.compile(r"[，,；;。]")
_LEAD = re.compile(r"^(?P<who>.+?)(?:分别|共同|负责|联合)?牵头(?:负责|抓总|实施)?$")
_SUPPORT = re.compile(
    r"^(?P<who>.+?)(?:按职责分工|按照职责分工|按职责|根据职责|分别|共同|积极|协同|按分工)?"
    r"(?:负责|配合|参与|协助|协办|配合实施|落实)$"
)
_INHERIT = re.compile(r"^(?P<who>.+?)(?:均为|为)责任单位$")
_NOT_LISTED = re.compile(r"^以下不再(?:列出|一一列出|重复列出)$")
# Split department lists on 、 and on 等; split on 和/及/以及 only between two names
# (so 市人力资源和社会保障局 and 市自然资源和规划局 stay whole).
_ORG_END = (
    "部门",
    "单位",
    "局",
    "委",
    "办",
    "政府",
    "中心",
    "室",
    "厅",
    "院",
    "会",
    "所",
    "队",
    "站",
    "处",
    "部",
    "组",
    "区",
    "企业",
)
_AND = re.compile(r"(以及|和|及|与)(?=[各市区县省国相有其进入公])")
_GENERIC = {"部门", "单位", "有关部门", "相关部门", "其他部门", "等部门", "等单位"}


@dataclass
class Duties:
    """Departments named by the duty notes of one item.

    Attributes:
        lead: Lead departments, in order of first appearance.
        support: Participating departments, in order of first appearance.
        inherited: Departments declared responsible for all following items
            ("…均为责任单位，以下不再列出").
        notes: The duty notes as written, brackets included.
    """

    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    inherited: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def bracket_spans(text: str) -> list[tuple[int, int]]:
    """Outermost bracketed spans of ``text`` as (start, end) with end exclusive.

    All bracket kinds nest together, so "〔…各县(区)政府…〕" is one span. An unclosed
    bracket yields no span.

    >>> text = "甲(乙(丙)丁)戊〔己〕"
    >>> [text[a:b] for a, b in bracket_spans(text)]
    ['(乙(丙)丁)', '〔己〕']
    """
    spans, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            if depth == 0:
                start = i
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, i + 1))
    return spans


def split_departments(who: str) -> list[str]:
    """Split a list of departments: "市发改委、市司法局等市级有关部门和各园区" → names.

    >>> split_departments("市行政审批服务局等市级有关部门和各县(区)政府、各园区")
    ['市行政审批服务局', '市级有关部门', '各县(区)政府', '各园区']
    >>> split_departments("市人力资源和社会保障局、自然资源分局等部门")
    ['市人力资源和社会保障局', '自然资源分局']
    """
    names = []
    for part in re.split(r"[、/]|等", who):
        for name in _split_and(part):
            name = name.strip(" 　:：")
            if name and name not in _GENERIC:
                names.append(name)
    return names


def _split_and(part: str) -> list[str]:
    """Split on 和/及/以及/与 where the left side ends like a department name."""
    pieces, last = [], 0
    for m in _AND.finditer(part):
        if part[last : m.start()].endswith(_ORG_END):
            pieces.append(part[last : m.start()])
            last = m.end()
    pieces.append(part[last:])
    return pieces


def _add(target: list[str], names: list[str]) -> None:
    for name in names:
        if name not in target:
            target.append(name)


def parse_note(note: str) -> Duties | None:
    """Parse the inside of one bracketed note; ``None`` when it is not a duty note.

    >>> d = parse_note("市行政审批服务局、市数据局分别牵头，市级有关部门和各县(区)政府、各园区按职责分工负责")
    >>> d.lead, d.support
    (['市行政审批服务局', '市数据局'], ['市级有关部门', '各县(区)政府', '各园区'])
    >>> parse_note("含“三公”经费") is None
    True
    """
    duties, found = Duties(), False
    for clause in _CLAUSE_SPLIT.split(note):
        clause = clause.strip()
        if not clause:
            continue
        if m := _LEAD.match(clause):
            _add(duties.lead, split_departments(m["who"]))
            found = True
        elif m := _INHERIT.match(clause):
            names = split_departments(m["who"])
            _add(duties.support, names)
            _add(duties.inherited, names)
            found = True
        elif m := _SUPPORT.match(clause):
            _add(duties.support, split_departments(m["who"]))
            found = True
        elif _NOT_LISTED.match(clause):
            continue
        else:
            return None  # a clause that names no duty: this bracket is something else
    return duties if found else None


def extract_duties(text: str) -> Duties:
    """Collect every duty note in an item's text (one per sentence is common).

    >>> d = extract_duties("甲。（省政府办公厅牵头）乙。（省大数据局牵头，省财政厅按职责分工负责）")
    >>> d.lead, d.support
    (['省政府办公厅', '省大数据局'], ['省财政厅'])
    """
    result = Duties()
    for start, end in bracket_spans(text):
        parsed = parse_note(text[start + 1 : end - 1])
        if parsed is None:
            continue
        _add(result.lead, parsed.lead)
        _add(result.support, parsed.support)
        _add(result.inherited, parsed.inherited)
        result.notes.append(text[start:end])
    return result
