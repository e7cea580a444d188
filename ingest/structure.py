"""Notices into their numbered structure, and that structure into item-sized chunks.

The parse has three steps:

1. Clean: normalise white space, drop page furniture (kept in ``Notice.boilerplate``).
2. Split the file into the notice wrapper (title, addressees, covering text, signature)
   and the documents it carries (a file may carry several, each with its own title).
3. For each document, build the numbering tree (一、 / （一） / 1. / （1） / ① / 第X章 第X节
   第X条; levels are taken from the order in which marker kinds first appear, as
   documents skip levels freely) and emit one chunk per item. A numbered unit with
   numbered children is a heading; so is a short title line followed by several
   paragraphs. Unnumbered prose becomes one chunk per paragraph under its subheading.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ingest.clean import is_boilerplate, normalize_line
from ingest.duties import Duties, extract_duties
from ingest.header import (
    book_titles,
    find_doc_number,
    is_addressee_line,
    is_attachment_line,
    is_bare_heading,
    is_date_line,
    is_doc_title,
    is_issuer_line,
    is_notice_title,
    is_title_like,
    issuer_from_title,
    parse_date,
)
from ingest.model import Chunk, ChunkKind, Notice
from ingest.numbering import RANKED, Marker, id_label, parse_marker
from ingest.readers import RawDocument

#: Paragraphs shorter than this are merged into their neighbour.
MIN_PARAGRAPH = 40
#: Paragraphs longer than this are split at sentence ends.
MAX_PARAGRAPH = 600

_INFO_END = re.compile(r"<!--\s*INFO END\s*-->")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")


@dataclass
class _Line:
    text: str
    md_level: int = 0  # 1 for "# title", 2 for "## heading" …


@dataclass
class _Unit:
    """A node of the numbering tree: a numbered unit, a bare subheading, or the root."""

    marker: Marker | None
    line: str
    parent: _Unit | None = None
    body: list[str] = field(default_factory=list)
    children: list[_Unit] = field(default_factory=list)

    @property
    def kind(self) -> str:
        if self.marker is not None:
            return self.marker.kind
        return "root" if self.parent is None else "bare"

    def path(self) -> list[_Unit]:
        node, out = self, []
        while node is not None:
            out.append(node)
            node = node.parent
        return out[::-1]


def parse_document(raw: RawDocument) -> Notice:
    r"""Parse one raw document into a :class:`Notice` with its chunks.

    Example:
        >>> raw = RawDocument("demo", "一、总体安排\n1.开展试点。按期完成。（市数据局牵头）", "demo.txt")
        >>> [(c.id, c.section, c.lead) for c in parse_document(raw).chunks]
        [('demo#一/1', ['一、总体安排'], ['市数据局'])]
    """
    notice = Notice(doc_id=raw.doc_id, source=raw.source, metadata=dict(raw.metadata))
    lines = _clean(raw.text, notice)
    lines = _take_law_info(lines, notice)

    title_at = _find_titles(lines, notice, raw.title)
    first_title = title_at[0] if title_at else None
    first_marker = next((i for i, ln in enumerate(lines) if parse_marker(ln.text)), len(lines))
    if first_title is not None:
        wrapper_end = first_title
    elif notice.notice_title:
        wrapper_end = first_marker if first_marker < len(lines) else _header_end(lines)
    else:
        wrapper_end = 0

    for i in title_at:
        if lines[i].text not in notice.titles:
            notice.titles.append(lines[i].text)
    emitter = _Emitter(notice, multi=len(title_at) > 1)
    _read_wrapper([ln.text for ln in lines[:wrapper_end]], notice, emitter)

    bounds = [*title_at, len(lines)] if title_at else [wrapper_end, len(lines)]
    for number, (start, end) in enumerate(itertools.pairwise(bounds), 1):
        if title_at:
            title, body = lines[start].text, lines[start + 1 : end]
        else:
            title, body = notice.notice_title, lines[start:end]
        is_last = end == len(lines)
        emitter.document(title, f"d{number}/" if emitter.multi else "", _strip_tail(body, notice, is_last))
    if not notice.chunks and lines:
        # Nothing but a title, a signature or a date: still one findable chunk (a passage
        # corpus has records that are only "丰台区人民政府" or "2018年5月11日").
        emitter.paragraphs(
            [ln.text for ln in lines], section=[], prefix="", stem="p", kind="paragraph", title=notice.notice_title
        )
    if not notice.titles and notice.notice_title:
        notice.titles.append(notice.notice_title)
    _finish_metadata(notice)
    for chunk in notice.chunks:
        chunk.issuer, chunk.date, chunk.doc_number = notice.issuer, notice.date, notice.doc_number
    return notice


# --- step 1: cleaning -------------------------------------------------------------------


def _clean(text: str, notice: Notice) -> list[_Line]:
    out: list[_Line] = []
    for raw_line in text.splitlines():
        line = normalize_line(raw_line)
        if not line:
            continue
        if _INFO_END.fullmatch(line):
            out.append(_Line(line, -1))  # sentinel, consumed by _take_law_info
            continue
        if is_boilerplate(line):
            notice.boilerplate.append(line)
            continue
        m = _MD_HEADING.match(line)
        if m and m.group(2):
            out.append(_Line(m.group(2).strip(), len(m.group(1))))
        elif not m:
            out.append(_Line(line))
        else:
            notice.boilerplate.append(line)  # a lone "#"
    return out


def _take_law_info(lines: list[_Line], notice: Notice) -> list[_Line]:
    """Regulations carry adoption history before "<!-- INFO END -->": keep it as metadata."""
    end = next((i for i, ln in enumerate(lines) if ln.md_level == -1), None)
    if end is None:
        return lines
    notice.boilerplate.append(lines[end].text)
    keep = [ln for ln in lines[:end] if ln.md_level == 1]
    info = [ln.text for ln in lines[:end] if ln.md_level != 1]
    notice.header.extend(info)
    dates = [d for d in (parse_date(t) for t in info) if d]
    if dates:
        notice.date = notice.date_raw = max(dates)
    return keep + lines[end + 1 :]


# --- step 2: wrapper and documents -----------------------------------------------------


def _find_titles(lines: list[_Line], notice: Notice, given: str | None) -> list[int]:
    """Set ``notice.notice_title`` and return the line numbers of document titles."""
    head = [ln.text for ln in lines[:8]]
    notice_at = next((i for i, t in enumerate(head) if is_notice_title(t)), None)
    if notice_at is not None:
        notice.notice_title = head[notice_at]
    elif given:
        notice.notice_title = given
    elif lines and (lines[0].md_level == 1 or is_doc_title(lines[0].text)):
        notice.notice_title = lines[0].text
        notice_at = -1  # the first line is both the notice's and the document's title

    named = set(book_titles(" ".join(head)))
    first_marker = next((i for i, ln in enumerate(lines) if parse_marker(ln.text)), len(lines))
    found: list[int] = []
    for i, ln in enumerate(lines):
        text = ln.text
        if i == notice_at or (text == notice.notice_title and notice_at != -1):
            continue
        bare = text.strip("《》")
        if bare in named or ln.md_level == 1 or (i < first_marker and is_doc_title(text) and i > (notice_at or 0)):
            found.append(i)
    if notice_at == -1 and 0 not in found:
        found.insert(0, 0)
    return found


def _header_end(lines: list[_Line]) -> int:
    """Without numbering or titles, the wrapper ends after the addressee line (if any)."""
    for i, ln in enumerate(lines[:8]):
        if is_addressee_line(ln.text):
            return i + 1
    return 1


def _read_wrapper(lines: list[str], notice: Notice, emitter: _Emitter) -> None:
    """Sort wrapper lines into metadata (addressees, signature, date, 文号) and preamble text."""
    notice.doc_number = find_doc_number(lines)
    prose: list[str] = []
    issuers: list[str] = []
    for i, line in enumerate(lines):
        if line == notice.notice_title or line.strip("《》") in notice.titles:
            continue
        if notice.addressees is None and is_addressee_line(line):
            notice.addressees = line
        elif is_date_line(line) and notice.date_raw is None:
            notice.date_raw = line
        elif line == notice.doc_number:
            continue
        elif is_issuer_line(line):
            issuers.append(line)
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            if is_date_line(nxt) or notice.issuer is None:
                notice.issuer = line
        elif is_attachment_line(line):
            notice.attachments.append(line)
        else:
            prose.append(line)
    notice.header.extend(i for i in issuers if i != notice.issuer)
    emitter.paragraphs(prose, section=[], prefix="", stem="pre", kind="preamble", title=notice.notice_title)


def _strip_tail(body: list[_Line], notice: Notice, is_last: bool) -> list[_Line]:
    """Move attachments, and the trailing signature of the last document, into metadata."""
    kept = []
    for ln in body:
        if is_attachment_line(ln.text):
            notice.attachments.append(ln.text)
        else:
            kept.append(ln)
    while is_last and kept and (is_date_line(kept[-1].text) or is_issuer_line(kept[-1].text)):
        line = kept.pop().text
        if is_date_line(line) and notice.date_raw is None:
            notice.date_raw = line
        elif is_issuer_line(line) and notice.issuer is None:
            notice.issuer = line
        else:
            notice.header.insert(0, line)
    return kept


def _finish_metadata(notice: Notice) -> None:
    if notice.issuer is None and notice.notice_title:
        notice.issuer = issuer_from_title(notice.notice_title)
    if notice.date_raw and notice.date is None:
        notice.date = parse_date(notice.date_raw) or notice.date_raw


# --- step 3: the numbering tree and its chunks -------------------------------------------


def _build_tree(lines: list[_Line]) -> _Unit:
    root = _Unit(None, "")
    current = root
    prose_mode = not any(parse_marker(ln.text) for ln in lines)
    for i, ln in enumerate(lines):
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


def _is_subheading(lines: list[_Line], i: int) -> bool:
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


class _Emitter:
    """Turns documents into chunks, keeping ids unique and duty inheritance in order."""

    def __init__(self, notice: Notice, multi: bool) -> None:
        self.notice, self.multi = notice, multi
        self.counters: dict[str, int] = {}
        self.title = notice.notice_title
        self.inherited: list[str] = []

    def document(self, title: str, prefix: str, lines: list[_Line]) -> None:
        self.title, self.inherited = title, []
        root = _build_tree(lines)
        trailing = self._detach_closing(root)
        self.paragraphs(root.body, section=[], prefix=prefix, stem="pre", kind="preamble", title=title)
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
        label = unit.marker.label if unit.marker else ""
        if unit.marker:
            ids = [*ids, id_label(label)]
        if _is_heading(unit):
            own = extract_duties(unit.line)
            duties = own if own.lead or own.support else inherited
            inner = [*section, unit.line]
            self.paragraphs(unit.body, inner, prefix + "/".join(ids) + "/", "p", "paragraph", self.title)
            for child in unit.children:
                self._emit(child, inner, ids, prefix, duties)
            return
        text = "\n".join([unit.line, *unit.body])
        duties = extract_duties(text)
        if not duties.lead and not duties.support:
            duties = Duties(list(inherited.lead), list(inherited.support))
        support = duties.support + [d for d in self.inherited if d not in duties.support]
        self.inherited += [d for d in duties.inherited if d not in self.inherited]
        kind: ChunkKind = "item" if unit.marker else "paragraph"
        self._add(prefix + "/".join(ids), section, label, text, duties.lead, support, kind)

    def paragraphs(
        self, lines: list[str], section: list[str], prefix: str, stem: str, kind: ChunkKind, title: str
    ) -> None:
        for text in shape_paragraphs(lines):
            key = prefix + stem
            self.counters[key] = self.counters.get(key, 0) + 1
            base = f"{key}{self.counters[key]}"
            parts = split_long(text)
            for j, part in enumerate(parts, 1):
                ident = f"{base}.{j}" if len(parts) > 1 else base
                duties = extract_duties(part)
                self._add(ident, section, "", part, duties.lead, duties.support, kind, title)

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
    ) -> None:
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
                metadata=dict(self.notice.metadata),
            )
        )


def shape_paragraphs(lines: list[str], minimum: int = MIN_PARAGRAPH) -> list[str]:
    r"""Merge paragraphs shorter than ``minimum`` into the next one (the last into the previous).

    >>> shape_paragraphs(["短句。", "这是一个足够长的段落" * 5])[0].startswith("短句。\n")
    True
    """
    groups: list[list[str]] = []
    pending: list[str] = []
    for line in lines:
        pending.append(line)
        if sum(map(len, pending)) >= minimum:
            groups.append(pending)
            pending = []
    if pending:
        if groups:
            groups[-1].extend(pending)
        else:
            groups.append(pending)
    return ["\n".join(g) for g in groups]


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
