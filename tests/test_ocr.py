"""Scans and pictures read by OCR: scans drawn from real lines of ../shared/corpus/wild, and the real picture.

The scans are drawn by :mod:`eval.scans` (200 dpi, noise, a tilt, JPEG, page numbers, a scanner
watermark). OCR costs ≈ 4 s a page on 2 cores; these tests read five pages in all (≈ 25 s).
``python -m eval.ocr`` measures 20 notices the same way (docs/ingestion.md).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

import ingest
from eval.ocr import recall
from eval.scans import page_images, write_pdf
from ingest.formats.layout import Run, paragraphs
from ingest.isolated import read_isolated
from ingest.readers import ReadError, read_file
from tests.conftest import ROOT
from tests.pdfmaker import make_pdf
from tests.test_ofd import LINES

PICTURE = ROOT.parent / "shared" / "corpus" / "formats" / "image" / "synthetic_xx_sheng_hongtou_tongzhi.png"

#: Real lines of ../shared/corpus/wild/sd_046_2023-12-26.txt and sd_019 (two pages when drawn).
SCAN = [
    *LINES[:4],
    "（三）实施先进计算“固链”工程。支持济南、青岛等市紧抓人工智能计算、东数西算等机遇，推动龙头骨干企业联合产业链上下游企业，"
    "加快关键器件、基础软件适配验证和技术迭代升级，构建具有全球影响力、安全稳定的高性能计算机产业体系。力争到2025年，全省先进"
    "计算产业规模达到3500亿元。（牵头单位：省工业和信息化厅；责任单位：省发展改革委、省科技厅、省商务厅）",
    "（四）实施数字终端“扩量”工程。支持青岛等市大力发展新型显示等产业，提升龙头企业高端化、智能化、绿色化消费电子产品生产能力，"
    "塑强产业发展主引擎。抢抓新能源汽车机遇，推动终端制造企业与整车企业深度合作，开拓车载终端市场。支持淄博、济宁、日照等市大力"
    "发展机器人核心部件，加快工业机器人、服务机器人等研发应用。紧跟消费升级趋势，支持企业布局智慧农业、智慧安防、智慧医疗健康等"
    "新型终端。力争到2025年，全省数字终端产业规模达到6000亿元。（牵头单位：省工业和信息化厅；责任单位：省发展改革委、省科技厅、"
    "省农业农村厅、省卫生健康委）",
    *LINES[4:],
]


def _items(notice: ingest.Notice) -> list[tuple[str | None, list[str], list[str]]]:
    return [(c.label, c.lead, c.support) for c in notice.chunks if c.kind == "item"]


def test_a_scanned_notice_reads_back_with_its_items_and_departments(tmp_path: Path) -> None:
    scan = write_pdf(SCAN, tmp_path / "扫描件.pdf", seed=3)
    reports: list[tuple[int, int]] = []
    notices, problems = read_isolated(scan, on_progress=lambda _p, done, total, _w: reports.append((done, total)))
    pages = len(PdfReader(scan).pages)
    assert problems == [] and pages >= 2
    assert reports == [(done, pages) for done in range(1, pages + 1)]  # each page reported as read, in the child
    text = read_file(scan)[0].text
    assert recall("\n".join(SCAN), text) >= 0.97
    assert "扫描全能王" not in text and "— 1 —" not in text  # the watermark and page numbers are furniture
    assert _items(notices[0]) == _items(ingest.parse_text("\n".join(SCAN)))


def test_a_pdf_of_text_pages_and_scanned_pages_is_ocrd_only_where_a_page_has_no_text(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(make_pdf(["一、总体要求", "坚持系统观念。"]))))
    writer.append(PdfReader(write_pdf(LINES[2:3], tmp_path / "scan.pdf")))
    mixed = tmp_path / "mixed.pdf"
    with mixed.open("wb") as handle:
        writer.write(handle)
    reports: list[int] = []
    read_isolated(mixed, on_progress=lambda _p, done, total, _w: reports.append(total))
    assert reports == [1]  # one page to OCR, the other read from its text layer
    lines = [line for line in read_file(mixed)[0].text.splitlines() if line.strip()]
    assert lines[:2] == ["一、总体要求", "坚持系统观念。"] and recall(LINES[2], lines[2]) > 0.97


@pytest.mark.skipif(not PICTURE.exists(), reason="../shared/corpus/formats is not here")
def test_the_picture_of_a_red_header_notice_is_read_without_its_seal() -> None:
    lines = read_file(PICTURE)[0].text.splitlines()
    assert lines[:3] == ["绝密★启用前", "XX省数据安全厅文件", "关于生成特定格式测试文件的通知（涉密）"]  # brackets set full-width
    assert not any("专用章" in line for line in lines)  # red text inside a red ring is a seal


def test_a_picture_that_is_no_picture_or_has_no_text_is_refused_naming_it(tmp_path: Path) -> None:
    fake = tmp_path / "照片.jpg"
    fake.write_bytes(b"<html>not a picture</html>")
    with pytest.raises(ReadError, match=r"照片\.jpg: not a readable picture"):
        read_file(fake)
    blank = tmp_path / "空白.png"
    page_images([])[0].crop((0, 0, 800, 800)).save(blank)
    with pytest.raises(ReadError, match=r"空白\.png: no text found"):
        read_file(blank)


def test_lines_become_paragraphs_by_geometry() -> None:
    """A full line runs on; an indented line, a short line above, or a wide gap starts a paragraph."""
    h = 10.0
    runs = [
        Run("一、总体要求", 0, 0, 60, h),
        Run("坚持系统观念，统筹推进", 20, 20, 200, 20 + h),  # indented: a new paragraph
        Run("各项工作。", 0, 33, 50, 33 + h),  # at the margin after a full line: runs on
        Run("（一）加强", 20, 46, 200, 46 + h),  # the line above ended short
        Run("组织领导。", 0, 59, 50, 59 + h),
        Run("— 1 —", 90, 300, 110, 300 + h),  # a page number
    ]
    assert paragraphs(runs) == ["一、总体要求", "坚持系统观念，统筹推进各项工作。", "（一）加强组织领导。"]


def test_a_scan_whose_text_layer_is_only_the_scanner_apps_stamp_is_read_by_ocr(tmp_path: Path) -> None:
    """The scan the issue met: a text layer holding only the app's slogan over the page's image."""
    writer = PdfWriter(clone_from=write_pdf(LINES[2:3], tmp_path / "scan.pdf"))
    writer.pages[0].merge_page(PdfReader(io.BytesIO(make_pdf(["3亿人都在用的扫描App"]))).pages[0])
    stamped = tmp_path / "stamped.pdf"
    with stamped.open("wb") as handle:
        writer.write(handle)
    assert "扫描App" in PdfReader(stamped).pages[0].extract_text()  # the layer holds the stamp
    text = read_file(stamped)[0].text
    assert recall(LINES[2], text) > 0.97 and "扫描App" not in text


def test_a_multipage_tiff_is_read_frame_by_frame_with_each_page_reported(tmp_path: Path) -> None:
    from ingest import progress

    first, second = (page_images([line])[0].crop((0, 0, 1654, 700)) for line in LINES[2:4])
    tiff = tmp_path / "传真.tif"
    first.save(tiff, save_all=True, append_images=[second])
    reports: list[tuple[int, int]] = []
    with progress.listening(lambda _p, done, total, _w: reports.append((done, total))):
        lines = read_file(tiff)[0].text.splitlines()
    assert reports == [(1, 2), (2, 2)]
    assert [round(recall(want, got), 2) >= 0.97 for want, got in zip(LINES[2:4], lines, strict=True)] == [True, True]
