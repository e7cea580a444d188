"""Word documents: .docx read with python-docx, body order, tables as rows of cells."""

from __future__ import annotations

from pathlib import Path

from ingest import bounds
from ingest.formats import ReadError
from ingest.grids import docx_rows


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
