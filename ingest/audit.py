r"""The conservation audit: where each line of a source went — a chunk, a named metadata field, or boilerplate.

``python -m ingest --audit PATH…`` reads every file as a load does and, for each source line,
says where it went: into a chunk's text, a section heading, or one of the notice's fields (title,
文号, addressees, date, issuer, attachments, header), or dropped as boilerplate (a site's
navigation, a page's furniture). It counts lines per place for each corpus, lists every line that
went nowhere, and lists every line taken as the addressees (主送), so that a reader can check
that none is a content line.

Example:
    >>> from ingest.api import parse_text
    >>> text = "关于做好防汛工作的通知\n各县区人民政府：\n一、加强值守\n1.落实24小时值班。（市应急局牵头）"
    >>> [(place, line) for line, place in placements(text, parse_text(text))][:2]
    [('title', '关于做好防汛工作的通知'), ('addressees', '各县区人民政府：')]
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ingest.clean import is_boilerplate, normalize_line, squash
from ingest.model import Notice

#: Where a line can go, in the order the audit looks.
PLACES = ("chunk", "heading", "title", "doc_number", "addressees", "date", "issuer", "attachments", "header",
          "boilerplate")  # fmt: skip
#: A line that went nowhere.
NOWHERE = "nowhere"


def placements(text: str, notice: Notice) -> list[tuple[str, str]]:
    """Each non-empty source line of ``text`` and where it went in ``notice`` (a place of :data:`PLACES`, or nowhere).

    Chunk texts are joined in document order, so a paragraph split over chunks counts as kept.
    """
    stream = squash("".join(c.text for c in notice.chunks))
    fields: dict[str, set[str]] = {
        "heading": {squash(h) for c in notice.chunks for h in c.section},
        "title": {squash(t) for t in [notice.notice_title, *notice.titles] if t},
        "doc_number": {squash(notice.doc_number)} if notice.doc_number else set(),
        "addressees": {squash(notice.addressees)} if notice.addressees else set(),
        "date": {squash(notice.date_raw)} if notice.date_raw else set(),
        "issuer": {squash(notice.issuer)} if notice.issuer else set(),
        "attachments": {squash(a) for a in notice.attachments},
        "header": {squash(h) for h in notice.header},
        "boilerplate": {squash(b) for b in notice.boilerplate if is_boilerplate(b) or b.startswith("<!--")},
    }
    out = []
    for raw in text.splitlines():
        line = re.sub(r"^#{1,6}\s+", "", normalize_line(raw))
        if not line or line.strip("#") == "":
            continue
        key = squash(line)
        place = "chunk" if key and key in stream else NOWHERE
        if place == NOWHERE:
            place = next((name for name, keys in fields.items() if key in keys or key.strip("《》") in keys), NOWHERE)
        if place == NOWHERE and key.strip("（）()") in fields["doc_number"]:
            place = "doc_number"  # "（皖开放办〔2022〕6号）": the 文号 in its brackets
        out.append((line, place))
    return out


@dataclass
class Audit:
    """What the audit found over many files."""

    counts: Counter[str] = field(default_factory=Counter)
    nowhere: list[tuple[str, str]] = field(default_factory=list)
    addressees: list[tuple[str, str]] = field(default_factory=list)
    files: int = 0

    def add(self, source: str, text: str, notice: Notice) -> None:
        """Account for one document's lines."""
        self.files += 1
        for line, place in placements(text, notice):
            self.counts[place] += 1
            if place == NOWHERE:
                self.nowhere.append((source, line))
            elif place == "addressees":
                self.addressees.append((source, line))

    def report(self) -> str:
        """The counts per place, the lines that went nowhere and the lines taken as addressees."""
        total = sum(self.counts.values())
        lines = [f"{self.files} documents, {total} lines:"]
        lines += [f"  {place:<12} {self.counts[place]:>8}" for place in (*PLACES, NOWHERE) if self.counts[place]]
        lines.append(f"lines that went nowhere: {len(self.nowhere)}")
        lines += [f"  {source}: {line}" for source, line in self.nowhere]
        lines.append(f"lines taken as addressees (主送): {len(self.addressees)}")
        lines += [f"  {source}: {line}" for source, line in self.addressees]
        return "\n".join(lines)
