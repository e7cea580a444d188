"""A comparison as the page shows it: the changed items first-class, the kept ones counted.

Each row is a card: its status, where it stood in each notice (章节 and 条目), the text with the
changed words marked (deleted red and struck through, added green and underlined), and a line for
a lead, support or deadline that changed. Everything from a notice is escaped.
"""

from __future__ import annotations

import html

from web.changes.compare import Comparison
from web.changes.items import Item
from web.changes.status import KEPT, NEW, Change

#: The most rows the page draws (the .xlsx holds all).
MAX_ROWS = 500
_COLOURS = {"修改": "#b45309", "新增": "#047857", "删除": "#b91c1c", "保留": "#475569"}


def _where(item: Item | None) -> str:
    return html.escape(item.heading or item.path) if item is not None else "—"


def _text(change: Change) -> str:
    if change.diff:
        marks = {"=": "{}", "-": "<del>{}</del>", "+": "<ins>{}</ins>"}
        return "".join(marks[s.op].format(html.escape(s.text)) for s in change.diff)
    item = change.after or change.before
    return html.escape(item.body if item else "")


def _units(change: Change) -> str:
    b, a = change.before, change.after
    lines = []
    fields = (("牵头单位", lambda i: "、".join(i.chunk.lead)), ("配合单位", lambda i: "、".join(i.chunk.support)),
              ("完成时限", lambda i: i.chunk.deadline or ""))  # fmt: skip
    for name, get in fields:
        if f"{name}变化" in change.changes and b and a:
            lines.append(f"{name}：{html.escape(get(b) or '无')} → <b>{html.escape(get(a) or '无')}</b>")
    return "".join(f'<div class="cmp-units">{line}</div>' for line in lines)


def card(change: Change) -> str:
    """One row as an HTML card."""
    colour = _COLOURS.get(change.status, "#475569")
    extra = "".join(f'<span class="cmp-tag">{html.escape(c)}</span>' for c in change.changes)
    where = _where(change.after) if change.status == NEW else f"{_where(change.before)} → {_where(change.after)}"
    return (f'<div class="cmp-row"><div class="cmp-head"><span class="cmp-status" style="background:{colour}">'
            f"{change.status}</span> {where} {extra}</div>"
            f'<div class="cmp-text">{_text(change)}</div>{_units(change)}</div>')  # fmt: skip


def comparison_html(comparison: Comparison, show_kept: bool = False) -> str:
    """The comparison's changed rows as cards (and the kept ones with ``show_kept``), at most :data:`MAX_ROWS`."""
    rows = [r for r in comparison.rows if show_kept or r.status != KEPT or r.changes]
    hidden = len(comparison.rows) - len(rows)
    cards = [card(r) for r in rows[:MAX_ROWS]]
    notes = []
    if hidden:
        notes.append(f"另有 {hidden} 条未改动（保留），勾选“显示未改动的条目”或导出表格可见。")
    if len(rows) > MAX_ROWS:
        notes.append(f"页面列出前 {MAX_ROWS} 条，共 {len(rows)} 条；导出表格含全部。")
    if not rows:
        cards.append('<div class="cmp-row">两份通知的条目内容相同。</div>')
    foot = "".join(f'<p class="cmp-note">{n}</p>' for n in notes)
    return f'<div class="cmp">{"".join(cards)}{foot}</div>'
