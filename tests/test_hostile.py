"""Hostile input with a fake embedder: odd questions, bad files, faults, threads, exposure.

Every refusal must be a clear error naming the problem, and nothing already stored may change.
The real app (HTTP API, browser, auth, concurrency over loopback) is in test_app_hostile.py.
"""

from __future__ import annotations

import errno
import io
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import docx
import numpy as np
import pytest

from index import IndexMismatchError, Searcher
from index.layout import recover
from index.library import Library, UploadError
from index.limits import MAX_QUERY_CHARS, MAX_UPLOAD_BYTES
from tests.conftest import NOTICE_A, NOTICE_B, ROOT
from tests.fakes import KeywordEmbedder
from tests.pdfmaker import make_pdf

HOTLINE = "12345热线由哪个部门负责"


@pytest.fixture
def built(corpus: Path, tmp_path: Path) -> Searcher:
    return Searcher.build(corpus, tmp_path / "index", embedder=KeywordEmbedder(), cache_dir=tmp_path / "cache")


@pytest.fixture
def library(built: Searcher, tmp_path: Path) -> Library:
    return Library(built, tmp_path / "data")


def _ids(searcher: Searcher) -> list[str]:
    return [c.id for c in searcher.store.all_chunks()]


def _files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


# --- questions ------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "   \t\n ", "\u200b\u200d\ufeff", "\x00\x07\x1b", "😀🎉👍", "？？！……"])
def test_questions_without_words_are_refused_clearly(backend: Searcher, query: str) -> None:
    with pytest.raises(ValueError, match=r"query 1 is empty"):
        backend.search(query)


def test_overlong_questions_are_refused_and_a_pasted_paragraph_is_answered(backend: Searcher) -> None:
    with pytest.raises(ValueError, match=rf"10,000 characters long; ask in at most {MAX_QUERY_CHARS:,}"):
        backend.search("热" * 10_000)
    paragraph = (HOTLINE + "，") * (MAX_QUERY_CHARS // (len(HOTLINE) + 1))
    assert len(paragraph) <= MAX_QUERY_CHARS
    assert backend.search(paragraph, k=1)[0].id == "a#一/1"


@pytest.mark.parametrize(
    "noisy",
    [
        "12345\u200b热线由哪个\u200d部门负责",  # zero-width characters from a web page
        "\ufeff12345热线由哪个部门负责\x07",  # BOM and a control character
        "12345热线由哪个部门负责？🙏🙏",  # emoji
        "12345\u202e热线由哪个部门负责",  # a bidi override
        "１２３４５熱線由哪個部門負責",  # full-width digits, traditional characters
        "12345热线 hotline 由哪个部门负责 (which department)",  # mixed scripts
    ],
)
def test_invisible_characters_emoji_and_mixed_scripts_do_not_change_the_answer(backend: Searcher, noisy: str) -> None:
    assert backend.search(noisy, k=1)[0].id == backend.search(HOTLINE, k=1)[0].id == "a#一/1"


@pytest.mark.parametrize(
    "markup", ["<script>alert(1)</script>热线", '<img src=x onerror="alert(1)">热线', "javascript:alert(1) 热线"]
)
def test_markup_in_questions_is_just_text(backend: Searcher, markup: str) -> None:
    answer = backend.answer(markup)
    assert answer.query == markup
    assert all("<script" not in h.text for h in answer.hits)  # clauses come from the corpus only


@pytest.mark.parametrize(("k", "message"), [(0, "at least one"), (-5, "at least one"), ("5", "at least one")])
def test_bad_k_is_refused(backend: Searcher, k: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        backend.search(HOTLINE, k=k)  # type: ignore[arg-type]


def test_huge_k_returns_what_there_is(backend: Searcher) -> None:
    hits = backend.search(HOTLINE, k=10**9)
    assert 0 < len(hits) <= len(backend) and len({h.id for h in hits}) == len(hits)


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"colour": "red"}, r"unknown filter \['colour'\]"),
        ({"doc_id": "nope"}, r"doc_id \['nope'\] is not in the index"),
        ({"lead": "市气象局"}, r"lead \['市气象局'\]: no item in the index is led by it"),
        ({"issuer": "火星政府"}, r"issuer \['火星政府'\] matches no notice"),
        ({"year": "24"}, "four digits"),
        ({"date_from": "yesterday"}, "not an ISO date"),
        ({"lead": 7}, "must be a string or a list of strings"),
    ],
)
def test_unknown_filters_are_named(backend: Searcher, filters: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        backend.search(HOTLINE, filters=filters)


def test_a_batch_names_the_bad_question(backend: Searcher) -> None:
    with pytest.raises(ValueError, match="query 2 is empty"):
        backend.search_batch([HOTLINE, " "])
    with pytest.raises(TypeError, match="query 2 is a NoneType"):
        backend.search_batch([HOTLINE, None])  # type: ignore[list-item]


# --- files ----------------------------------------------------------------------------


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
    before, saved = _ids(library.searcher), Searcher.load(library.searcher.store.path, embedder=KeywordEmbedder())
    with pytest.raises(UploadError, match=reason) as refused:
        library.upload(path)
    assert str(refused.value).startswith(name) and str(path.parent) not in str(refused.value)
    assert _ids(library.searcher) == before == _ids(Searcher.load(saved.store.path, embedder=KeywordEmbedder()))
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
    texts = "".join(c.text for c in library.searcher.store.all_chunks() if c.doc_id == result.doc_id)
    assert "企业开办时限压缩至1个工作日" in texts and "政务大厅周末不打烊" in texts and "\ufffd" not in texts


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
    stored = _files_under(tmp_path / "data")
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


# --- faults ---------------------------------------------------------------------------


def test_a_swap_killed_between_its_renames_is_undone_on_load(built: Searcher, tmp_path: Path) -> None:
    path = built.store.path
    assert path is not None
    aside = path.parent / f".{path.name}.old-123-456"
    os.replace(path, aside)  # the state a SIGKILL between the two renames leaves
    assert recover(path) and not aside.exists()
    assert _ids(Searcher.load(path, embedder=KeywordEmbedder())) == _ids(built)


def test_disk_full_during_a_save_keeps_the_previous_index(built: Searcher, tmp_path: Path, monkeypatch) -> None:
    path = built.store.path

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(np, "save", full)
    with pytest.raises(OSError, match="No space left"):
        built.store.save(path)  # type: ignore[arg-type]
    monkeypatch.undo()
    assert _ids(Searcher.load(path, embedder=KeywordEmbedder())) == _ids(built)
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == []  # type: ignore[union-attr]


def test_cli_reports_a_full_disk_plainly(monkeypatch, capsys, tmp_path: Path) -> None:
    from index import __main__ as cli

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "index" / "dense.faiss"))

    monkeypatch.setattr(Searcher, "build", full)
    monkeypatch.setattr(cli, "SentenceTransformerEmbedder", lambda *a, **k: None, raising=False)
    code = cli.main(["build", str(ROOT / "data" / "notices"), "--out", str(tmp_path / "index")])
    err = capsys.readouterr().err
    assert code == 1 and "No space left on device" in err and "previous index (if any) is unchanged" in err
    assert "Traceback" not in err


