"""Each reader on a fixture the test creates; unreadable files warn and ingestion goes on."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import docx
import pytest

import ingest
from ingest.readers import ReadError, html_to_text, read_file
from tests.pdfmaker import make_pdf

NOTICE = [
    "关于印发测试工作方案的通知",
    "各区政府:",
    "测试工作方案",
    "一、总体要求",
    "1.开展试点工作。建立健全机制。（市数据局牵头，各区政府按职责分工负责）",
    "2.加强数据共享。推进系统对接。（市行政审批局牵头）",
]


def _check(chunks: list[ingest.Chunk], doc_id: str) -> None:
    items = [c for c in chunks if c.kind == "item"]
    assert [c.label for c in items] == ["1", "2"]
    assert items[0].lead == ["市数据局"]
    assert items[0].support == ["各区政府"]
    assert items[0].section == ["一、总体要求"]
    assert all(c.doc_id == doc_id for c in chunks)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_txt_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / f"n_{encoding}.txt"
    path.write_bytes("\n".join(NOTICE * 1).encode(encoding))
    _check(ingest.load(path), path.stem)


def test_html_body_without_nav_scripts_styles(tmp_path: Path) -> None:
    body = "".join(f"<p>{line}</p>" for line in NOTICE)
    html = (
        f"<html><head><title>t</title><style>p {{color: red}}</style></head><body>"
        f"<div class='nav'>首页 | 政务公开 | 互动交流</div><nav>网站导航</nav>"
        f"<script>var x = '（市财政局牵头）';</script><div id='content'>{body}</div>"
        f"<footer>版权所有 主办单位</footer></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    chunks = ingest.load(path)
    _check(chunks, "page")
    text = " ".join(c.text for c in chunks)
    for junk in ("网站导航", "政务公开 |", "var x", "color", "版权所有"):
        assert junk not in text


def test_html_gbk_with_meta_charset(tmp_path: Path) -> None:
    html = "<html><head><meta charset='gbk'></head><body>" + "<br>".join(NOTICE) + "</body></html>"
    path = tmp_path / "gbk.htm"
    path.write_bytes(html.encode("gbk"))
    _check(ingest.load(path), "gbk")


def test_html_table_cells_become_rows() -> None:
    text = html_to_text("<table><tr><td>事项</td><td>牵头部门</td></tr><tr><td>热线</td><td>市数据局</td></tr></table>")
    assert text.splitlines() == ["事项 | 牵头部门", "热线 | 市数据局"]


def test_docx_paragraphs_and_tables(tmp_path: Path) -> None:
    document = docx.Document()
    for line in NOTICE:
        document.add_paragraph(line)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "附表事项", "责任单位"
    table.cell(1, 0).text, table.cell(1, 1).text = "12345热线", "市数据局"
    path = tmp_path / "notice.docx"
    document.save(str(path))
    chunks = ingest.load(path)
    _check([c for c in chunks if "|" not in c.text], "notice")
    row = chunks[-1]  # a task table (a task column and a 责任单位 column): one chunk per row
    assert (row.id, row.text, row.lead, row.support) == ("notice#一/t1/r1", "12345热线 | 市数据局", ["市数据局"], [])


def test_pdf_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "notice.pdf"
    path.write_bytes(make_pdf(NOTICE))
    _check(ingest.load(path), "notice")


def test_jsonl_one_document_per_line_with_metadata(tmp_path: Path) -> None:
    path = tmp_path / "passages.jsonl"
    records = [
        {"id": "p1", "text": "地震时应尽量往狭小空间跑。保护头部，等待救援。", "department": "市应急局"},
        {"id": "p2", "title": "测试工作方案", "text": "\n".join(NOTICE[3:])},
    ]
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join([lines[0], "{not json", "[1, 2]", lines[1]]), encoding="utf-8")
    notices = ingest.load_notices(path)
    assert [n.doc_id for n in notices] == ["p1", "p2"]
    assert notices[0].chunks[0].metadata == {"department": "市应急局"}
    assert notices[0].chunks[0].text == records[0]["text"]
    _check(notices[1].chunks, "p2")
    assert notices[1].chunks[0].title == "测试工作方案"


def test_unreadable_files_warn_and_the_rest_goes_on(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "good.txt").write_text("\n".join(NOTICE), encoding="utf-8")
    (tmp_path / "junk.txt").write_bytes(bytes(range(256)) * 10)
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "fake.pdf").write_bytes(b"MZ\x90\x00 this is an exe")
    (tmp_path / "empty.pdf").write_bytes(make_pdf([]))
    (tmp_path / "ignored.xyz").write_text("not a notice", encoding="utf-8")
    warnings: list[str] = []
    with caplog.at_level(logging.WARNING):
        notices = ingest.load_notices(tmp_path, warnings=warnings)
    assert [n.doc_id for n in notices] == ["good"]
    joined = "\n".join(warnings)
    for name, reason in (
        ("junk.txt", "binary"),
        ("broken.docx", "not a readable .docx"),
        ("fake.pdf", "not a PDF (no %PDF- header"),
        ("empty.pdf", "no text in the PDF"),  # neither a text layer nor OCR finds text
        ("ignored.xyz", "unsupported file type .xyz"),  # a folder's other files are named, not left out
    ):
        assert any(name in w and reason in w for w in warnings), (name, joined)
    assert len(warnings) == 5
    assert "junk.txt" in caplog.text


def test_unsupported_type_named_in_error(tmp_path: Path) -> None:
    path = tmp_path / "a.exe"
    path.write_bytes(b"MZ")
    with pytest.raises(ReadError, match=r"a\.exe: unsupported file type \.exe"):
        read_file(path)


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nope"):
        ingest.load(tmp_path / "nope")


def test_one_name_in_two_places_gets_two_ids_and_one_id_twice_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text("甲。", encoding="utf-8")
    (tmp_path / "x.html").write_text("<p>乙。</p>", encoding="utf-8")
    assert sorted({c.doc_id for c in ingest.load(tmp_path)}) == ["a-x", "x"]  # folders tell them apart
    (tmp_path / "r1.jsonl").write_text('{"id": "r", "text": "甲。"}\n', encoding="utf-8")
    (tmp_path / "r2.jsonl").write_text('{"id": "r", "text": "乙。"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="doc_id 'r'"):  # records that name one id: refused, never merged
        ingest.load(tmp_path)
