"""Uploads read in a child process: a file under every declared limit but heavy to parse is refused, the server unharmed."""

from __future__ import annotations

import random
import resource
import threading
import time
import zipfile
from pathlib import Path

import pytest

from ingest import bounds, load_notices
from ingest.isolated import read_isolated
from web.library import Library, UploadError

NOTICES = Path(__file__).resolve().parent.parent / "data" / "notices"
#: A child that may not have more address space than this reads nothing heavy (the readers need ≈ 30 MiB);
#: the element count that would refuse the heavy file first is lifted, to reach the memory limit.
SMALL = bounds.Limits(max_parse_memory=160 * bounds.MIB, max_xml_elements=10**9)


def _heavy_docx(path: Path, mib: float) -> Path:
    """A real .docx (python-docx's own parts) whose body is one-character paragraphs: the XML packs ≈ 25×,
    far under every declared limit, yet its tree takes ≈ 8× the XML's size in memory."""
    from docx import Document

    Document().save(path.with_suffix(".base.docx"))
    rng = random.Random(7)
    letters = "关于加快推进政务服务标准化规范化便利化工作的通知"
    body = "".join(f"<w:p><w:r><w:t>{rng.choice(letters)}</w:t></w:r></w:p>" for _ in range(int(mib * 30_000)))
    namespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    with zipfile.ZipFile(path.with_suffix(".base.docx")) as base, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in base.infolist():
            if item.filename != "word/document.xml":
                out.writestr(item, base.read(item))
        out.writestr("word/document.xml", f'<w:document xmlns:w="{namespace}"><w:body>{body}</w:body></w:document>')
    return path


def test_a_child_reads_what_the_process_itself_reads() -> None:
    notices, problems = read_isolated(NOTICES)
    assert problems == []
    assert [n.to_dict() for n in notices] == [n.to_dict() for n in load_notices(NOTICES)]


def test_a_file_whose_parse_needs_more_memory_than_the_limit_is_refused_naming_it(tmp_path: Path) -> None:
    heavy = _heavy_docx(tmp_path / "heavy.docx", 30)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(bounds.LimitError, match=r"heavy.docx: reading needs more than 160 MiB of memory"):
        read_isolated(heavy, SMALL)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # KiB: the tree never came here


def test_a_file_that_reads_too_long_is_stopped_at_the_time_limit(tmp_path: Path) -> None:
    heavy = _heavy_docx(tmp_path / "slow.docx", 30)
    started = time.perf_counter()
    with pytest.raises(bounds.LimitError, match=r"slow.docx: reading took more than 0.5 s \(the time limit\)"):
        read_isolated(heavy, bounds.Limits(max_parse_seconds=0.5, max_xml_elements=10**9))
    assert time.perf_counter() - started < 5


def test_declared_limits_hold_in_the_child_too(tmp_path: Path) -> None:
    problems = read_isolated(NOTICES, bounds.Limits(max_chunks=10))[1]
    assert problems and all("the limit is 10" in p for p in problems)
    with pytest.raises(FileNotFoundError):
        read_isolated(tmp_path / "absent.docx")


def test_a_heavy_upload_is_refused_in_chinese_while_the_library_keeps_answering(
    library: Library, tmp_path: Path
) -> None:
    heavy = _heavy_docx(tmp_path / "重型.docx", 30)
    before = library.notices()
    answers: list[int] = []

    def ask() -> None:
        answers.append(len(library.answer("哪些部门负责12345热线").hits))

    with bounds.using(SMALL):
        asking = threading.Thread(target=ask)
        asking.start()
        with pytest.raises(UploadError, match="重型.docx: 无法读取（读取所需内存超过上限"):
            library.upload(heavy)
        asking.join()
    assert answers and answers[0] > 0
    assert library.notices() == before
    assert not [p for p in library.uploads.iterdir() if p.name != ".gitkeep"]
