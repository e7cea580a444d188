"""A notice as staff read it around a cited clause: metadata on top, the section outline, the text.

:func:`notice_html` renders one notice (escaped HTML) with the cited clause highlighted
(``class="here"``, so the page can scroll it into view); :func:`notice_dict` is the same
notice as JSON for the web API.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from index.stores.base import NoticeInfo
from index.views import cite_label
from ingest import Chunk


def notice_html(
    info: NoticeInfo, chunks: Sequence[Chunk], focus: str | None = None, uploaded_as: str | None = None
) -> str:
    """The whole notice: its metadata, an outline of its sections, then every clause in order.

    Each section heading is written once, where it starts; ``focus`` (a chunk id) marks the
    cited clause with ``class="here"``. Anchors are numbered (``nv-s3``, ``nv-c17``), never made
    from ids a notice supplies. ``uploaded_as`` is the file name staff uploaded it under (else the
    stored file's name is shown). Everything the notice says is escaped.
    """
    e = html.escape
    first = chunks[0] if chunks else None
    facts = [info.issuer, info.date, f"文号：{first.doc_number}" if first and first.doc_number else None]
    led = sum(bool(c.lead) for c in chunks)
    counts = f"{len(chunks)} 条" + (f"，其中 {led} 条有牵头单位" if led else "")
    stored = uploaded_as or (str(first.metadata.get("file", "")) if first else "")
    head = [
        f'<div class="notice-meta" data-doc="{e(info.doc_id)}"><b>{e(info.title)}</b>',
        f"<br><small>{' · '.join(e(x) for x in facts if x)}</small>" if any(facts) else "",
        # the library's own id, named as such beside the notice's 文号 (which the line above gives, labelled)
        f"<br><small>{counts}{'　上传文件：' + e(stored) if stored else ''}　库内编号：{e(info.doc_id)}</small>",
    ]
    cited = next((c for c in chunks if c.id == focus), None)
    if cited is not None:
        where = " › ".join(e(x) for x in [*cited.section, cite_label(cited.label) if cited.label else ""] if x)
        head.append(f'<br><small class="cited">本条：{where or "正文段落"}</small>')
    head.append("</div>")
    outline: list[str] = []
    body: list[str] = []
    shown: list[str] = []
    several = len({c.title for c in chunks if c.kind != "preamble"}) > 1  # a notice that carries several documents
    for number, chunk in enumerate(chunks):
        path = [chunk.title, *chunk.section] if several and chunk.kind != "preamble" else chunk.section
        for depth, heading in enumerate(path):
            if depth < len(shown) and shown[depth] == heading:
                continue
            shown = [*shown[:depth], heading]
            anchor = f"nv-s{len(outline)}"
            outline.append(f'<li class="d{min(depth, 3)}"><a href="#{anchor}">{e(heading)}</a></li>')
            body.append(f'<h4 id="{anchor}" class="d{min(depth, 3)}">{e(heading)}</h4>')
        shown = shown[: len(path)]
        if heading := _own_heading(chunk):  # "四、保障措施" over its own paragraph: a part of the outline too
            outline.append(f'<li class="d{min(len(path), 3)}"><a href="#nv-c{number}">{e(heading)}</a></li>')
        here = chunk.id == focus
        body.append(
            f'<div id="nv-c{number}" class="clause{" here" if here else ""}" data-chunk="{e(chunk.id)}">'
            f"{e(chunk.text).replace(chr(10), '<br>')}{_duties(chunk)}</div>"
        )
    toc = f'<details class="outline" open><summary>目录</summary><ul>{"".join(outline)}</ul></details>'
    toc = toc if outline else ""
    return f'<div class="notice">{"".join(head)}{toc}<div class="notice-body">{"".join(body)}</div></div>'


def _own_heading(chunk: Chunk) -> str | None:
    r"""The heading line a numbered part opens with when the part is one paragraph, not items.

    "四、保障措施\n各部门要…" is read as one item (labelled 四) rather than a section over nothing;
    its first line still names a part of the notice, and the outline lists it.

    >>> from ingest import parse_text
    >>> part = parse_text("某方案\n一、任务\n1.甲。\n二、保障措施\n各部门要加强组织领导。", "x").chunks[-1]
    >>> _own_heading(part)
    '二、保障措施'
    """
    first, _, rest = chunk.text.partition("\n")
    first = first.strip()
    if chunk.kind != "item" or not chunk.label or not rest.strip() or len(first) > 40:
        return None
    return first if first.startswith(chunk.label) and not first.endswith(("。", "；", ";")) else None


def _duties(chunk: Chunk) -> str:
    """The clause's departments and deadline as a small line under it ("" when it names none)."""
    e = html.escape
    parts = []
    if chunk.lead:
        parts.append(f"牵头：{e('、'.join(chunk.lead))}")
    if chunk.support:
        parts.append(f"配合：{e('、'.join(chunk.support))}")
    if chunk.deadline:
        parts.append(f"完成时限：{e(chunk.deadline)}")
    return f'<br><small class="duties">{"　".join(parts)}</small>' if parts else ""


def notice_dict(info: NoticeInfo, chunks: Sequence[Chunk]) -> dict[str, Any]:
    """The notice as JSON: its :class:`NoticeInfo` and its clauses in order, with their place and duties."""
    keep = ("id", "kind", "section", "label", "text", "lead", "support", "deadline", "due")
    return {
        "notice": {**info.to_dict(), "doc_number": chunks[0].doc_number if chunks else None},
        "clauses": [{key: getattr(c, key) for key in keep} for c in chunks],
    }
