"""The hostile files of docs/reliability.md: two .docx bombs and a 300,000-row .xlsx.

``bomb.docx`` declares a part of 1 GiB; ``heavy.docx`` is under every declared limit, but its
tree is heavy (100 MiB of one-character paragraphs, packed 25×).

Run from the project root, then time ``python -m ingest`` on each, and the web app's upload path
(``docs/experiments/upload_bombs.py``):

    .venv/bin/python docs/experiments/bombs.py /tmp/bombs          # ≈ 40 s; 2.5 MB, 4.3 MB, 4.2 MB
    /usr/bin/time -f "%e s, peak %M KB" .venv/bin/python -m ingest /tmp/bombs/bomb.docx
    /usr/bin/time -f "%e s, peak %M KB" .venv/bin/python -m ingest /tmp/bombs/rows.xlsx
    /usr/bin/time -f "%e s, peak %M KB" .venv/bin/python -m ingest /tmp/bombs/heavy.docx
"""

from __future__ import annotations

import random
import sys
import zipfile
from pathlib import Path

from openpyxl import Workbook

GIB = 1 << 30


def docx_bomb(path: Path, size: int = GIB) -> None:
    """A ZIP with a content-types part and a word/document.xml of ``size`` bytes of repeated paragraphs."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')
            paragraph = b"<w:p><w:r><w:t>" + b"A" * 1000 + b"</w:t></w:r></w:p>"
            for _ in range(size // len(paragraph)):
                part.write(paragraph)
            part.write(b"</w:body></w:document>")


def many_rows(path: Path, rows: int = 300_000) -> None:
    """A workbook of ``rows`` task rows (written streaming)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for n in range(rows):
        sheet.append([n + 1, "推进政务服务", "市数据局"])
    book.save(path)


def heavy_docx(path: Path, size: int = 100 << 20) -> None:
    """A .docx whose document.xml is ``size`` bytes of one-character paragraphs (packs ≈ 25×)."""
    rng = random.Random(1)
    letters = "关于加快推进政务服务标准化规范化便利化工作的通知各县区人民政府市政府各部门"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
            'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>',
        )
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')
            written = 0
            while written < size:
                paragraph = f"<w:p><w:r><w:t>{rng.choice(letters)}</w:t></w:r></w:p>".encode()
                part.write(paragraph)
                written += len(paragraph)
            part.write(b"</w:body></w:document>")


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/bombs")
    out.mkdir(parents=True, exist_ok=True)
    docx_bomb(out / "bomb.docx")
    many_rows(out / "rows.xlsx")
    heavy_docx(out / "heavy.docx")
    print({p.name: p.stat().st_size for p in sorted(out.iterdir())})
