"""Input bounded before the work: ZIP bombs, huge workbooks, long PDFs and texts, too many chunks."""

from __future__ import annotations

import struct
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from ingest import bounds, load_notices
from ingest.readers import ReadError, read_file
from tests.pdfmaker import make_pdf
from web.library import Library, UploadError

GIB = 1 << 30


def _declaring(path: Path, part: str, declared: int) -> Path:
    """A few-KB .docx whose ZIP directory says ``part`` inflates to ``declared`` bytes (the bomb's header)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<w:document>" + "政务" * 1000 + "</w:document>")
    data = bytearray(path.read_bytes())
    name = part.encode()
    central = data.find(b"PK\x01\x02")  # the first central-directory entry
    while central != -1:
        if data[central + 46 : central + 46 + len(name)] == name:
            data[central + 24 : central + 28] = struct.pack("<I", declared)  # uncompressed size
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))
    return path


def test_a_docx_declaring_a_gigabyte_is_refused_from_its_directory(tmp_path: Path) -> None:
    bomb = _declaring(tmp_path / "bomb.docx", "word/document.xml", GIB)
    started = time.perf_counter()
    with pytest.raises(ReadError, match=r"part word/document.xml would inflate to 1,024.0 MiB; the limit is 128.0 MiB"):
        read_file(bomb)
    assert time.perf_counter() - started < 2  # nothing was inflated
    problems: list[str] = []
    assert load_notices(bomb, warnings=problems) == [] and "bomb.docx" in problems[0]


def test_a_part_packed_past_any_real_ratio_is_refused(tmp_path: Path) -> None:
    packed = tmp_path / "packed.docx"
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "A" * (3 << 20))  # 3 MiB of one letter packs ~1000×
    with pytest.raises(ReadError, match=r"inflates \d+× .*no real document packs more than 100×"):
        read_file(packed)


def _workbook(path: Path, rows: int) -> Path:
    book = Workbook()
    for n in range(rows):
        book.active.append([n + 1, "推进政务服务“一网通办”", "市数据局"])
    book.save(path)
    return path


def test_a_workbook_over_the_row_limit_is_refused_reading_no_more_than_the_limit(tmp_path: Path) -> None:
    with bounds.using(bounds.Limits(max_sheet_rows=50)):
        with pytest.raises(ReadError, match=r"\(sheet Sheet\): more than 50 rows"):
            read_file(_workbook(tmp_path / "big.xlsx", 51))
        assert "市数据局" in read_file(_workbook(tmp_path / "small.xlsx", 50))[0].text
    with bounds.using(bounds.BULK):  # a deliberate bulk load takes it
        assert read_file(tmp_path / "big.xlsx")[0].text.count("市数据局") == 51
    two = Workbook()
    two.active.title = "任务一"
    for title in ("任务一", "任务二"):
        sheet = two[title] if title in two.sheetnames else two.create_sheet(title)
        for n in range(30):
            sheet.append([n + 1, "推进政务服务", "市数据局"])
    two.save(tmp_path / "two.xlsx")
    rows_of_all_sheets = bounds.Limits(max_sheet_rows=50)
    with bounds.using(rows_of_all_sheets), pytest.raises(ReadError, match=r"\(sheet 任务二\): more than 50 rows"):
        read_file(tmp_path / "two.xlsx")


def test_pages_characters_and_chunks_are_capped(tmp_path: Path) -> None:
    pdf = tmp_path / "two.pdf"
    pdf.write_bytes(make_pdf(["某市工作方案", "一、推进政务服务。"]))
    text = tmp_path / "long.txt"
    text.write_text("某市工作方案\n" + "推进政务服务。" * 60, encoding="utf-8")  # 427 characters, 1,279 bytes
    items = tmp_path / "items.txt"
    items.write_text("某市工作方案\n一、任务\n1.甲。\n2.乙。\n3.丙。", encoding="utf-8")
    with bounds.using(bounds.Limits(max_pdf_pages=0, max_text_chars=400, max_chunks=2)):
        with pytest.raises(ReadError, match="more than 0 pages"):
            read_file(pdf)
        with pytest.raises(ReadError, match="more than 400 characters of text"):
            read_file(text)
        text.write_text("推进。" * 600, encoding="utf-8")  # 1,800 characters, 5,400 bytes: refused from its size
        with pytest.raises(ReadError, match="more than 1,600 bytes of text"):
            read_file(text)
        problems: list[str] = []
        assert load_notices(items, warnings=problems) == [] and "more than 2 chunks" in problems[0]
    assert len(load_notices(items)[0].chunks) == 3  # under the default limits


def test_an_upload_over_a_limit_is_refused_in_chinese_and_nothing_is_stored(library: Library, tmp_path: Path) -> None:
    before = library.notices()
    with pytest.raises(UploadError, match="文件解压后体积超过上限"):
        library.upload(_declaring(tmp_path / "炸弹.docx", "word/document.xml", GIB))
    with bounds.using(bounds.Limits(max_sheet_rows=5)), pytest.raises(UploadError, match=r"表格行数超过上限（5）"):
        library.upload(_workbook(tmp_path / "任务表.xlsx", 6))
    assert library.notices() == before and not [p for p in library.uploads.glob("*") if not p.name.startswith(".")]
    assert not list(library.uploads.glob(".reading-*"))  # the scratch copy is gone


def test_a_notice_without_a_title_line_is_titled_by_its_file_name_not_a_scratch_name(
    library: Library, tmp_path: Path
) -> None:
    untitled = tmp_path / "停车治理要点.txt"
    untitled.write_text(
        "1.推行错时停车泊位共享。（市交通运输局牵头）\n2.规范占道停车收费。（市城管局牵头）", encoding="utf-8"
    )
    result = library.upload(untitled)
    title = next(row[1] for row in library.notices() if row[0] == result.doc_id)
    assert title == "停车治理要点" and ".reading" not in title


def test_a_docx_of_millions_of_tiny_elements_is_refused_before_its_tree_is_built(tmp_path: Path) -> None:
    from docx import Document

    document = Document()
    for n in range(400):
        document.add_paragraph(f"{n + 1}.推进政务服务。（市数据局牵头）")
    document.save(tmp_path / "many.docx")
    refused = pytest.raises(ReadError, match=r"many.docx \(part word/document.xml\): more than 1,000 XML elements")
    with bounds.using(bounds.Limits(max_xml_elements=1000)), refused:
        read_file(tmp_path / "many.docx")
    assert "400.推进政务服务" in read_file(tmp_path / "many.docx")[0].text  # the default is far above a notice
