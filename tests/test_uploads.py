"""Uploads into the library under hostile input: bad files, huge files, odd names, duplicates, threads.

Every refusal must be a clear error naming the problem (in Chinese for staff), and nothing already
stored may change."""

from __future__ import annotations

import io
import random
import re
import threading
from pathlib import Path

import docx
import pytest

from index import Searcher
from ingest.bounds import MAX_UPLOAD_BYTES
from tests.conftest import NOTICE_A, NOTICE_B
from tests.fakes import KeywordEmbedder
from tests.pdfmaker import make_pdf
from web.library import Library, UploadError
from web.uploads import display_name

HOTLINE = "12345热线由哪个部门负责"


def _ids(searcher: Searcher) -> list[str]:
    return [c.id for c in searcher.all_chunks()]


def _files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _docx_bytes(lines: list[str]) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _junk(seed: int, low: int = 0, size: int = 4096) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(low, 256) for _ in range(size))


NOTICE_LINES = NOTICE_B.strip().splitlines()


BAD_FILES = {
    "zero.txt": (b"", "空文件"),
    "zero.pdf": (b"", "空文件"),
    "junk.txt": (_junk(1), "二进制数据"),
    "junk-no-nul.txt": (_junk(2, low=1), "二进制数据|不是可识别编码的文本"),
    "corrupt.docx": (
        b"PK\x03\x04" + bytes(random.Random(3).randrange(256) for _ in range(2000)),
        "Word（.docx）文件已损坏",
    ),
    "truncated.docx": (_docx_bytes(NOTICE_LINES)[:3000], "Word（.docx）文件已损坏"),
    "truncated.pdf": (make_pdf(NOTICE_LINES)[:400], "PDF 文件已损坏|PDF 没有文字层"),
    "setup.pdf": (
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200 + b"This program cannot be run in DOS mode",
        "不是 PDF 文件",
    ),
    "page.docx": (b"<html><body>not a docx</body></html>", "不是 Word（.docx）文件"),
    "page.xlsx": (b"<html><body>not a workbook</body></html>", "不是 Excel（.xlsx）文件"),
    "table.xls": (b"<html><body>a web page saved as .xls</body></html>", "不是 Excel 97 或 WPS 表格"),
    "broken.et": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "WPS 表格（.et）文件已损坏"),
    "renamed.doc": (b"PK\x03\x04 a zip archive", "不是 Word 97（.doc）文件"),
    "page.ofd": (b"<html><body>not an OFD</body></html>", "不是 OFD 文件"),
    "photo.jpg": (b"\xff\xd8\xff\xe0 a broken JPEG", "图片文件已损坏"),
    "broken.wps": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 40, "WPS 文字（.wps）文件已损坏"),
    "corrupt.xlsx": (
        b"PK\x03\x04" + bytes(random.Random(4).randrange(256) for _ in range(2000)),
        "Excel（.xlsx）文件已损坏",
    ),
    "document.xlsx": (_docx_bytes(NOTICE_LINES), "Excel（.xlsx）文件已损坏"),
    "tool.exe": (b"MZ\x90\x00", "不支持的文件类型"),
    "noext": (b"hello", "不支持的文件类型"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_are_refused_with_the_reason_and_change_nothing(library: Library, tmp_path: Path, name: str) -> None:
    data, reason = BAD_FILES[name]
    path = tmp_path / "incoming" / name
    path.parent.mkdir()
    path.write_bytes(data)
    before, saved = _ids(library.searcher), Searcher.open(library.searcher.store.path, embedder=KeywordEmbedder())
    with pytest.raises(UploadError, match=reason) as refused:
        library.upload(path)
    assert str(refused.value).startswith(name) and str(path.parent) not in str(refused.value)
    assert _ids(library.searcher) == before == _ids(Searcher.open(saved.store.path, embedder=KeywordEmbedder()))
    assert _files_under(library.data_dir) == []


def test_a_200_mb_file_is_refused_without_reading_it(library: Library, tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.seek(200 * 1024 * 1024 - 1)
        handle.write(b"\n")  # 200 MB on disk's books, generated now
    try:
        assert huge.stat().st_size == 200 * 1024 * 1024 > MAX_UPLOAD_BYTES
        with pytest.raises(UploadError, match=r"文件过大（200\.0 MB），上限 20 MB"):
            library.upload(huge)
    finally:
        huge.unlink()
    assert _files_under(library.data_dir) == []


def test_mixed_gbk_and_utf8_lines_are_both_read(library: Library, tmp_path: Path) -> None:
    lines = NOTICE_B.strip().splitlines()
    data = b"".join((line + "\n").encode("gbk" if number % 2 else "utf-8") for number, line in enumerate(lines))
    path = tmp_path / "mixed.txt"
    path.write_bytes(data)
    result = library.upload(path)
    texts = "".join(c.text for c in library.searcher.all_chunks() if c.doc_id == result.doc_id)
    assert "企业开办时限压缩至1个工作日" in texts and "政务大厅周末不打烊" in texts and "\ufffd" not in texts


def test_the_name_a_file_was_uploaded_under_is_kept_beside_its_safe_stored_name(
    library: Library, tmp_path: Path
) -> None:
    """Issue 44, item 7: the notice view showed the stored name ("2024_工作要点_定稿_1a2b3c4d.txt")."""
    path = tmp_path / "upload.txt"
    path.write_text(NOTICE_B, encoding="utf-8")
    result = library.upload(path, "2024 工作要点（定稿）.txt")
    assert result.doc_id and result.doc_id.startswith("2024_工作要点_定稿")
    assert library.upload_names.get(result.doc_id) == "2024 工作要点（定稿）.txt"
    assert Library(library.searcher, library.data_dir).upload_names.get(result.doc_id) == "2024 工作要点（定稿）.txt"


def test_the_same_content_under_another_name_is_reported_not_added(library: Library, tmp_path: Path) -> None:
    first, second = tmp_path / "方案.txt", tmp_path / "copy of 方案 (2).txt"
    first.write_text(NOTICE_B, encoding="utf-8")
    second.write_text(NOTICE_B, encoding="utf-8")
    added = library.upload(first)
    count = len(library.searcher)
    again = library.upload(second)
    assert again.status.startswith("已在库中") and again.doc_id == added.doc_id and again.chunks == 0
    assert len(library.searcher) == count
    assert len(list((library.data_dir / "uploads").iterdir())) == 1


@pytest.mark.parametrize(
    "sent_name",
    [
        "../../../etc/cron.d/evil.txt",
        "/etc/passwd.txt",
        "..\\..\\windows\\system32\\x.txt",
        "a\x00b.txt",
        "$(rm -rf ~); `reboot` | tee x & echo.txt",
        "<img src=x onerror=alert(1)>.txt",
        "...txt",
    ],
)
def test_hostile_file_names_are_stored_under_safe_names_inside_the_data_dir(
    library: Library, tmp_path: Path, sent_name: str
) -> None:
    path = tmp_path / "upload.bin"
    path.write_text(NOTICE_B, encoding="utf-8")
    result = library.upload(path, sent_name)
    names = tmp_path / "data" / "upload-names.jsonl"  # the name sent, kept as JSON data, never as a path
    assert result.doc_id and library.upload_names.get(result.doc_id) == display_name(sent_name)
    stored = [f for f in _files_under(tmp_path / "data") if f != names]
    assert len(stored) == 1
    (only,) = stored
    assert only.resolve().parent == (tmp_path / "data" / "uploads").resolve()
    assert re.fullmatch(r"[\w\u4e00-\u9fff-]+_[0-9a-f]{8}\.txt", only.name), only.name
    assert result.doc_id is not None and only.name.startswith(result.doc_id)
    assert not (tmp_path.parent / "etc").exists() and "\x00" not in result.name


def test_feedback_goes_only_to_the_configured_log(library: Library, tmp_path: Path) -> None:
    library.record_feedback("../../x <script>", ["a#一/1"], "down")
    assert _files_under(tmp_path / "data") == [tmp_path / "data" / "feedback.jsonl"]
    with pytest.raises(ValueError, match="vote"):
        library.record_feedback("q", [], "__import__('os')")
    with pytest.raises(ValueError, match="pick names the right chunk id"):
        library.record_feedback("q", ["a#一/1"], "pick")
    assert library.record_feedback("q", ["a#一/1"], "pick", right="a#一/1")["right"] == "a#一/1"


def test_twenty_threads_search_while_notices_are_uploaded(library: Library, tmp_path: Path) -> None:
    """20 threads × 50 questions through the library, with two uploads meanwhile.

    Every answer must equal the answer of one of the three index states (before, between
    and after the uploads): a search never sees half an update.
    """
    questions = [HOTLINE, "企业开办时限", "信用体系", "周末不打烊", "综合监管", "数据共享", "审批人员培训"]
    uploads = []
    for number, text in enumerate((NOTICE_B.replace("经开区", "高新区"), NOTICE_A.replace("某市", "第三市"))):
        path = tmp_path / f"upload-{number}.txt"
        path.write_text(text, encoding="utf-8")
        uploads.append(path)

    def results() -> dict[str, list[str]]:
        return {q: [h.id for h in library.answer(q, k=5).hits] for q in questions}

    states = [results()]
    errors: list[BaseException] = []
    seen: list[tuple[str, list[str]]] = []
    lock = threading.Lock()

    def ask(worker: int) -> None:
        try:
            for n in range(50):
                question = questions[(worker + n) % len(questions)]
                ids = [h.id for h in library.answer(question, k=5).hits]
                with lock:
                    seen.append((question, ids))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=ask, args=(w,)) for w in range(20)]
    for thread in threads:
        thread.start()
    for path in uploads:
        library.upload(path)
        states.append(results())
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(seen) == 20 * 50
    for question, ids in seen:
        assert any(ids == state[question] for state in states), (question, ids)
    assert len({c.doc_id for c in library.searcher.all_chunks()}) == 4


