"""Readers: files into plain text documents (.txt .html .htm .docx .xlsx .xls .et .pdf .jsonl).

Tables are written one row a line, every grid cell joined by " | " (merged cells repeated in
each grid position they cover, empty cells kept), so columns stay aligned for
:mod:`ingest.tables`.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest import bounds
from ingest.grids import GridReadError, docx_rows, html_grid, read_xlsx

logger = logging.getLogger(__name__)

#: File endings this module reads.
SUPPORTED = (".txt", ".html", ".htm", ".docx", ".xlsx", ".xls", ".et", ".pdf", ".jsonl")


class ReadError(Exception):
    """A file that cannot be read; the message names the file and the reason."""


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


#: Encodings a notice may come in besides UTF-8 (as charset_normalizer names them).
_TEXT_ENCODINGS = frozenset(
    {"gb18030", "big5", "utf_16", "utf_16_le", "utf_16_be", "utf_32", "ascii", "cp1252", "latin_1", "iso8859_1"}
)


def decode_bytes(data: bytes, name: str = "<bytes>") -> str:
    """Decode text of unknown encoding: UTF-8 (with or without BOM), GB18030/GBK, or lines of both.

    Raises:
        ReadError: if the bytes are not text (NUL bytes, many control characters, or no
            encoding fits).
    """
    if b"\x00" in data[:65536] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError(f"{name}: binary data (NUL bytes), not a text file")
    try:
        text: str | None = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _decode_mixed(data)
    if text is None:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise ReadError(f"{name}: not text in any known encoding")
        encoding = best.encoding.lower().replace("-", "_")
        if encoding in ("gb2312", "gbk", "gb18030", "hz", "big5") or encoding.startswith("gb"):
            encoding = "gb18030" if encoding != "big5" else "big5"
        if encoding not in _TEXT_ENCODINGS:  # a guess such as EBCDIC means the bytes are not text
            raise ReadError(f"{name}: not text in any encoding notices use (the closest guess was {encoding})")
        text = data.decode(encoding, errors="replace")
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    if control > max(8, len(text) // 100):
        raise ReadError(f"{name}: looks binary ({control} control characters), not a text file")
    return text


def _decode_mixed(data: bytes) -> str | None:
    """Decode line by line: UTF-8 where a line is UTF-8, GB18030 elsewhere; None unless both occur.

    Files pasted together from both (a UTF-8 notice with a GBK attachment) need this.
    """
    lines = data.splitlines(keepends=True)
    utf8 = gbk = 0
    decoded = []
    for line in lines:
        try:
            text = line.decode("utf-8")
            utf8 += not line.isascii()
        except UnicodeDecodeError:
            try:
                text = line.decode("gb18030")
            except UnicodeDecodeError:
                return None
            gbk += 1
        decoded.append(text)
    if not (utf8 and gbk):
        return None
    text = "".join(decoded)
    return text[1:] if text.startswith("\ufeff") else text


def read_txt(path: Path) -> str:
    """Read a text file, detecting UTF-8, UTF-8 with BOM, or GB18030/GBK."""
    return decode_bytes(_bounded_bytes(path), str(path))


def _bounded_bytes(path: Path) -> bytes:
    """A text file's bytes, refused from its size alone when it cannot be under the character limit."""
    limit = bounds.current().max_text_chars
    bounds.check_count(path, "bytes of text", path.stat().st_size, 4 * limit)  # ≤ 4 bytes a character
    return path.read_bytes()


_HTML_DROP = (
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "select",
    "button",
    "svg",
    "template",
)
_HTML_CHROME = re.compile(
    r"(^|[-_ ])(nav|navbar|menu|breadcrumb|crumb|footer|header|sidebar|"
    r"share|toolbar|topbar|copyright)([-_ ]|$)",
    re.I,
)
_HTML_BLOCKS = (
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "section",
    "article",
    "blockquote",
    "pre",
    "td",
    "th",
    "dd",
    "dt",
)


def html_to_text(html: str) -> str:
    """Body text of an HTML page without navigation, scripts and styles, one block a line."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    for tag in soup(_HTML_DROP):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed or tag.attrs is None:
            continue
        marks = " ".join([*tag.get("class", []), tag.get("id", ""), tag.get("role", "")])
        if _HTML_CHROME.search(marks):
            tag.decompose()
    root = soup.body or soup
    for table in reversed(root.find_all("table")):  # innermost first: a nested table becomes cell text
        rows = [" | ".join(cells) for cells in html_grid(table)]
        table.replace_with(soup.new_string("\n" + "\n".join(rows) + "\n"))
    for tag in root.find_all(_HTML_BLOCKS):
        if tag.name == "br":
            tag.replace_with("\n")
        elif tag.name in ("td", "th"):
            tag.insert_after(" | ")
        else:
            tag.insert_before("\n")
            tag.insert_after("\n")
    lines = [re.sub(r"(\s*\|\s*)+$", "", line).strip() for line in root.get_text().split("\n")]
    return "\n".join(line for line in lines if line)


def read_html(path: Path) -> str:
    """Read an HTML page's body text (encoding detected as for .txt)."""
    return html_to_text(decode_bytes(_bounded_bytes(path), str(path)))