def test_a_damaged_index_names_the_problem_and_the_rebuild_command(built: Searcher) -> None:
    path = built.store.path
    assert path is not None
    (path / "owners.npy").write_bytes(b"garbage")
    with pytest.raises((IndexMismatchError, ValueError)):
        Searcher.load(path, embedder=KeywordEmbedder())
    (path / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexMismatchError, match=r"damaged .*rebuild with: python -m index build"):
        Searcher.load(path, embedder=KeywordEmbedder())


CHILD = """
import os, resource, signal, sys
sys.path.insert(0, {root!r})
from index import Searcher
from tests.fakes import KeywordEmbedder
limit = int(os.environ.get("FSIZE_LIMIT", "0"))
if limit:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
print("building", flush=True)
Searcher.build(sys.argv[1:-1], sys.argv[-1], embedder=KeywordEmbedder(), cache_dir={cache!r})
print("built", flush=True)
"""


def _child(tmp_path: Path) -> Path:
    script = tmp_path / "child.py"
    script.write_text(CHILD.format(root=str(ROOT), cache=str(tmp_path / "cache")), encoding="utf-8")
    return script


def test_builds_killed_with_sigkill_at_any_moment_leave_a_loadable_index(corpus: Path, tmp_path: Path) -> None:
    """Rebuild over an existing index and SIGKILL the process at spread-out moments.

    Each time, the index directory must load and hold exactly the old or the new corpus.
    """
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "c.txt").write_text(NOTICE_A.replace("某市", "另一市"), encoding="utf-8")
    script, index = _child(tmp_path), tmp_path / "killed-index"
    subprocess.run([sys.executable, str(script), str(corpus), str(index)], check=True, capture_output=True)
    old = _ids(Searcher.load(index, embedder=KeywordEmbedder()))
    started = time.perf_counter()
    subprocess.run([sys.executable, str(script), str(corpus), str(extra), str(tmp_path / "timing")], check=True)
    full_run = time.perf_counter() - started
    new = _ids(Searcher.load(tmp_path / "timing", embedder=KeywordEmbedder()))
    assert new != old
    outcomes = set()
    for attempt in range(12):
        proc = subprocess.Popen(
            [sys.executable, str(script), str(corpus), str(extra), str(index)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        delay = full_run * (0.3 + 0.75 * attempt / 11)  # from start-up to just after the swap
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        loaded = _ids(Searcher.load(index, embedder=KeywordEmbedder()))
        assert loaded in (old, new), f"attempt {attempt}: a mixed index after SIGKILL at {delay:.2f} s"
        outcomes.add("new" if loaded == new else "old")
        if loaded == new:  # put the old index back, so the next kill interrupts a real swap
            subprocess.run([sys.executable, str(script), str(corpus), str(index)], check=True, capture_output=True)
    assert "old" in outcomes  # some kills did land mid-build


def test_a_write_failing_mid_build_keeps_the_previous_index(corpus: Path, tmp_path: Path) -> None:
    """A real write error (the file-size limit, as a full disk would) in a child building over an index."""
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "c.txt").write_text(NOTICE_A.replace("某市", "另一市"), encoding="utf-8")
    script, index = _child(tmp_path), tmp_path / "index-full"
    subprocess.run([sys.executable, str(script), str(corpus), str(index)], check=True, capture_output=True)
    subprocess.run(  # fill the embedding cache, so the limited run only writes the index
        [sys.executable, str(script), str(corpus), str(extra), str(tmp_path / "warm")], check=True, capture_output=True
    )
    old = _ids(Searcher.load(index, embedder=KeywordEmbedder()))
    failed = subprocess.run(
        [sys.executable, str(script), str(corpus), str(extra), str(index)],
        capture_output=True,
        text=True,
        env={**os.environ, "FSIZE_LIMIT": "2048"},
    )
    # SQLite (the embedding cache) or the index files hit the limit first, depending on page sizes
    assert failed.returncode != 0 and re.search(
        r"File too large|disk I/O error|database or disk is full", failed.stderr
    )
    assert _ids(Searcher.load(index, embedder=KeywordEmbedder())) == old
    assert not [p for p in index.parent.iterdir() if p.name.startswith(".index-full")]


# --- threads --------------------------------------------------------------------------


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
    assert len({c.doc_id for c in library.searcher.store.all_chunks()}) == 4


def test_no_code_path_unpickles_or_evaluates_data() -> None:
    """The project's own code never unpickles or evaluates: a guard against a careless change."""
    risky = re.compile(
        r"\bpickle\b|\bmarshal\b|(?<![\w.])eval\(|(?<![\w.])exec\(|allow_pickle=True|torch\.load\(|yaml\.load\("
    )
    sources = [
        ROOT / "app.py",
        *(ROOT / "index").rglob("*.py"),
        *(ROOT / "ingest").rglob("*.py"),
        *(ROOT / "eval").rglob("*.py"),
    ]
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sources
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if risky.search(line) and "no pickle" not in line.lower()
    ]
    assert found == []


def test_deleting_names_an_unknown_notice_and_refuses_to_empty_the_library(library: Library) -> None:
    with pytest.raises(UploadError, match="库中没有这份通知"):
        library.delete("../../b")
    assert library.delete("b") == "某区经开区深化审批改革工作方案"
    assert [n.doc_id for n in library.searcher.notices()] == ["a"]
    assert [n.doc_id for n in Searcher.load(library.searcher.store.path, embedder=KeywordEmbedder()).notices()] == ["a"]
    with pytest.raises(UploadError, match="唯一的通知"):
        library.delete("a")
    assert [n.doc_id for n in library.searcher.notices()] == ["a"]


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_refused_file_is_told_in_chinese(library: Library, tmp_path: Path, name: str) -> None:
    path = tmp_path / "incoming" / name
    path.parent.mkdir()
    path.write_bytes(BAD_FILES[name][0])
    with pytest.raises(UploadError) as refused:
        library.upload(path)
    words = set(re.findall(r"[A-Za-z]{2,}", str(refused.value)[len(name) :]))
    # product names and file extensions only: no English reason, path or exception name
    assert words <= {"Word", "Excel", "PDF", "MB", "txt", "docx", "xlsx", "pdf", "html", "htm", "exe"}, words
