"""PDF: the text layer page by page, and OCR where a page has none (a scan).

A page whose text layer holds nothing but page furniture (a page number, the watermark a
scanner app writes as text) is a scanned page: it is rendered at 200 dpi with pdfium and read by
:mod:`ingest.formats.ocr`. A PDF that mixes text pages and scanned pages is read by OCR only
where a page has no text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ingest import bounds, progress
from ingest.formats import ReadError
from ingest.formats.layout import is_furniture

#: Resolution scanned pages are rendered at for OCR (dots per inch).
OCR_DPI = 200


def read_pdf(path: Path) -> str:
    """Read a PDF's text, page by page: the text layer, or OCR of a page without one.

    Raises:
        ReadError: if the file is not a PDF, or neither its text layer nor OCR gives text.
        LimitError: if it has more pages, or more pages to OCR, than the limits.
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
    scanned = [n for n, text in enumerate(pages) if not _has_text(text, reader.pages[n])]
    if scanned:
        bounds.check_count(path, "pages to read by OCR", len(scanned), limits.max_ocr_pages)
        texts = _ocr_pages(path, scanned)  # one text per run of consecutive scanned pages, at its first page
        for number in scanned:
            pages[number] = texts.get(number, "")
    text = "\n".join(pages)
    if not text.strip():
        raise ReadError(f"{path}: no text in the PDF, neither a text layer nor any OCR could read")
    return text


#: A page with an image and fewer characters than this in its text layer (furniture left out) is a scan.
MIN_LAYER_CHARS = 20


def _has_text(page_text: str, page: Any) -> bool:
    """Whether a page's text layer is its text: more than page furniture, and more than a stamp on a picture.

    A scanner app writes its watermark ("扫描全能王 创建", "3亿人都在用的扫描App") as text over the
    page's image; so a page with an image whose layer holds fewer than :data:`MIN_LAYER_CHARS`
    characters besides furniture is read by OCR.
    """
    body = "".join(line.strip() for line in page_text.splitlines() if line.strip() and not is_furniture(line))
    if not body:
        return False
    return len(body) >= MIN_LAYER_CHARS or not _has_image(page)


def _has_image(page: Any) -> bool:
    """Whether a PDF page draws an image (pypdf; a page it cannot inspect counts as having none)."""
    try:
        resources = page.get("/Resources") or {}
        objects = resources.get("/XObject") or {}
        return any(obj.get_object().get("/Subtype") == "/Image" for obj in objects.values())
    except Exception:  # a damaged resource dictionary: trust the text layer
        return False


def _ocr_pages(path: Path, numbers: list[int]) -> dict[int, str]:
    """The OCR text of the given pages (0-based), each rendered at :data:`OCR_DPI`.

    Each run of consecutive scanned pages is one text, so that a paragraph runs on over a page
    break; it is keyed by the run's first page.
    """
    import numpy
    import pypdfium2

    from ingest.formats.layout import Run, paragraphs
    from ingest.formats.ocr import MAX_SIDE, page_runs

    limits = bounds.current()
    groups: dict[int, list[Run]] = {}
    try:
        document = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as exc:
        raise ReadError(f"{path}: not a readable PDF (pdfium: {exc})") from exc
    try:
        first = numbers[0]
        for done, number in enumerate(numbers, 1):
            if number - 1 not in numbers:
                first = number
            page = document[number]
            width, height = page.get_size()
            scale = min(OCR_DPI / 72, MAX_SIDE / max(width, height, 1))
            bounds.check_count(path, "pixels of a page", int(width * height * scale * scale), limits.max_image_pixels)
            image = numpy.asarray(page.render(scale=scale).to_pil().convert("RGB"))
            groups.setdefault(first, []).extend(page_runs(image, number))
            progress.report(path, done, len(numbers), "pages read by OCR")
    finally:
        document.close()
    return {first: "\n".join(paragraphs(runs)) for first, runs in groups.items()}
