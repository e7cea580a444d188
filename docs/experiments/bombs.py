"""The two hostile files of docs/reliability.md: a .docx inflating to 1 GiB, a 300,000-row .xlsx.

Run from the project root, then time ``python -m ingest`` on each:

    .venv/bin/python docs/experiments/bombs.py /tmp/bombs          # ≈ 20 s; 2.5 MB and 4.3 MB
    /usr/bin/time -f "%e s, peak %M KB" .venv/bin/python -m ingest /tmp/bombs/bomb.docx
    /usr/bin/time -f "%e s, peak %M KB" .venv/bin/python -m ingest /tmp/bombs/rows.xlsx
"""

from __future__ import annotations

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


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/bombs")
    out.mkdir(parents=True, exist_ok=True)
    docx_bomb(out / "bomb.docx")
    many_rows(out / "rows.xlsx")
    print({p.name: p.stat().st_size for p in sorted(out.iterdir())})
