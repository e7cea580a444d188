"""PDF: the text layer, page by page."""

from __future__ import annotations

from pathlib import Path

from ingest import bounds
from ingest.formats import ReadError


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
