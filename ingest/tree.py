"""The numbering tree of one document, and the chunks it yields.

Levels are taken from the order in which marker kinds first appear (documents skip levels
freely); ranked kinds (第X章 ⊃ 第X节 ⊃ 第X条) nest by rank. A numbered unit with numbered
children is a heading; so is a short title line followed by several paragraphs; every other
numbered unit is an item, one chunk. Unnumbered prose becomes one chunk per paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ingest.deadlines import body_deadline, due_date, title_year
from ingest.duties import Duties, extract_duties
from ingest.header import is_bare_heading, is_title_like
from ingest.lines import Line, TaskRow
from ingest.model import Chunk, ChunkKind, Notice
from ingest.numbering import RANKED, Marker, id_label, parse_marker
from ingest.tables import mark_tables, row_duties

#: Paragraphs shorter than this are merged into their neighbour.
MIN_PARAGRAPH = 40
#: Paragraphs longer than this are split at sentence ends.
MAX_PARAGRAPH = 600

_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")


@dataclass
class _Unit:
    """A node of the numbering tree: a numbered unit, a bare subheading, or the root."""

    marker: Marker | None
    line: str
    parent: _Unit | None = None
    body: list[str] = field(default_factory=list)
    children: list[_Unit] = field(default_factory=list)
    source: Line | None = None  # for a task-table row: its line

    @property
    def kind(self) -> str:
        if self.source is not None:
            return "row"
        if self.marker is not None:
            return self.marker.kind
        return "root" if self.parent is None else "bare"

    def path(self) -> list[_Unit]:
        node, out = self, []
        while node is not None:
            out.append(node)
            node = node.parent
        return out[::-1]


def _build_tree(lines: list[Line]) -> _Unit:
    root = _Unit(None, "")
    current = root
    prose_mode = not any(parse_marker(ln.text) for ln in lines)
    for i, ln in enumerate(lines):
        if ln.row is not None:  # a task row sits under the heading the table follows
            holder = current
            while holder.parent is not None and holder.marker is not None and not _holds_table(holder):
                holder = holder.parent
            holder.children.append(_Unit(None, ln.text, holder, source=ln))
            continue
        marker = parse_marker(ln.text)
        in_article = any(u.kind == "article" for u in current.path())
        if marker is not None and in_article and marker.kind not in RANKED:
            marker = None  # (一)… inside 第X条 are the article's own enumerations
        if marker is not None:
            parent = _parent_for(current, marker.kind)
            current = _Unit(marker, ln.text, parent)
            parent.children.append(current)
        elif ln.md_level >= 2 or (prose_mode and _is_subheading(lines, i)):
            current = _Unit(None, ln.text, root)
            root.children.append(current)
        else:
            current.body.append(ln.text)
    return root


def _holds_table(unit: _Unit) -> bool:
    """A numbered unit a table can belong to: a short title line ("三、重点任务分工") or one with rows already."""
    rest = unit.marker.rest if unit.marker else unit.line
    return (is_title_like(rest, 30) and not unit.body) or any(c.source is not None for c in unit.children)


def _is_subheading(lines: list[Line], i: int) -> bool:
    nxt = lines[i + 1].text if i + 1 < len(lines) else ""
    return is_bare_heading(lines[i].text) and len(nxt) > len(lines[i].text) and not is_bare_heading(nxt)


def _parent_for(current: _Unit, kind: str) -> _Unit:
    path = current.path()
    if kind in RANKED:
        while (
            len(path) > 1
            and path[-1].kind != "bare"
            and (path[-1].kind not in RANKED or RANKED[path[-1].kind] >= RANKED[kind])
        ):
            path.pop()
        return path[-1]
    kinds = [u.kind for u in path]
    if kind in kinds:
        return path[kinds.index(kind) - 1]
    return path[-1]


def _is_heading(unit: _Unit) -> bool:
    if unit.children:
        return True
    if unit.kind in ("bare", "chapter", "section"):
        return bool(unit.body)  # an empty heading is kept as a chunk of its own
    if unit.kind == "article" or unit.marker is None:
        return False
    rest = unit.marker.rest
    long_body = len(unit.body) > 1 or (unit.body and len(unit.body[0]) > MAX_PARAGRAPH)
    return bool(is_title_like(rest) and long_body)


def _walk(unit: _Unit) -> Iterator[_Unit]:
    yield unit
    for child in unit.children:
        yield from _walk(child)


class Emitter:
    """Turns documents into chunks, keeping ids unique and duty inheritance in order."""

    def __init__(self, notice: Notice, multi: bool) -> None:
        self.notice, self.multi = notice, multi
        self.counters: dict[str, int] = {}
        self.title = notice.notice_title
        self.inherited: list[str] = []
        self.first_leads = False  # the notice said "列第一位者为牵头部门"
        self.lead_in: str | None = None  # the sentence introducing the items being emitted ("…如下：")

    def duties(self, text: str) -> Duties:
        """The duty notes of ``text``, under the notice's convention on who leads (which ``text`` may state)."""
        duties = extract_duties(text, self.first_leads)
        self.first_leads = duties.first_leads
        return duties

    def document(self, title: str, prefix: str, lines: list[Line]) -> None:
        """Emit the chunks of one document: preamble, the numbering tree, closing text."""
        self.title, self.inherited = title, []
        root = _build_tree(mark_tables(lines, self.notice.header))
        trailing = self._detach_closing(root)
        self.paragraphs(root.body, section=[], prefix=prefix, stem="pre", kind="preamble", title=title)
        self.lead_in = lead_in_of(root.body)
        bare = 0
        for child in root.children:
            if child.kind == "bare":
                bare += 1
            self._emit(child, [], [f"s{bare}"] if child.kind == "bare" else [], prefix, Duties())
        self.paragraphs(trailing, section=[], prefix=prefix, stem="post", kind="paragraph", title=title)

    def _detach_closing(self, root: _Unit) -> list[str]:
        """Text after the last item of a numbered document is a closing paragraph."""
        units = list(_walk(root))[1:]
        if not units:
            return []
        last = units[-1]
        if last.kind in ("article", "bare") or last.marker is None or not last.body:
            return []
        if last.line.endswith((":", "：")) or (is_title_like(last.marker.rest) and len(last.body) == 1):
            return []
        if len(last.path()) <= 2:  # a top-level item: its following text is its own
            return []
        trailing, last.body = last.body, []
        return trailing

    def _emit(self, unit: _Unit, section: list[str], ids: list[str], prefix: str, inherited: Duties) -> None:
        if unit.source is not None and unit.source.row is not None:
            self._emit_row(unit.source, unit.source.row, section, ids, prefix)
            return
        label = unit.marker.label if unit.marker else ""
        if unit.marker:
            ids = [*ids, id_label(label)]
        if _is_heading(unit):
            duties = _or_inherited(self.duties(unit.line), inherited)
            inner = [*section, unit.line]
            self.paragraphs(
                unit.body, inner, prefix + "/".join(ids) + "/", "p", "paragraph", self.title, inherited=duties
            )
            outer, self.lead_in = self.lead_in, lead_in_of(unit.body)  # a list's lead-in is its items' context
            for child in unit.children:
                self._emit(child, inner, ids, prefix, duties)
            self.lead_in = outer
            return
        text = "\n".join([unit.line, *unit.body])
        duties = _or_inherited(self.duties(text), inherited)
        support = duties.support + [d for d in self.inherited if d not in duties.support]
        self.inherited += [d for d in duties.inherited if d not in self.inherited]
        kind: ChunkKind = "item" if unit.marker else "paragraph"
        self._add(prefix + "/".join(ids), section, label, text, duties.lead, support, kind, deadline=duties.deadline)

    def _emit_row(self, line: Line, row: TaskRow, section: list[str], ids: list[str], prefix: str) -> None:
        """One chunk for a task row: its cells as text, lead/support/deadline from its columns."""
        inner = [*section, *(c for c in (line.category, row.category) if c)]
        key = f"{prefix}{'/'.join(ids)}#t{line.table}"
        self.counters[key] = self.counters.get(key, 0) + 1
        label = row.number
        path = "/".join([*ids, f"t{line.table}", id_label(label) if label else f"r{self.counters[key]}"])
        duties = row_duties(row, self.first_leads, self.duties)
        self._add(prefix + path, inner, label, line.text, duties.lead, duties.support, "item", deadline=duties.deadline)

    def paragraphs(
        self,
        lines: list[str],
        section: list[str],
        prefix: str,
        stem: str,
        kind: ChunkKind,
        title: str,
        inherited: Duties | None = None,
    ) -> None:
        """Emit prose paragraphs (short ones merged, long ones split) as chunks of ``kind``.

        A paragraph's duty note (policy measures are often unnumbered paragraphs, each ending
        in its own note) applies to all pieces of it; a paragraph without one takes the
        heading's (``inherited``).
        """
        for text in shape_paragraphs(lines, complete=ends_in_note):
            key = prefix + stem
            self.counters[key] = self.counters.get(key, 0) + 1
            base = f"{key}{self.counters[key]}"
            parts = split_long(text)
            duties = self.duties(text)
            if inherited is not None:
                duties = _or_inherited(duties, inherited)
            for j, part in enumerate(parts, 1):
                ident = f"{base}.{j}" if len(parts) > 1 else base
                self._add(ident, section, "", part, duties.lead, duties.support, kind, title, duties.deadline)

    def _add(
        self,
        path: str,
        section: list[str],
        label: str,
        text: str,
        lead: list[str],
        support: list[str],
        kind: ChunkKind,
        title: str | None = None,
        deadline: str | None = None,
    ) -> None:
        lead_in = kind == "item" and self.lead_in and self.lead_in not in section
        if deadline is None and kind == "item":
            deadline = body_deadline(text)  # no note or column states one: the limit the item's own words set
        ident = f"{self.notice.doc_id}#{path}"
        if ident in self.counters:  # malformed numbering repeated a label: keep ids unique
            self.counters[ident] += 1
            ident = f"{ident}+{self.counters[ident]}"
        else:
            self.counters[ident] = 1
        self.notice.chunks.append(
            Chunk(
                id=ident,
                doc_id=self.notice.doc_id,
                notice_title=self.notice.notice_title,
                title=title if title is not None else self.title,
                issuer=None,
                date=None,
                doc_number=None,
                section=list(section),
                label=label,
                text=text,
                lead=list(lead),
                support=list(support),
                kind=kind,
                deadline=deadline,
                due=due_date(deadline, self.year()) if deadline else None,
                metadata={**self.notice.metadata, **({"lead_in": self.lead_in} if lead_in else {})},
            )
        )

    def year(self) -> int | None:
        """The year the current document's title (else the notice's) names, for deadlines without one."""
        return title_year(self.title or "") or title_year(self.notice.notice_title or "")


