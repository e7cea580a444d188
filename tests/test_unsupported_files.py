"""A folder of an office's files: every file read or named with why, one line a file, ids distinct where names repeat.

The folder holds one file of every type read (the .xls and .et are the real ones of
../shared/corpus/formats; the .doc and .wps are written by LibreOffice, the picture drawn as a
scan, the OFD written from real lines) and one of a type no reader reads. Costs ≈ 15 s: two
LibreOffice conversions and one page of OCR.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from eval.scans import page_images
from ingest import load_notices
from ingest.__main__ import main
from ingest.bounded import load_bounded
from ingest.folders import SUPPORTED
from ingest.formats.word97 import soffice
from tests.conftest import NOTICE_A, ROOT
from tests.ofdmaker import make_ofd
from tests.pdfmaker import make_pdf
from tests.test_ofd import LINES

FORMATS = ROOT.parent / "shared" / "corpus" / "formats"
needs_formats = pytest.mark.skipif(not FORMATS.exists(), reason="../shared/corpus/formats is not here")


def _office(folder: Path) -> Path:
    """One file of each type read, and one .rar."""
    (folder / "文字").mkdir(parents=True)
    (folder / "a.txt").write_text(NOTICE_A, encoding="utf-8")
    (folder / "b.html").write_text("<html><body><p>" + "</p><p>".join(LINES) + "</p></body></html>", "utf-8")
    (folder / "c.pdf").write_bytes(make_pdf(LINES[:3]))
    (folder / "d.jsonl").write_text('{"id": "d", "text": "' + LINES[2] + '"}\n', encoding="utf-8")
    make_ofd(LINES, folder / "e.ofd")
    page_images(LINES[:2])[0].save(folder / "f.png")
    shutil.copy(FORMATS / "xls" / "moe_chengren_gaoxiao_mingdan_2025.xls", folder / "g.xls")
    shutil.copy(FORMATS / "et" / "synthetic_eva_test.et", folder / "h.et")
    shutil.copy(FORMATS / "et" / "synthetic_eva_test.twin.xlsx", folder / "i.xlsx")
    shutil.copy(FORMATS / "doc" / "cbirc_jiangsu_yidi_daikuan_fengxian_2005.twin.docx", folder / "j.docx")
    profile = f"-env:UserInstallation={(folder.parent / 'profile').as_uri()}"
    for ending, kind in (("doc", "doc:MS Word 97"), ("wps", "doc:MS Word 97")):
        subprocess.run(
            [str(soffice()), "--headless", profile, "--convert-to", kind, "--outdir", str(folder / "文字"),
             str(folder / "j.docx")], check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        (folder / "文字" / "j.doc").rename(folder / "文字" / f"k.{ending}")
    (folder / "附件.rar").write_bytes(b"Rar!\x1a\x07\x00 not read")
    (folder / ".hidden.doc").write_bytes(b"hidden")  # hidden files are not the office's files
    return folder


@needs_formats
def test_a_folder_of_every_type_gives_one_line_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _office(tmp_path / "office")
    kinds = {p.suffix for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")}
    assert kinds == {*SUPPORTED} - {".htm", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"} | {".rar"}
    assert main([str(folder)]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = lines[1:-1]
    assert len(rows) == 13  # 12 files read (one document each), one named
    assert sorted(r.split()[1] for r in rows if r.startswith("read")) == [*"abcdefghij", "k.doc", "k.wps"]
    assert [r for r in rows if r.startswith("skipped")] == [
        f"skipped   {folder / '附件.rar'}: unsupported file type .rar (an archive: unpack it and load the folder); "
        f"supported: {', '.join(SUPPORTED)}"
    ]
    assert lines[-1].endswith("1 files skipped (1 unsupported type)")


def test_a_name_in_five_folders_loads_five_times_with_stable_ids(tmp_path: Path) -> None:
    for unit in ("市数据局", "市财政局", "市司法局", "2024/市数据局", "2025/市数据局"):
        (tmp_path / unit).mkdir(parents=True)
        (tmp_path / unit / "附件1.txt").write_text(f"一、总体安排\n1.{unit}开展试点。（{unit.split('/')[-1]}牵头）", "utf-8")
    (tmp_path / "通知.txt").write_text(NOTICE_A, encoding="utf-8")
    first = [n.doc_id for n in load_notices(tmp_path)]
    assert first == ["2024-市数据局-附件1", "2025-市数据局-附件1", "市司法局-附件1", "市数据局-附件1", "市财政局-附件1", "通知"]
    assert [n.doc_id for n in load_bounded(tmp_path)] == first  # the same ids, read in children
    assert [n.doc_id for n in load_notices(tmp_path)] == first  # and on every load
