"""Responsible departments (and deadlines) from an item's duty notes.

A duty note is a bracketed span, in any of 〔〕 [] () （） 【】, in one of two forms:

- **clauses ending in a duty verb**: "〔A、B分别牵头，C按职责分工负责〕", "（A牵头，B、C配合）",
  "（A、B分工负责）", "（A负责，列第一位者为牵头部门，下同）";
- **labelled fields**: "（牵头单位：A、B；责任单位：C、D）", "（责任单位：A）",
  "（5月底前取得明显成效并持续推进，牵头考核单位：A）", "（牵头单位：A，参加单位：B）".

Who leads:

- 牵头 (and 牵头单位 / 牵头部门 / 牵头考核单位 / 牵头责任单位) names the lead.
- 配合 / 参与 / 协助 / 协办 (verbs) and 配合 / 参与 / 参加 / 协办 / 协同 / 支持单位 (labels) name support.
- 负责 / 责任单位 / 主责单位 name support when the same note names a lead; otherwise they
  name the units responsible for the item, which lead it. Generic units (各有关部门,
  市直相关单位 …, see :mod:`ingest.departments`) are never made lead by this inference; they
  stay support (a note that says "各区市牵头" still makes them lead).
- Where the notice states its own convention ("列第一位者为牵头部门", "排在第一位的为牵头单位"),
  the first unit a note names without a 牵头 is the lead and the others support, from then on.

Brackets that are not duty notes ("(含“三公”经费)", "(试行)", "(2023-2025年)") are left alone.
A labelled note may also end an item without brackets ("…。责任单位：A、B。"), and a closing
bracket that only lists government bodies ("…。（装备信息中心、教科院）") names the units responsible.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.deadlines import is_deadline, mentions_time
from ingest.departments import CLOSE_BRACKETS, OPEN_BRACKETS, is_generic, split_departments

_BRACKET = re.compile(f"[{re.escape(OPEN_BRACKETS + CLOSE_BRACKETS)}]")

_CLAUSE_SPLIT = re.compile(r"[，,；;。]")
_LEAD = re.compile(r"^(?P<who>.+?)(?:分别|共同|负责|联合)?牵头(?:负责|抓总|实施|落实)?$")
_MANNER = (
    r"(?:按照?(?:各自)?(?:职责|职能)(?:分工)?|根据(?:各自)?职责(?:分工)?|依职责|按分工|分工|分别|共同|积极|协同|各自)"
)
_SUPPORT = re.compile(rf"^(?P<who>.+?){_MANNER}*(?P<verb>负责|配合|参与|协助|协办|配合实施|参与实施|落实|抓好落实)$")
_RESPONSIBLE_VERBS = ("负责", "落实", "抓好落实")
_INHERIT = re.compile(r"^(?P<who>.+?)(?:均为|为)责任单位$")
_NOT_LISTED = re.compile(r"^(?:以下不再(?:列出|一一列出|重复列出)|下同)$")
#: The notice's own rule that the first unit named leads: "列第一位者为牵头部门".
CONVENTION = re.compile(r"(?:列|排|位列|排在|列在|排名)?第一(?:位|个|名)(?:者|的)?(?:为|是)牵头(?:单位|部门)")

_LABEL = re.compile(
    r"(?P<label>牵头(?:考核|责任)?(?:单位|部门)|(?:主要)?责任(?:单位|部门)|主责(?:单位|部门)|"
    r"(?:配合|参与|参加|协办|协同|支持|协作)(?:单位|部门)|完成时限|完成时间|时间节点|时限要求|时限)\s*[:：]"
)
_TAIL = re.compile(
    r"(?:^|[。；;\n])\s*(?P<note>(?:牵头(?:考核|责任)?|(?:主要)?责任|主责|配合|参与|参加|协办)(?:单位|部门)\s*[:：][^。\n]+)。?\s*$"
)
_FIELD_TRIM = " 　，,；;。、"
#: A unit in a bare list note "（装备信息中心、教科院）": a government body's ending, no company.
_BODY = re.compile(
    r"^(?!.*(?:公司|集团|有限|大学|学院$)).{1,18}(?:局|委|办|厅|处|科|院|中心|部|政府|管委会|海关|各区市|各区|各市|各县)$"
)


@dataclass
class Duties:
    """Departments (and a deadline) named by the duty notes of one item.

    Attributes:
        lead: Lead departments, in order of first appearance.
        support: Participating departments, in order of first appearance.
        inherited: Departments declared responsible for all following items
            ("…均为责任单位，以下不再列出").
        notes: The duty notes as written, brackets included.
        deadline: The time limit a note states, as written ("2024年6月底前"), if any.
        first_leads: A note stated the convention that the first unit named leads.
    """

    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    inherited: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    deadline: str | None = None
    first_leads: bool = False


def bracket_spans(text: str) -> list[tuple[int, int]]:
    """Outermost bracketed spans of ``text`` as (start, end) with end exclusive.

    All bracket kinds nest together, so "〔…各县(区)政府…〕" is one span. An unclosed
    bracket yields no span.

    >>> text = "甲(乙(丙)丁)戊〔己〕"
    >>> [text[a:b] for a, b in bracket_spans(text)]
    ['(乙(丙)丁)', '〔己〕']
    """
    spans, depth, start = [], 0, 0
    for m in _BRACKET.finditer(text):  # only the bracket characters, not every character
        ch, i = m.group(), m.start()
        if ch in OPEN_BRACKETS:
            if depth == 0:
                start = i
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                spans.append((start, i + 1))
    return spans


def add_unique(target: list[str], names: list[str]) -> None:
    """Append the names not yet in ``target``, in order."""
    for name in names:
        if name not in target:
            target.append(name)


def assign_responsible(duties: Duties, names: list[str], first_leads: bool) -> None:
    """Units named responsible (负责 / 责任单位) where no lead is named: who of them leads.

    The first one when the notice's convention says so, else every specific department
    (generic units join the support).
    """
    if first_leads and names:
        add_unique(duties.lead, names[:1])
        add_unique(duties.support, names[1:])
        return
    add_unique(duties.lead, [n for n in names if not is_generic(n)])
    add_unique(duties.support, [n for n in names if is_generic(n)])


def parse_note(note: str, first_leads: bool = False) -> Duties | None:
    """Parse the inside of one bracketed note; ``None`` when it is not a duty note.

    Args:
        note: The text between the brackets.
        first_leads: The notice's convention makes the first unit named the lead.

    >>> d = parse_note("市行政审批服务局、市数据局分别牵头，市级有关部门和各县(区)政府、各园区按职责分工负责")
    >>> d.lead, d.support
    (['市行政审批服务局', '市数据局'], ['市级有关部门', '各县(区)政府', '各园区'])
    >>> d = parse_note("牵头单位：省工业和信息化厅；责任单位：省发展改革委、省科技厅")
    >>> d.lead, d.support
    (['省工业和信息化厅'], ['省发展改革委', '省科技厅'])
    >>> parse_note("责任单位：市工业和信息化局、市科技局").lead
    ['市工业和信息化局', '市科技局']
    >>> parse_note("含“三公”经费") is None
    True
    """
    if _LABEL.search(note):
        return _parse_labelled(note, first_leads)
    return _parse_clauses(note, first_leads)


def _parse_clauses(note: str, first_leads: bool) -> Duties | None:
    duties, found = Duties(), False
    named: list[tuple[str, bool]] = []  # support-side names in order, and whether named responsible
    clauses = [c.strip() for c in _CLAUSE_SPLIT.split(note) if c.strip()]
    if any(CONVENTION.fullmatch(c) for c in clauses):
        first_leads = duties.first_leads = True
    for clause in clauses:
        if m := _LEAD.match(clause):
            add_unique(duties.lead, split_departments(m["who"]))
            found = True
        elif m := _INHERIT.match(clause):
            names = split_departments(m["who"])
            named += [(n, False) for n in names]
            add_unique(duties.inherited, names)
            found = True
        elif m := _SUPPORT.match(clause):
            named += [(n, m["verb"] in _RESPONSIBLE_VERBS) for n in split_departments(m["who"])]
            found = True
        elif _NOT_LISTED.match(clause) or CONVENTION.fullmatch(clause):
            continue
        elif is_deadline(clause) and _is_time_limit(clause):
            duties.deadline = _join(duties.deadline, clause)
        else:
            return None  # a clause that names no duty: this bracket is something else
    if duties.lead:
        add_unique(duties.support, [n for n, _ in named])
    else:
        add_unique(duties.support, [n for n, responsible in named if not responsible])
        assign_responsible(duties, [n for n, responsible in named if responsible], first_leads)
    if not found and duties.deadline is None:
        return None
    return duties


def _parse_labelled(note: str, first_leads: bool) -> Duties | None:
    labels = list(_LABEL.finditer(note))
    duties = Duties()
    head = note[: labels[0].start()].strip(_FIELD_TRIM)
    if head:
        if not (len(head) <= 40 and (is_deadline(head) or mentions_time(head))):
            return None  # "（以联合体形式申报时，牵头单位：…）" is an instruction, not a duty note
        duties.deadline = head
    has_lead = any(m["label"].startswith("牵头") for m in labels)
    responsible: list[str] = []
    for i, m in enumerate(labels):
        end = labels[i + 1].start() if i + 1 < len(labels) else len(note)
        value = note[m.end() : end].strip(_FIELD_TRIM)
        label = m["label"]
        if not value:
            continue
        if label.startswith(("完成", "时间", "时限")):
            duties.deadline = _join(duties.deadline, value)
        elif label.startswith("牵头"):
            add_unique(duties.lead, split_departments(value))
        elif label.startswith(("责任", "主要责任", "主责")):
            add_unique(responsible, split_departments(value))
        else:
            add_unique(duties.support, split_departments(value))
    if has_lead:
        add_unique(duties.support, responsible)
    else:
        assign_responsible(duties, responsible, first_leads)
    if not (duties.lead or duties.support or duties.deadline):
        return None
    return duties


def _is_time_limit(clause: str) -> bool:
    """A clause that sets a limit (a month, 底, 前, 季度, 长期 …), not a bare year such as "2021年"."""
    return re.search(r"前|底|末|季度|半年|旬|完成|长期|持续|常态", clause) is not None


def _join(first: str | None, second: str) -> str:
    return second if not first else f"{first}；{second}"


def extract_duties(text: str, first_leads: bool = False) -> Duties:
    """Collect every duty note in an item's text (one per sentence is common).

    Args:
        text: The item's text.
        first_leads: The notice's convention makes the first unit a note names the lead
            (stated earlier in the notice; a statement in ``text`` itself, in a note or not,
            counts too and is reported in the result's ``first_leads``).

    >>> d = extract_duties("甲。（省政府办公厅牵头）乙。（省大数据局牵头，省财政厅按职责分工负责）")
    >>> d.lead, d.support
    (['省政府办公厅', '省大数据局'], ['省财政厅'])
    >>> d = extract_duties("加快建设。（2024年6月底前完成，牵头单位：市数据局；配合单位：市财政局）")
    >>> d.lead, d.support, d.deadline
    (['市数据局'], ['市财政局'], '2024年6月底前完成')
    """
    result = Duties(first_leads=first_leads or CONVENTION.search(text) is not None)
    spans = bracket_spans(text)
    for start, end in spans:
        parsed = parse_note(text[start + 1 : end - 1], result.first_leads)
        if parsed is None:
            continue
        _merge(result, parsed, text[start:end])
    if not result.notes and ("单位" in text or "部门" in text) and (m := _TAIL.search(text)):
        parsed = _parse_labelled(m["note"], result.first_leads)
        if parsed is not None:
            _merge(result, parsed, m["note"])
    if not result.notes and (bare := _bare_note(text, spans)):
        names, note = bare
        parsed = Duties()
        assign_responsible(parsed, names, result.first_leads)
        _merge(result, parsed, note)
    return result


def _bare_note(text: str, spans: list[tuple[int, int]]) -> tuple[list[str], str] | None:
    """A closing bracket that only lists bodies, "…。（装备信息中心、教科院）": the units responsible."""
    if not spans or spans[-1][1] < len(text.rstrip("。；; \n")):
        return None
    start, end = spans[-1]
    names = split_departments(text[start + 1 : end - 1])
    if names and all(_BODY.match(n) for n in names) and text[start - 1 : start] in ("。", "；", ";", ""):
        return names, text[start:end]
    return None


def _merge(result: Duties, parsed: Duties, note: str) -> None:
    add_unique(result.lead, parsed.lead)
    add_unique(result.support, parsed.support)
    add_unique(result.inherited, parsed.inherited)
    if parsed.deadline:
        result.deadline = _join(result.deadline, parsed.deadline)
    result.first_leads = result.first_leads or parsed.first_leads
    result.notes.append(note)


def without_notes(text: str) -> str:
    """An item's text without its duty notes (a table's 工作任务: the units and the limit have columns of their own).

    >>> without_notes("加快建设一体化平台。（2024年6月底前完成，牵头单位：市数据局；配合单位：市财政局）")
    '加快建设一体化平台。'
    >>> without_notes("甲。（省政府办公厅牵头）乙。（省大数据局牵头）")
    '甲。乙。'
    """
    for note in extract_duties(text).notes:
        text = text.replace(note, "", 1)
    return text.strip()
