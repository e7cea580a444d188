"""Readers: files into plain text documents, the reader chosen by the file's ending.

One module of :mod:`ingest.formats` reads each format. Tables are written one row a line,
every grid cell joined by " | " (merged cells repeated in each grid position they cover, empty
cells kept), so columns stay aligned for :mod:`ingest.tables`. Which files of a folder are read,
and how the others are named, is :mod:`ingest.folders`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest import bounds
from ingest.folders import SUPPORTED, distinct_ids, files_to_read, iter_files, unsupported_message
from ingest.formats import ReadError
from ingest.formats.html import html_to_text, read_html
from ingest.formats.ocr import ENDINGS as PICTURE_ENDINGS
from ingest.formats.ocr import read_image
from ingest.formats.ofd import read_ofd
from ingest.formats.pdf import read_pdf
from ingest.formats.text import decode_bytes, read_txt
from ingest.formats.word import read_docx
from ingest.formats.word97 import ENDINGS as WORD97_ENDINGS
from ingest.formats.word97 import read_word97
from ingest.grids import GridReadError, read_xlsx

__all__ = [
    "SUPPORTED", "RawDocument", "ReadError", "decode_bytes", "distinct_ids", "files_to_read", "html_to_text",
    "iter_files", "read_docx", "read_file", "read_html", "read_jsonl", "read_pdf", "read_txt", "unsupported_message",
]  # fmt: skip

logger = logging.getLogger(__name__)


@dataclass
class RawDocument:
    r"""Text of one document before parsing.

    Attributes:
        doc_id: File stem, or the ``id`` field of a JSONL record.
        text: The document's text, lines separated by "\n".
        source: Where it came from (path, plus ``:line`` for JSONL records).
        title: A title given by the source (JSONL ``title``), if any.
        metadata: Other fields the source supplied.
    """

    doc_id: str
    text: str
    source: str
    title: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


def read_jsonl(path: Path) -> Iterator[RawDocument]:
    """One document per line: ``id`` (or BEIR's ``_id``), ``text``, optional ``title``; other fields kept as metadata.

    An empty title is no title (BEIR corpora write ``"title": ""`` for passages without one).

    Bad lines are skipped with a warning naming the file and line number.
    """
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            where = f"{path}:{number}"
            try:
                record = json.loads(raw.decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                logger.warning("%s: skipped, not a JSON object (%s)", where, exc)
                continue
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                logger.warning("%s: skipped, a record needs a string field 'text'", where)
                continue
            if len(record["text"]) > bounds.current().max_text_chars:
                logger.warning("%s: skipped, %d characters of text (limit %d)", where, len(record["text"]),
                               bounds.current().max_text_chars)  # fmt: skip
                continue
            doc_id = str(record.get("id") or record.get("_id") or f"{path.stem}-{number}")
            title = record.get("title")
            meta = {k: v for k, v in record.items() if k not in ("id", "_id", "text", "title")}
            title = title if isinstance(title, str) and title.strip() else None
            yield RawDocument(doc_id, record["text"], where, title, meta)


def read_sheet(path: Path) -> str:
    """Read an .xlsx workbook's sheets as lines (see :func:`ingest.grids.read_xlsx`).

    Raises:
        ReadError: if the file is not a ZIP archive or not a readable workbook.
    """
    try:
        return read_xlsx(path)
    except GridReadError as exc:
        raise ReadError(str(exc)) from exc


def read_legacy_sheet(path: Path) -> str:
    """Read an .xls or .et workbook's sheets as lines (see :func:`ingest.legacy_sheets.read_xls`).

    Raises:
        ReadError: if the file is not an OLE2 workbook xlrd can read.
    """
    from ingest.legacy_sheets import read_xls

    try:
        return read_xls(path)
    except GridReadError as exc:
        raise ReadError(str(exc)) from exc


_READERS = {
    ".txt": read_txt,
    ".xls": read_legacy_sheet,
    ".et": read_legacy_sheet,
    ".html": read_html,
    ".htm": read_html,
    ".docx": read_docx,
    **dict.fromkeys(WORD97_ENDINGS, read_word97),
    ".xlsx": read_sheet,
    ".pdf": read_pdf,
    ".ofd": read_ofd,
    **dict.fromkeys(PICTURE_ENDINGS, read_image),
}


def read_file(path: str | Path, doc_id: str | None = None) -> list[RawDocument]:
    """Read one file into raw documents (one, or one per line for .jsonl).

    Raises:
        ReadError: if the type is unsupported or the file cannot be read.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return list(read_jsonl(path))
    reader = _READERS.get(suffix)
    if reader is None:
        raise ReadError(unsupported_message(path))
    try:
        text = reader(path)
        bounds.check_count(path, "characters of text", len(text), bounds.current().max_text_chars)
    except bounds.LimitError as exc:
        raise ReadError(str(exc)) from exc
    except OSError as exc:
        raise ReadError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    return [RawDocument(doc_id or path.stem, text, str(path))]