def test_deleting_names_an_unknown_notice_and_refuses_to_empty_the_library(library: Library) -> None:
    with pytest.raises(UploadError, match="库中没有这份通知"):
        library.ask_delete("../../b")
    assert library.delete("b", library.ask_delete("b")[0]) == "某区经开区深化审批改革工作方案"
    assert [n.doc_id for n in library.searcher.notices()] == ["a"]
    assert [n.doc_id for n in Searcher.open(library.searcher.store.path, embedder=KeywordEmbedder()).notices()] == ["a"]
    with pytest.raises(UploadError, match="唯一的通知"):
        library.delete("a", library.ask_delete("a")[0])
    assert [n.doc_id for n in library.searcher.notices()] == ["a"]


def test_a_deletion_needs_the_token_its_ask_issued_for_that_notice_once_and_in_time(library: Library) -> None:
    token_a, title_a = library.ask_delete("a")
    assert title_a and library.ask_delete("b")[1] == "某区经开区深化审批改革工作方案"
    for doc_id, token in [("b", ""), ("b", None), ("b", "forged-token"), ("b", token_a)]:
        with pytest.raises(UploadError, match="删除未经确认.*库未改变"):
            library.delete(doc_id, token)  # type: ignore[arg-type]  # a client may send anything
    with pytest.raises(UploadError, match="删除未经确认"):
        library.delete("a", token_a)  # spent by the attempt on another notice
    clock = [0.0]
    library.confirmations.clock = lambda: clock[0]
    late, _ = library.ask_delete("b")
    clock[0] += library.confirmations.seconds + 1
    with pytest.raises(UploadError, match="删除未经确认"):
        library.delete("b", late)
    assert [n.doc_id for n in library.searcher.notices()] == ["a", "b"]
    token, _ = library.ask_delete("b")
    assert library.delete("b", token) == "某区经开区深化审批改革工作方案"
    with pytest.raises(UploadError, match="删除未经确认"):
        library.delete("b", token)


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_refused_file_is_told_in_chinese(library: Library, tmp_path: Path, name: str) -> None:
    path = tmp_path / "incoming" / name
    path.parent.mkdir()
    path.write_bytes(BAD_FILES[name][0])
    with pytest.raises(UploadError) as refused:
        library.upload(path)
    words = set(re.findall(r"[A-Za-z]{2,}", str(refused.value)[len(name) :]))
    # product names and file extensions only: no English reason, path or exception name
    allowed = {"Word", "Excel", "WPS", "PDF", "OFD", "MB", "txt", "docx", "xlsx", "xls", "et", "pdf", "html", "htm"}
    allowed |= {"exe", "doc", "wps", "ofd", "png", "jpg", "jpeg", "tif", "tiff", "bmp"}
    assert words <= allowed, words
