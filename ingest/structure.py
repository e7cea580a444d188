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
   Step 3 lives in :mod:`ingest.tree`.
"""

from __future__ import annotations

import itertools
import re

from ingest.clean import is_boilerplate, normalize_line
from ingest.deadlines import due_date
from ingest.header import (
    book_titles,
    find_doc_number,
    is_addressee_line,
    is_attachment_line,
    is_date_line,
    is_doc_title,
    is_issuer_line,
    is_notice_title,
    is_single_addressee,
    is_title_like,
    issuer_from_title,
    parse_date,
)
from ingest.lines import Line
from ingest.model import Notice
from ingest.numbering import parse_marker
from ingest.readers import RawDocument
from ingest.tree import Emitter

_INFO_END = re.compile(r"<!--\s*INFO END\s*-->")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_JSONL_RECORD = re.compile(r"\.jsonl:\d+$")
#: A passage record's first line longer than this is body text, not its title.
_RECORD_TITLE_MAX = 60


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

    is_record = _JSONL_RECORD.search(raw.source) is not None
    title_at = _find_titles(lines, notice, raw.title or (record_title(lines) if is_record else None))
    untitled = not notice.notice_title and not is_record  # a record is not a notice file
    first_title = title_at[0] if title_at else None
    first_marker = next((i for i, ln in enumerate(lines) if parse_marker(ln.text)), len(lines))
    if first_title is not None:
        wrapper_end = first_title
    elif notice.notice_title:
        wrapper_end = first_marker if first_marker < len(lines) else _header_end(lines, notice.notice_title)
    else:
        wrapper_end = 0
    if untitled:
        # No title line (the text starts with the addressees or the preamble): the first
        # title-shaped line before the numbering, else the file name. (A JSONL record
        # without a title, such as a Q&A passage, keeps none.)
        notice.notice_title = lines[title_at[0]].text if title_at else file_title(raw)

    for i in title_at:
        if lines[i].text not in notice.titles:
            notice.titles.append(lines[i].text)
    emitter = Emitter(notice, multi=len(title_at) > 1)
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
    issued = int(notice.date[:4]) if notice.date and notice.date[:4].isdigit() else None
    for chunk in notice.chunks:
        chunk.issuer, chunk.date, chunk.doc_number = notice.issuer, notice.date, notice.doc_number
        if chunk.deadline and not chunk.due and issued:
            chunk.due = due_date(chunk.deadline, issued)  # "6月底前" in a notice dated 2023 → 2023-06-30
    return notice


def record_title(lines: list[Line]) -> str | None:
    """A passage record's first line when it reads as its title, so every chunk of it carries it.

    Passage corpora (``{"id","text"}``, text = a title line, then the body) give news and notice
    titles of any shape ("我市今年新增就业岗位3万个"), not only 通知/方案 titles. The first line is
    the title when more lines follow and it is short, not a sentence and not a numbered item.

    >>> record_title([Line("北京市延长2020年春节假期"), Line("一、春节假期延长至2月2日。")])
    '北京市延长2020年春节假期'
    >>> record_title([Line("一、春节假期延长至2月2日。"), Line("二、……")]) is None
    True
    """
    if len(lines) < 2:
        return None
    first = lines[0].text
    if not is_title_like(first, _RECORD_TITLE_MAX) or parse_marker(first):
        return None
    return first


def file_title(raw: RawDocument) -> str:
    """A title from the file name: its stem without the content-hash suffix uploads get.

    >>> file_title(RawDocument("sd_046_2023-12-26", "", "wild/sd_046_2023-12-26.txt"))
    'sd_046_2023-12-26'
    >>> file_title(RawDocument("汉中工作要点_1a2b3c4d", "", "uploads/汉中工作要点_1a2b3c4d.docx"))
    '汉中工作要点'
    """
    stem = raw.doc_id
    return re.sub(r"_[0-9a-f]{8}$", "", stem) or stem


# --- step 1: cleaning -------------------------------------------------------------------


def _clean(text: str, notice: Notice) -> list[Line]:
    out: list[Line] = []
    for raw_line in text.splitlines():
        line = normalize_line(raw_line)
        if not line:
            continue
        if _INFO_END.fullmatch(line):
            out.append(Line(line, -1))  # sentinel, consumed by _take_law_info
            continue
        if is_boilerplate(line):
            notice.boilerplate.append(line)
            continue
        m = _MD_HEADING.match(line)
        if m and m.group(2):
            out.append(Line(m.group(2).strip(), len(m.group(1))))
        elif not m:
            out.append(Line(line))
        else:
            notice.boilerplate.append(line)  # a lone "#"
    return out


def _take_law_info(lines: list[Line], notice: Notice) -> list[Line]:
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


def _find_titles(lines: list[Line], notice: Notice, given: str | None) -> list[int]:
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


def _header_end(lines: list[Line], title: str) -> int:
    """Without numbering or titles, the wrapper ends after the addressee line, else after the title line."""
    at = next((i for i, ln in enumerate(lines[:8]) if ln.text == title), -1)
    for i, ln in enumerate(lines[:8]):
        if is_addressee_line(ln.text) or (i == at + 1 and at >= 0 and is_single_addressee(ln.text)):
            return i + 1
    return max(1, at + 1)


def _read_wrapper(lines: list[str], notice: Notice, emitter: Emitter) -> None:
    """Sort wrapper lines into metadata (addressees, signature, date, 文号) and preamble text."""
    notice.doc_number = find_doc_number(lines)
    prose: list[str] = []
    issuers: list[str] = []
    for i, line in enumerate(lines):
        if line == notice.notice_title or line.strip("《》") in notice.titles:
            continue
        after_title = i > 0 and lines[i - 1] == notice.notice_title
        if notice.addressees is None and (is_addressee_line(line) or (after_title and is_single_addressee(line))):
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


def _strip_tail(body: list[Line], notice: Notice, is_last: bool) -> list[Line]:
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
        notice.date = parse_date(notice.date_raw)  # unknown rather than raw; date_raw keeps what was written
