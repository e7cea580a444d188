"""Limits on input, defined once and checked before the work they bound: input is hostile until measured.

The question's length and the number of results (the search, the CLI, the web app and its API
import them), the upload types and size, and the caps per file and document below.

An Office file (.docx, .xlsx) is a ZIP archive: its directory declares every part's size
before anything is inflated, so a part that would inflate to a gigabyte is refused from the
directory (Python's ``zipfile`` never inflates a part past its declared size). A workbook's
rows, a PDF's pages, a document's text and its chunks are capped too. The defaults are far
above any real notice (the largest of the 217 wild notices and ~2,600 regulations is 156 KB,
52,000 characters, a few hundred items) and far below what takes the server down.

A deliberate bulk load raises them for a block of code::

    with bounds.using(bounds.BULK):
        notices = load_notices(big_folder)

(``python -m ingest --bulk`` and ``python -m index build --bulk``.)
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

MIB = 1024 * 1024

#: Longest question accepted, in characters (a pasted paragraph fits; a pasted notice does not).
MAX_QUERY_CHARS = 2000
#: Most results one search may return through the web API.
MAX_K = 100
#: File types staff may upload in the web app.
UPLOAD_TYPES = (
    ".txt", ".docx", ".doc", ".wps", ".xlsx", ".xls", ".et", ".pdf", ".ofd", ".html", ".htm",
    ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp",
)  # fmt: skip
#: Largest upload, in bytes.
MAX_UPLOAD_BYTES = 20 * MIB


class LimitError(Exception):
    """Input over a limit; the message names the file, what is too large, and the limit."""


@dataclass(frozen=True)
class Limits:
    """Caps per input file or document (docs/reliability.md lists them).

    Attributes:
        max_unpacked_bytes: All parts of an Office file together, as its ZIP directory declares them.
        max_part_bytes: One part of an Office file (``word/document.xml``, a sheet, sharedStrings).
        max_ratio: Inflated ÷ compressed size of one part larger than 1 MiB (XML packs 5–30×).
        max_parts: Parts in an Office file.
        max_sheet_rows: Rows of one workbook, all sheets together.
        max_pdf_pages: Pages of a PDF.
        max_text_chars: Characters of one document's text.
        max_chunks: Chunks (items and paragraphs) of one document.
        max_xml_elements: XML elements of a .docx's document part, counted streaming before it is
            parsed whole (a 60-page notice has ≈ 100,000; each costs python-docx ≈ 0.7 KiB).
        max_parse_memory: Address space of the child process that reads an upload
            (:mod:`ingest.isolated`), in bytes (the wild corpus's 217 notices read in 30 MiB; a page
            of OCR reserves 1.3–1.9 GB of address space, 0.6–0.8 GB of it resident).
        max_parse_seconds: Wall time that child may take; a page read by OCR renews it (each page
            reports progress), so a scan of many pages has this much time per page.
        max_ocr_pages: Pages of one file read by OCR (scanned PDF pages, frames of a TIFF).
        max_image_pixels: Pixels of one picture or page image, checked before it is decoded.
    """

    max_unpacked_bytes: int = 256 * MIB
    max_part_bytes: int = 128 * MIB
    max_ratio: float = 100.0
    max_parts: int = 5_000
    max_sheet_rows: int = 20_000
    max_pdf_pages: int = 2_000
    max_text_chars: int = 2_000_000
    max_chunks: int = 10_000
    max_xml_elements: int = 1_000_000
    max_parse_memory: int = 2048 * MIB
    max_parse_seconds: float = 60.0
    max_ocr_pages: int = 100
    max_image_pixels: int = 60_000_000


#: The limits of every upload and of ``python -m ingest`` / ``python -m index build``.
DEFAULT = Limits()
#: For a deliberate bulk load (``--bulk``): sizes a big archive can have, still not unbounded.
BULK = Limits(
    max_unpacked_bytes=4096 * MIB, max_part_bytes=2048 * MIB, max_ratio=1000.0, max_parts=100_000,
    max_sheet_rows=2_000_000, max_pdf_pages=100_000, max_text_chars=200_000_000, max_chunks=2_000_000,
    max_xml_elements=100_000_000, max_parse_memory=16384 * MIB, max_parse_seconds=3600.0, max_ocr_pages=10_000,
)  # fmt: skip

_CURRENT: ContextVar[Limits] = ContextVar("ingest_limits", default=DEFAULT)


def current() -> Limits:
    """The limits in force (:data:`DEFAULT` unless inside :func:`using`)."""
    return _CURRENT.get()


@contextmanager
def using(limits: Limits) -> Iterator[Limits]:
    """Run a block under other limits (a bulk load), then restore the previous ones."""
    token = _CURRENT.set(limits)
    try:
        yield limits
    finally:
        _CURRENT.reset(token)


def check_zip(path: Path, kind: str) -> None:
    """Refuse an Office file whose ZIP directory declares parts no real notice has.

    Raises:
        LimitError: naming the part, its declared size and the limit.
    """
    limits = current()
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise LimitError(f"{path}: not a readable {kind} (the ZIP archive is damaged: {exc})") from exc
    if len(parts) > limits.max_parts:
        raise LimitError(f"{path}: {len(parts)} parts in the {kind} archive; the limit is {limits.max_parts}")
    total = 0
    for part in parts:
        total += part.file_size
        if part.file_size > limits.max_part_bytes:
            raise LimitError(
                f"{path}: part {part.filename} would inflate to {_size(part.file_size)}; "
                f"the limit is {_size(limits.max_part_bytes)} per part"
            )
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > MIB and ratio > limits.max_ratio:
            raise LimitError(
                f"{path}: part {part.filename} inflates {ratio:.0f}× ({_size(part.compress_size)} → "
                f"{_size(part.file_size)}); no real document packs more than {limits.max_ratio:.0f}×"
            )
    if total > limits.max_unpacked_bytes:
        raise LimitError(
            f"{path}: the {kind} would inflate to {_size(total)}; the limit is {_size(limits.max_unpacked_bytes)}"
        )


def check_elements(path: Path, part: str) -> None:
    """Refuse an Office file whose ``part`` holds more XML elements than any real notice, counted streaming.

    A part under every size and ratio limit can still be millions of tiny elements, each a
    Python object once a reader builds its tree (100 MiB of one-letter paragraphs: 2 GB in
    python-docx). Counting them costs ≈ 0.3 s per million and holds one element at a time.

    Raises:
        LimitError: naming the part, the count reached and the limit.
    """
    from lxml import etree

    limit, count = current().max_xml_elements, 0
    with zipfile.ZipFile(path) as archive:
        if part not in archive.namelist():
            return  # the reader names what is missing
        with archive.open(part) as stream:
            for _, element in etree.iterparse(stream, events=("end",), resolve_entities=False, no_network=True):
                count += 1
                element.clear(keep_tail=True)
                if count > limit:
                    check_count(f"{path} (part {part})", "XML elements", count, limit)


def check_count(path: Path | str, what: str, count: int, limit: int) -> None:
    """Refuse ``count`` of ``what`` (pages, rows, characters, chunks) over ``limit``.

    >>> check_count("a.pdf", "pages", 3, 10)
    >>> check_count("a.pdf", "pages", 11, 10)
    Traceback (most recent call last):
    ingest.bounds.LimitError: a.pdf: more than 10 pages (11 or more); the limit is 10
    """
    if count > limit:
        raise LimitError(f"{path}: more than {limit:,} {what} ({count:,} or more); the limit is {limit:,}")


def _size(n: int) -> str:
    return f"{n / MIB:,.1f} MiB" if n >= MIB else f"{n:,} bytes"