def _ends_colon(line: str) -> bool:
    return line.rstrip().endswith((":", "："))


def lead_in_of(body: list[str]) -> str | None:
    """The sentence that introduces a list (its last line, ending in a colon: "…有下列情形之一的：", "…如下："), if any.

    >>> lead_in_of(["为做好防汛工作，现将有关事项通知如下："]), lead_in_of(["坚持系统观念。"])
    ('为做好防汛工作，现将有关事项通知如下：', None)
    """
    last = body[-1].strip() if body else ""
    return last if _ends_colon(last) and len(last) <= 300 else None


def _or_inherited(own: Duties, inherited: Duties) -> Duties:
    """An item's own duties, or its heading's where it names no department (its deadline likewise)."""
    named = own if own.lead or own.support else inherited
    deadline = own.deadline or inherited.deadline
    return Duties(list(named.lead), list(named.support), list(own.inherited), deadline=deadline)


def shape_paragraphs(
    lines: list[str], minimum: int = MIN_PARAGRAPH, complete: Callable[[str], bool] | None = None
) -> list[str]:
    r"""Merge paragraphs shorter than ``minimum`` into the next one (the last into the previous).

    A paragraph for which ``complete`` is true (one that ends in its own duty note) ends its
    group however short, and nothing is merged into it from behind.

    >>> shape_paragraphs(["短句。", "这是一个足够长的段落" * 5])[0].startswith("短句。\n")
    True
    >>> shape_paragraphs(["建平台。（市数据局牵头）", "强培训。（市人社局牵头）"], complete=ends_in_note)
    ['建平台。（市数据局牵头）', '强培训。（市人社局牵头）']
    """
    groups: list[list[str]] = []
    pending: list[str] = []
    for line in lines:
        pending.append(line)
        if sum(map(len, pending)) >= minimum or (complete is not None and complete(line)):
            groups.append(pending)
            pending = []
    if pending:
        if groups and not (complete is not None and complete(groups[-1][-1])):
            groups[-1].extend(pending)
        else:
            groups.append(pending)
    return ["\n".join(g) for g in groups]


def ends_in_note(paragraph: str) -> bool:
    """True when a paragraph closes with a duty note of its own ("…。（牵头单位：…）")."""
    tail = paragraph.rstrip("。；; ")
    return tail.endswith(("）", ")", "〕", "】", "]")) and bool(extract_duties(tail).notes)


def split_long(text: str, limit: int = MAX_PARAGRAPH) -> list[str]:
    """Split text longer than ``limit`` at sentence ends into pieces of at most ``limit``.

    The pieces concatenate back to ``text`` exactly. A single sentence longer than the
    limit is cut at the limit.

    >>> parts = split_long("甲。" * 400, limit=600)
    >>> [len(p) for p in parts], "".join(parts) == "甲。" * 400
    ([600, 200], True)
    """
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for sentence in (s for s in _SENTENCE_END.split(text) if s):
        while len(sentence) > limit:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(sentence[:limit])
            sentence = sentence[limit:]
        if len(current) + len(sentence) > limit:
            pieces.append(current)
            current = ""
        current += sentence
    if current:
        pieces.append(current)
    return pieces
