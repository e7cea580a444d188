"""A corruption sweep: every index file truncated, zeroed, flipped or deleted is refused by name, never answers wrongly."""

from __future__ import annotations

from pathlib import Path

import pytest

import app
from eval.harness.corrupt import damage, summary, sweep
from index import Searcher
from index.__main__ import main
from index.errors import IndexMismatchError
from index.writing import repair
from tests.fakes import KeywordEmbedder
from web.library import Library

QUESTIONS = ["12345热线", "企业开办时限", "审批人员培训", "周末不打烊"]


def _answers(searcher: Searcher) -> list[list[str]]:
    return [[h.id for h in searcher.search(q, k=5)] for q in QUESTIONS]


def test_every_damaged_index_file_is_refused_by_name_never_answered_from(built: Searcher, tmp_path: Path) -> None:
    extra = tmp_path / "more.txt"  # an index with changes since its base: added chunks, vectors and postings
    extra.write_text("某县停车治理方案\n一、任务\n1.推行错时停车。（县交通局牵头）", encoding="utf-8")
    built = built.add([extra])
    path = built.store.path
    removed = built.remove(["b"])  # and deletions: tombstones, dead rows
    assert len(removed.notices()) == 2

    cases = sweep(path, lambda p: Searcher.open(p, embedder=KeywordEmbedder()), QUESTIONS, tmp_path)

    assert len({c.file for c in cases}) >= 14 and len(cases) == 4 * len({c.file for c in cases})
    assert summary(cases) == {"refused": len(cases), "refused-vague": 0, "same": 0, "different": 0, "crash": 0}, [
        c for c in cases if c.outcome != "refused"
    ]
    assert all("python -m index repair --index" in c.detail for c in cases)  # a deleted manifest too


def _upload(library: Library, tmp_path: Path, name: str, text: str) -> str:
    sent = tmp_path / "sent" / name
    sent.parent.mkdir(exist_ok=True)
    sent.write_text(text, encoding="utf-8")
    doc_id = library.upload(sent).doc_id
    assert doc_id
    return doc_id


def _library_state(searcher: Searcher) -> tuple[list[tuple[str, str, str]], list[list[str]]]:
    return [(n.doc_id, n.title, n.sha256) for n in searcher.notices()], _answers(searcher)


def test_repair_rebuilds_a_damaged_app_index_with_its_uploads_as_they_were(
    library: Library, corpus: Path, tmp_path: Path
) -> None:
    _upload(library, tmp_path, "停车 方案.txt", "一、任务\n1.推行错时停车。（县交通局牵头）\n2.审批人员培训。（县人社局牵头）")
    _upload(library, tmp_path, "热线.txt", "某县12345热线工作要点\n1.整合12345热线。（县政务服务中心牵头）")
    gone = _upload(library, tmp_path, "删去.txt", "1.开展试点。（县数据局牵头）")
    library.delete(gone, library.ask_delete(gone)[0])
    path = library.searcher.store.path
    before = _library_state(library.searcher)
    assert ("停车_方案_" in before[0][2][0]) and before[0][2][1] == "停车_方案"  # titled by its original name
    damage(path / "base" / "dense.faiss", "flip")
    with pytest.raises(IndexMismatchError, match=r"dense.faiss .*python -m index repair --index"):
        Searcher.open(path, embedder=KeywordEmbedder())

    repaired, problems = repair(path, [corpus], library.uploads, embedder=KeywordEmbedder())

    assert problems == []
    assert _library_state(repaired) == before
    assert _library_state(Searcher.open(path, embedder=KeywordEmbedder())) == before


def test_repair_leaves_out_an_upload_whose_content_changed_and_says_so(
    library: Library, corpus: Path, tmp_path: Path
) -> None:
    doc_id = _upload(library, tmp_path, "热线.txt", "某县12345热线工作要点\n1.整合12345热线。（县政务服务中心牵头）")
    stored = library.uploads / f"{doc_id}.txt"
    stored.write_text("1.被改过的内容。（县数据局牵头）", encoding="utf-8")
    (library.uploads / "stray.txt").write_text("1.不是上传的文件。", encoding="utf-8")

    repaired, problems = repair(library.searcher.store.path, [corpus], library.uploads, embedder=KeywordEmbedder())

    assert doc_id not in {n.doc_id for n in repaired.notices()}
    assert len(problems) == 2
    assert any(f"{doc_id}.txt: its content changed since it was stored" in p for p in problems)
    assert any("stray.txt: not a stored upload" in p for p in problems)


@pytest.mark.model
def test_the_repair_command_rebuilds_with_the_bundled_model_and_the_app_advises_it(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    index_dir, data = tmp_path / "index", tmp_path / "data"
    (data / "uploads").mkdir(parents=True)
    (data / "uploads" / "bad_00000000.txt").write_text("1.内容。", encoding="utf-8")  # its hash is not 00000000
    code = main(["repair", str(corpus), "--index", str(index_dir), "--data", str(data)])
    out, err = capsys.readouterr()
    assert code == 1 and "notices from" in out and "0 uploads" in out
    assert "left out" in err and "bad_00000000.txt: its content changed" in err
    assert Searcher.open(index_dir).answer("企业开办时限").hits
    damage(index_dir / "base" / "dense.faiss", "flip")
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))  # main() only sets what is unset
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    assert app.main(["--index", str(index_dir), "--data-dir", str(data)]) == 2
    err = capsys.readouterr().err
    assert "dense.faiss does not match its recorded checksum" in err
    assert f"python -m index repair --index {index_dir} --data {data}" in err
