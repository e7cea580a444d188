"""Answers for people: HTML for the chat (escaped, query terms highlighted) and CSV citations."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from index.answer import NEAREST_HEADING, REFUSAL, Answer, Hit
from index.views import clause_label
from web.cells import csv_rows
from web.tasks import COLUMNS

#: A citation links to its notice as ``#clause=`` + the URL-quoted chunk id (the chat's sanitizer keeps
#: links, not data attributes); the page's script (``web.page.OPEN_NOTICE``) turns the click into a request.
NOTICE_LINK = "clause="
#: The refusal when nothing was found at all (the same words as the CLI, batch files and the API).
NO_MATCH = REFUSAL


def highlight(text: str, terms: Sequence[str]) -> str:
    """HTML-escape ``text`` and wrap every occurrence of the terms in ``<mark>``.

    Longer terms win where terms overlap; the text is escaped first, so nothing a user or a
    notice supplies is ever interpreted as markup. A term of one character is not marked: a
    single 年 or 市 would light up every year and city of the clause, and mark nothing it answers.

    >>> highlight("规范12345热线<b>", ["热线", "12345"])
    '规范<mark>12345</mark><mark>热线</mark>&lt;b&gt;'
    >>> highlight("突破年：2024年", ["年", "突破"])
    '<mark>突破</mark>年：2024年'
    """
    escaped = html.escape(text, quote=False)
    kept = {t.strip() for t in terms if t and len(t.strip()) >= 2}
    words = sorted({html.escape(t, quote=False) for t in kept}, key=len, reverse=True)
    if not words:
        return escaped
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    return pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped)


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def plain_text(text: str) -> str:
    r"""Text the chat shows as typed: HTML escaped and markdown's marks escaped, so nothing renders or loads.

    A question such as ``![x](http://host/t.png)`` would otherwise make the browser fetch an
    image from another server.

    >>> print(plain_text("![x](http://h/t.png) <b>'s"))
    \!\[x\]\(http://h/t\.png\) &lt;b&gt;'s
    """
    return _MARKDOWN.sub(r"\\\1", html.escape(text, quote=False))


def label_text(hit: Hit) -> str:
    """How an item is cited: "第13项", "（十）", "第五条", or "段落" for prose."""
    return clause_label(hit.label, hit.kind)


def citation_html(hit: Hit) -> str:
    """One numbered citation: notice, issuer and date, section path and item, departments, clause."""
    e = html.escape
    meta = " · ".join(e(x) for x in (hit.issuer, hit.date) if x)
    path = " › ".join(e(s) for s in hit.section)
    parts = [
        f'<div class="cite" data-chunk="{e(hit.id)}">',
        f"<b>[{hit.rank}] {e(hit.title or hit.notice_title)}</b>" + (f" <small>{meta}</small>" if meta else ""),
        f' <a class="open-notice" href="#{NOTICE_LINK}{quote(hit.id, safe="")}">在通知中查看</a>',
        f"<br><small>{path + ' › ' if path else ''}{e(label_text(hit))}</small>",
    ]
    if hit.lead or hit.support:
        parts.append(
            f"<br><small>牵头：{e('、'.join(hit.lead)) or '—'}　配合：{e('、'.join(hit.support)) or '—'}</small>"
        )
    if hit.deadline:
        parts.append(f"<br><small>完成时限：{e(hit.deadline)}{f'（{e(hit.due)}）' if hit.due else ''}</small>")
    lead_in = (hit.metadata or {}).get("lead_in")
    if isinstance(lead_in, str) and lead_in:  # the sentence that introduces the item's list: its context
        parts.append(f'<br><small class="lead-in">上文：{e(lead_in)}</small>')
    parts.append(f"<blockquote>{highlight(hit.text, hit.matched).replace(chr(10), '<br>')}</blockquote></div>")
    return "".join(parts)


#: Most items of a department's task list shown at the top of an answer (the tab lists them all).
TASKS_SHOWN = 15


def answer_html(answer: Answer, tasks: dict[str, list[Any]] | None = None) -> str:
    """The whole chat reply: a department's task list or a lead line, then the citations.

    ``tasks`` maps a department to the items it leads (:class:`web.tasks.Task`), for
    "X牵头负责哪些工作" questions: the list comes first, then the clauses.
    """
    listed = [tasks_html(department, items) for department, items in (tasks or {}).items() if items]
    out = []
    if answer.reading is not None and answer.reading.follow_up:  # a follow-up: how it was read, first
        out.append(f'<p class="reading">按上文理解为：{html.escape(answer.reading.text)}</p>')
    out += listed
    if answer.abstained or not answer.hits:
        if not listed:
            out.append(html.escape(answer.message or NO_MATCH))
            if answer.nearest:
                out.append(f'<p class="nearest">{html.escape(NEAREST_HEADING)}</p>')
                out += [citation_html(h) for h in answer.nearest]
        return "\n".join(out)
    if answer.warning:
        out.append(f'<p class="warning" role="note">{html.escape(answer.warning)}</p>')
    if answer.asks_responsibility and answer.leads:
        lines = "<br>".join(html.escape(line) for line in answer.lead_line().splitlines())
        out.append(f'<p class="leads"><b>牵头部门</b><br>{lines}</p>')
    else:
        out.append(f"<p>找到 {len(answer.hits)} 条相关条款：</p>")
    out += [citation_html(h) for h in answer.hits]
    return "\n".join(out)


def tasks_html(department: str, tasks: Sequence[Any]) -> str:
    """A department's led items as a numbered list: notice, item, title, deadline."""
    e = html.escape
    items = []
    for task in tasks[:TASKS_SHOWN]:
        due = f"（完成时限：{e(task.deadline)}）" if task.deadline else ""
        items.append(f"<li>{e(task.notice)} {e(task.label)}　{e(task.title)}{due}</li>")
    more = len(tasks) - TASKS_SHOWN
    rest = f"<p>另有 {more} 项，见「部门任务」。</p>" if more > 0 else ""
    head = f"<b>{e(department)}牵头的工作（共 {len(tasks)} 项）</b>"
    return f'<div class="tasks">{head}<ol>{"".join(items)}</ol>{rest}</div>'


#: The CSV columns, in Chinese for the people who open the file.
CSV_HEADER = [
    "序号", "通知", "发文机关", "日期", "章节", "条目",
    "牵头单位", "配合单位", "完成时限", "截止日期", "条款原文", "条款编号",
]  # fmt: skip


def citations_csv(answer: Answer, asked_at: str = "") -> str:
    """The answer's citations as CSV text (UTF-8 with BOM so spreadsheet programs read the Chinese).

    The first rows name the question and when it was asked; then a header row and one row per
    citation.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    rows: list[list[Any]] = [["问题", answer.query], ["检索时间", asked_at], [], list(CSV_HEADER)]
    for h in answer.hits:
        rows.append(
            [
                h.rank,
                h.title or h.notice_title,
                h.issuer or "",
                h.date or "",
                " › ".join(h.section),
                label_text(h),
                "、".join(h.lead),
                "、".join(h.support),
                h.deadline or "",
                h.due or "",
                h.text,
                h.id,
            ]
        )
    writer.writerows(csv_rows(rows))  # data, never formulas
    return "\ufeff" + buffer.getvalue()


def tasks_csv(tasks: Sequence[Any]) -> str:
    """A department's task list (:class:`web.tasks.Task`) as CSV text with Chinese headers (UTF-8 with BOM)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(csv_rows([list(COLUMNS), *(t.row(n) for n, t in enumerate(tasks, 1))]))  # never formulas
    return "\ufeff" + buffer.getvalue()