def read_docx(path: Path) -> str:
    """Read a .docx: paragraphs and table rows (cells joined by " | "), in body order."""
    import docx
    from docx.table import Table

    with path.open("rb") as handle:
        if handle.read(4) != b"PK\x03\x04":
            raise ReadError(f"{path}: not a .docx (a .docx is a ZIP archive; this file is something else)")
    bounds.check_zip(path, ".docx")  # from the ZIP directory, before anything is inflated
    lines: list[str] = []
    try:
        bounds.check_elements(path, "word/document.xml")  # streaming, before python-docx builds the tree
        for block in docx.Document(str(path)).iter_inner_content():
            if isinstance(block, Table):
                lines.extend(docx_rows(block))
            else:
                lines.append(block.text)
    except bounds.LimitError:
        raise
    except Exception as exc:  # corrupt archives raise many kinds: zip, XML, KeyError …
        raise ReadError(f"{path}: not a readable .docx ({type(exc).__name__}: {exc})") from exc
    return "\n".join(lines)


def read_pdf(path: Path) -> str:
    """Read a PDF's text layer, page by page.

    Raises:
        ReadError: if the file is not a PDF or has no text layer (a scan).
    """
    from pypdf import PdfReader

    with path.open("rb") as handle:
        if b"%PDF-" not in handle.read(1024):
            raise ReadError(f"{path}: not a PDF (no %PDF- header; renamed from another type?)")
    limits = bounds.current()
    try:
        reader = PdfReader(str(path))
        bounds.check_count(path, "pages", len(reader.pages), limits.max_pdf_pages)
        pages, chars = [], 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            chars += len(pages[-1])
            bounds.check_count(path, "characters of text", chars, limits.max_text_chars)
    except bounds.LimitError:
        raise
    except Exception as exc:  # corrupt PDFs raise many kinds; all mean "cannot read"
        raise ReadError(f"{path}: not a readable PDF ({type(exc).__name__}: {exc})") from exc
    text = "\n".join(pages)
    if not text.strip():
        raise ReadError(f"{path}: the PDF has no text layer (a scan?); OCR it first")
    return text


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
    ".xlsx": read_sheet,
    ".pdf": read_pdf,
}


def read_file(path: str | Path) -> list[RawDocument]:
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
    return [RawDocument(path.stem, text, str(path))]


#: What to do with a file of a type offices hold that no reader reads yet (issue 42 adds readers).
_HINTS = {
    ".doc": "a Word 97 or WPS document: save it as .docx",
    ".wps": "a WPS document: save it as .docx",
    ".ofd": "an OFD document: export it as PDF",
    ".jpg": "a picture: scans and photos are not read (no OCR)",
    ".jpeg": "a picture: scans and photos are not read (no OCR)",
    ".png": "a picture: scans and photos are not read (no OCR)",
    ".tif": "a picture: scans and photos are not read (no OCR)",
    ".tiff": "a picture: scans and photos are not read (no OCR)",
}


def unsupported_message(path: Path) -> str:
    """Why a file of an unread type is skipped, naming it, its type and what to do.

    >>> unsupported_message(Path("附件1.doc")).split("; ")[0]
    '附件1.doc: unsupported file type .doc (a Word 97 or WPS document: save it as .docx)'
    """
    suffix = path.suffix.lower()
    hint = f" ({_HINTS[suffix]})" if suffix in _HINTS else ""
    return f"{path}: unsupported file type {suffix or '(none)'}{hint}; supported: {', '.join(SUPPORTED)}"


def files_to_read(paths: Iterable[str | Path] | str | Path, warnings: list[str] | None = None) -> list[Path]:
    """The supported files of ``paths``; each other file of a folder is named in a logged warning (and ``warnings``).

    Raises:
        FileNotFoundError: if a named path does not exist.
    """
    unsupported: list[Path] = []
    files = list(iter_files([paths] if isinstance(paths, (str, Path)) else list(paths), unsupported))
    for other in unsupported:  # a folder's files of other types: each named, none silently left out
        logging.getLogger(__name__).warning("skipped %s", unsupported_message(other))
        if warnings is not None:
            warnings.append(unsupported_message(other))
    return files


def iter_files(paths: list[str | Path] | str | Path, unsupported: list[Path] | None = None) -> Iterator[Path]:
    """Expand files and directories (recursively, sorted) into supported files.

    A directory's files of other types are never read; they are appended to ``unsupported``
    (when given) so that the caller names each one. Hidden files and folders are left out.

    Raises:
        FileNotFoundError: if a named path does not exist.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if unsupported is not None:
                unsupported.extend(p for p in found if p.suffix.lower() not in SUPPORTED)
            yield from (p for p in found if p.suffix.lower() in SUPPORTED)
        elif path.exists():
            yield path
        else:
            raise FileNotFoundError(f"{path}: no such file or directory")
