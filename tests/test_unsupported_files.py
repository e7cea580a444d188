"""A folder of an office's files: the types no reader reads yet are each named with what to do, never left out silently."""

from __future__ import annotations

from pathlib import Path

from ingest import load_notices
from ingest.bounded import load_bounded
from tests.conftest import NOTICE_A


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "office"
    (folder / "附件").mkdir(parents=True)
    (folder / "a.txt").write_text(NOTICE_A, encoding="utf-8")
    (folder / "附件" / "电子公文.ofd").write_bytes(b"PK\x03\x04 not read")
    (folder / "附件" / "通知.doc").write_bytes(b"\xd0\xcf\x11\xe0 not read")
    (folder / "扫描件.jpg").write_bytes(b"\xff\xd8\xff not read")
    (folder / ".hidden.doc").write_bytes(b"hidden")  # hidden files are not the office's files
    return folder


def test_every_file_of_an_unread_type_is_named_with_what_to_do(tmp_path: Path) -> None:
    warnings: list[str] = []
    notices = load_notices(_folder(tmp_path), warnings)
    assert [n.doc_id for n in notices] == ["a"]
    assert len(warnings) == 3 and not any(".hidden" in w for w in warnings)
    assert any("电子公文.ofd: unsupported file type .ofd (an OFD document: export it as PDF)" in w for w in warnings)
    assert any("通知.doc: not a Word 97 document" in w for w in warnings)  # read, and refused as what it is
    assert any("扫描件.jpg" in w and "no OCR" in w for w in warnings)


def test_the_bounded_reader_names_them_too(tmp_path: Path) -> None:
    warnings: list[str] = []
    notices = load_bounded(_folder(tmp_path), warnings)
    assert [n.doc_id for n in notices] == ["a"] and len(warnings) == 3
