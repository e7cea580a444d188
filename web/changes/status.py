"""What happened to one item between two notices: its status, what else changed, and the words that differ.

Statuses (:data:`STATUSES`): 保留 (kept: the same body), 修改 (reworded: the same task, other words),
新增 (new), 删除 (dropped). Beside the status, a pair may have changed its lead units, its
support units or its deadline (:data:`CHANGES`), each compared apart from the body, so a task
whose only change is its 牵头单位 is kept *and* marked "牵头单位变化".
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from web.changes.items import Item, key_of, unspaced

KEPT, REWORDED, NEW, DROPPED = "保留", "修改", "新增", "删除"
#: Every status, in the order a reader looks for them.
STATUSES = (REWORDED, NEW, DROPPED, KEPT)
LEAD, SUPPORT, DEADLINE = "牵头单位变化", "配合单位变化", "完成时限变化"
#: What may change beside the text.
CHANGES = (LEAD, SUPPORT, DEADLINE)
#: The English names the JSON API uses beside the Chinese ones.
CODES = {KEPT: "kept", REWORDED: "reworded", NEW: "new", DROPPED: "dropped",
         LEAD: "lead", SUPPORT: "support", DEADLINE: "deadline"}  # fmt: skip
#: The most characters of one body the character diff reads (a longer pair is shown whole on both sides).
MAX_DIFF_CHARS = 20_000


@dataclass(frozen=True)
class Segment:
    """A run of the character diff: ``op`` is "=" (both), "-" (only earlier) or "+" (only later)."""

    op: str
    text: str


@dataclass(frozen=True)
class Change:
    """One row of a comparison: an item of either notice, or a pair of them.

    Attributes:
        status: One of :data:`STATUSES`.
        before: The earlier notice's item (None when new).
        after: The later notice's item (None when dropped).
        changes: What else changed, of :data:`CHANGES`.
        diff: The bodies' character diff, earlier to later (empty unless reworded).
        score: The pair's alignment score (0 for an item without a pair).
    """

    status: str
    before: Item | None
    after: Item | None
    changes: tuple[str, ...] = ()
    diff: tuple[Segment, ...] = field(default_factory=tuple)
    score: float = 0.0


def char_diff(before: str, after: str, join: int = 1) -> tuple[Segment, ...]:
    """The two texts' difference by characters, as runs of :class:`Segment`.

    A run of ``join`` or fewer unchanged characters (one) between two changes is folded into them, so a
    rewritten phrase reads as one deletion and one addition, not as a comb of single characters.

    >>> [(s.op, s.text) for s in char_diff("向工商行政管理机关办理", "向市场监督管理部门办理")]
    [('=', '向'), ('-', '工商行政'), ('+', '市场监督'), ('=', '管理'), ('-', '机关'), ('+', '部门'), ('=', '办理')]
    >>> [(s.op, s.text) for s in char_diff("加快推进标准的制定", "稳步推动标准制定")]
    [('-', '加快推进'), ('+', '稳步推动'), ('=', '标准'), ('-', '的'), ('=', '制定')]
    """
    if len(before) > MAX_DIFF_CHARS or len(after) > MAX_DIFF_CHARS:
        return (Segment("-", before), Segment("+", after))
    before, after = unspaced(before), unspaced(after)  # as the bodies' keys do
    folded = [[unicodedata.normalize("NFKC", ch) for ch in text] for text in (before, after)]
    codes = difflib.SequenceMatcher(None, *folded, autojunk=False).get_opcodes()  # "（" equals "("
    hunks: list[list] = []  # [op, i1, i2, j1, j2], unchanged runs between changes folded in
    for n, (op, i1, i2, j1, j2) in enumerate(codes):
        short = op == "equal" and i2 - i1 <= join and 0 < n < len(codes) - 1
        if (op != "equal" or short) and hunks and hunks[-1][0] == "change":
            hunks[-1][2], hunks[-1][4] = i2, j2
        else:
            hunks.append(["equal" if op == "equal" and not short else "change", i1, i2, j1, j2])
    out: list[Segment] = []
    for op, i1, i2, j1, j2 in hunks:
        if op == "equal":
            out.append(Segment("=", after[j1:j2]))  # as the later text writes it
            continue
        if i2 > i1:
            out.append(Segment("-", before[i1:i2]))
        if j2 > j1:
            out.append(Segment("+", after[j1:j2]))
    return tuple(out)


def _units(names: Sequence[str]) -> set[str]:
    return {key_of(n) for n in names if key_of(n)}


def pair_change(before: Item, after: Item, score: float = 0.0) -> Change:
    """The row of two aligned items: kept or reworded, and what changed beside the text."""
    changes = []
    if _units(before.chunk.lead) != _units(after.chunk.lead):
        changes.append(LEAD)
    if _units(before.chunk.support) != _units(after.chunk.support):
        changes.append(SUPPORT)
    if key_of(before.chunk.deadline or "") != key_of(after.chunk.deadline or ""):
        changes.append(DEADLINE)
    if before.key == after.key:
        return Change(KEPT, before, after, tuple(changes), (), score)
    return Change(REWORDED, before, after, tuple(changes), char_diff(before.body, after.body), score)


def single_change(before: Item | None, after: Item | None) -> Change:
    """The row of an item without a pair: dropped (only ``before``) or new (only ``after``)."""
    return Change(DROPPED if after is None else NEW, before, after)
