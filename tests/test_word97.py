"""Word 97 (.doc) and WPS (.wps) documents, read through LibreOffice: the real files of ../shared/corpus/formats.

LibreOffice is installed by the README's test command (``libreoffice-writer-nogui``), so these
tests run in CI; they need ≈ 1.3 s a conversion.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

import ingest
from eval.duty_tables import write_table
from ingest import bounds
from ingest.formats import word97
from ingest.formats.quality import strange_share
from ingest.readers import ReadError, read_file
from tests.conftest import ROOT
from tests.test_task_tables import ROWS, _table

FORMATS = ROOT.parent / "shared" / "corpus" / "formats"
WORD = sorted([*FORMATS.glob("doc/*.doc"), *FORMATS.glob("wps/*.wps")])
TWIN = FORMATS / "doc" / "cbirc_jiangsu_yidi_daikuan_fengxian_2005.doc"
needs_formats = pytest.mark.skipif(not TWIN.exists(), reason="../shared/corpus/formats is not here")


def _bigrams(text: str) -> Counter[str]:
    """Chinese character bigrams of a text (whitespace and everything else between them ignored)."""
    han = "".join(re.findall(r"[\u4e00-\u9fff]", text))
    return Counter(han[i : i + 2] for i in range(len(han) - 1))


def _plain_text_export(path: Path, folder: Path) -> str:
    """LibreOffice's own plain-text export of the file (another filter than the .docx one the reader uses)."""
    command = word97.soffice()
    assert command, "LibreOffice is installed by the README's test command"
    profile = f"-env:UserInstallation={(folder / 'profile').as_uri()}"
    subprocess.run(
        [command, "--headless", profile, "--convert-to", "txt:Text (encoded):UTF8", "--outdir", str(folder), str(path)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return (folder / f"{path.stem}.txt").read_text(encoding="utf-8-sig")


@needs_formats
@pytest.mark.parametrize("path", WORD, ids=[p.name for p in WORD])
def test_every_word_and_wps_file_is_read_whole_and_clean(path: Path, tmp_path: Path) -> None:
    text = read_file(path)[0].text
    reference = _bigrams(_plain_text_export(path, tmp_path))
    kept = sum((_bigrams(text) & reference).values()) / max(1, sum(reference.values()))
    assert kept >= 0.95, f"{path.name}: {kept:.3f} of the bigrams kept"
    assert strange_share(text) <= 0.02


@needs_formats
def test_a_wps_saved_doc_gives_the_chunks_of_its_docx_twin() -> None:
    assert b"W\x00p\x00s\x00C\x00u\x00s\x00t\x00o\x00m\x00" in TWIN.read_bytes()  # saved by WPS Office
    doc, twin = ingest.load_notices([TWIN, TWIN.with_name(TWIN.stem + ".twin.docx")])
    view = [[(c.section, c.label, c.text, c.lead, c.support, c.due) for c in n.chunks] for n in (doc, twin)]
    assert view[0] == view[1] and len(view[0]) >= 5
    assert doc.doc_number == twin.doc_number == "苏银监办〔2005〕235号"


@needs_formats
def test_tables_of_a_real_doc_are_rows_of_cells() -> None:
    lines = read_file(FORMATS / "doc" / "cbirc_shanghai_piaoju_jidu_baogao_muban_table.doc")[0].text.splitlines()
    assert " | 期末余额 | 比上期 | 比年初 | 比去年同期" in lines and "资产总额 |  |  |  | " in lines


def test_a_task_table_saved_as_doc_gives_the_rows_of_the_docx(tmp_path: Path) -> None:
    header = ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"]
    docx_path = write_table(_table("docx", header, ROWS, merge_down=[2]), tmp_path)
    html_path = write_table(_table("html", header, ROWS, merge_down=[2]), tmp_path)  # LibreOffice writes its
    out = tmp_path / "doc"  # tables to .doc whole from HTML (from python-docx's grid-less tables it does not)
    profile = f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}"
    subprocess.run(
        [str(word97.soffice()), "--headless", profile, "--infilter=HTML (StarWriter)", "--convert-to",
         "doc:MS Word 97", "--outdir", str(out), str(html_path)], check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    as_doc, as_docx = (ingest.load_notices(p)[0] for p in (out / f"{html_path.stem}.doc", docx_path))
    rows = [[(c.label, c.lead, c.support, c.deadline, c.due) for c in n.chunks if c.kind == "item"]
            for n in (as_doc, as_docx)]  # fmt: skip
    assert rows[0] == rows[1] and len(rows[0]) == 3


def test_a_file_that_is_no_document_or_is_damaged_is_refused_naming_it(tmp_path: Path) -> None:
    renamed = tmp_path / "通知.doc"
    renamed.write_bytes(b"PK\x03\x04 a zip, not a Word 97 file")
    with pytest.raises(ReadError, match=r"通知\.doc: not a Word 97 document"):
        read_file(renamed)
    damaged = tmp_path / "损坏.wps"
    damaged.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 40)
    with pytest.raises(ReadError, match=r"损坏\.wps: not a readable \.wps"):
        read_file(damaged)


def test_without_libreoffice_the_refusal_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(word97, "soffice", lambda: None)
    path = tmp_path / "附件1.doc"
    path.write_bytes(b"{\\rtf1 test}")
    with pytest.raises(ReadError, match="LibreOffice, which is not installed .apt-get install libreoffice-writer"):
        read_file(path)


def test_the_conversion_stops_at_the_time_limit(tmp_path: Path) -> None:
    path = tmp_path / "慢.doc"
    path.write_bytes(b"{\\rtf1 test}")
    quick = bounds.Limits(max_parse_seconds=0.05)
    with bounds.using(quick), pytest.raises(ReadError, match="more than 0.05 s"):
        read_file(path)
    assert not list(Path("/tmp").glob("policy-qa-word97-*/in.doc"))  # the scratch folder is gone
