"""Plain data passed between stages: a parsed notice and its chunks."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from functools import cache
from typing import Any, Literal

ChunkKind = Literal["item", "paragraph", "preamble"]


@dataclass
class Chunk:
    r"""One retrievable unit: a numbered item, or one paragraph of unnumbered prose.

    Attributes:
        id: Stable id, ``doc_id + "#" + path`` (see docs/ingestion.md, "Chunk ids").
        doc_id: The source file's stem (or a JSONL record's ``id``).
        notice_title: Title of the notice as a whole (the 通知 line), or the first title line.
        title: Title of the document inside the notice this chunk belongs to.
        issuer: Issuing body, when stated.
        date: ISO 8601 date when unambiguous ("2023224" → 2023-02-24), else ``None``: never raw.
        doc_number: Document number such as 汉政办函〔2022〕61号, when stated.
        section: Ancestor headings, outermost first, each as written.
        label: The item's own label as written ("13", "(十)", "第五条"); "" for prose.
        text: The verbatim item, whitespace normalised (lines joined by "\n").
        lead: Lead (牵头) departments, in order of appearance.
        support: Participating (负责/配合/参与) departments, in order of appearance.
        kind: "item", "paragraph" or "preamble".
        deadline: The time limit the item's duty note or task table states, as written
            ("2024年6月底前", "长期坚持"), else ``None``.
        due: The ISO date that deadline names when it is unambiguous (see
            :mod:`ingest.deadlines`), else ``None``.
        metadata: Extra fields carried through from the source (e.g. JSONL fields).
    """

    id: str
    doc_id: str
    notice_title: str
    title: str
    issuer: str | None
    date: str | None
    doc_number: str | None
    section: list[str]
    label: str
    text: str
    lead: list[str]
    support: list[str]
    kind: ChunkKind
    deadline: str | None = None
    due: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the chunk as a JSON-ready dict (every field present)."""
        return asdict(self)

    def to_json(self) -> str:
        """Return the chunk as one JSON line (UTF-8 text, not ASCII-escaped)."""
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Chunk:
        """Build a chunk from a dict such as one line of ``chunks.jsonl``.

        Raises:
            ValueError: if a required field is missing (the message names it).
        """
        names = _field_names(cls)
        optional = {"metadata", "deadline", "due"}  # added later; older chunk files lack them
        missing = [n for n in names if n not in data and n not in optional]
        if missing:
            raise ValueError(f"chunk record {data.get('id', '?')!r} lacks fields {missing}")
        return cls(**{n: data[n] for n in names if n in data})


@dataclass
class Notice:
    """A parsed source file: its metadata, its chunks and what was dropped as boilerplate.

    Attributes:
        doc_id: The file stem (or JSONL ``id``).
        source: Path of the file it was read from.
        notice_title: The 通知 line (or first title line).
        titles: Titles of the documents the notice carries, in order.
        issuer: Issuing body.
        date: ISO 8601 date when unambiguous ("2023224" → 2023-02-24), else ``None`` (date_raw keeps it).
        date_raw: The date exactly as written.
        doc_number: Document number (文号).
        addressees: The 主送 block ("各县(区)人民政府, …").
        attachments: "附件: …" lines.
        header: Other header lines kept as metadata (e.g. a law's adoption history).
        boilerplate: Lines dropped as page furniture (navigation, 扫一扫, 责编 …).
        chunks: The chunks, in document order.
        metadata: Extra fields from the source (e.g. JSONL fields).
    """

    doc_id: str
    source: str
    notice_title: str = ""
    titles: list[str] = field(default_factory=list)
    issuer: str | None = None
    date: str | None = None
    date_raw: str | None = None
    doc_number: str | None = None
    addressees: str | None = None
    attachments: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    boilerplate: list[str] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)

    def metadata_strings(self) -> list[str]:
        """Every piece of text the notice keeps outside its chunks (for audits and tests)."""
        parts = [self.notice_title, *self.titles, self.issuer, self.date_raw, self.doc_number]
        parts += [self.addressees, *self.attachments, *self.header]
        return [p for p in parts if p]

    def to_dict(self) -> dict[str, Any]:
        """Return the notice, its chunks included, as a JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Notice:
        """Build a notice from :meth:`to_dict`'s output (its chunks by :meth:`Chunk.from_dict`).

        Raises:
            ValueError: if the notice or a chunk lacks a required field.
        """
        if "doc_id" not in data or "source" not in data:
            raise ValueError(f"notice record {data.get('doc_id', '?')!r} lacks doc_id or source")
        values = {n: data[n] for n in _field_names(cls) if n in data}
        values["chunks"] = [Chunk.from_dict(c) for c in data.get("chunks", [])]
        return cls(**values)


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    """A dataclass's field names, read once (``fields()`` on every record cost ≈ 8 µs each)."""
    return tuple(f.name for f in fields(cls))
