"""The notice library: a changed file replaces its old version only when asked, and nothing is lost on the way."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import Searcher
from tests.conftest import NOTICE_B
from tests.fakes import KeywordEmbedder
from web.library import Library, UploadError

PARKING = NOTICE_B.replace("某区经开区深化审批改革工作方案", "某县停车治理工作方案")
CHANGED = PARKING.replace("周末不打烊", "周末不打烊，推行错时停车泊位共享")


def _file(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _stored(library: Library) -> list[str]:
    return sorted(p.name for p in library.uploads.glob("*"))


def test_a_changed_file_with_the_same_name_is_held_until_the_replacement_is_confirmed(
    library: Library, tmp_path: Path
) -> None:
    first = library.upload(_file(tmp_path / "v1", "停车方案.txt", PARKING))
    assert first.status == "已添加" and first.doc_id and first.doc_id.startswith("停车方案_")
    notices, stored = library.notices(), _stored(library)

    changed = _file(tmp_path / "v2", "停车方案.txt", CHANGED)
    held = library.upload(changed)
    assert held.pending and held.doc_id is None and held.replaces == (first.doc_id,)
    assert "《某县停车治理工作方案》" in held.status and "替换" in held.status
    assert library.notices() == notices and _stored(library) == stored  # nothing stored or changed yet

    done = library.upload(changed, replace=True)
    assert not done.pending and done.replaces == (first.doc_id,) and done.status == "已替换《某县停车治理工作方案》"
    held_ids = [row[0] for row in library.notices()]
    assert done.doc_id in held_ids and first.doc_id not in held_ids
    assert _stored(library) == [f"{done.doc_id}.txt"]  # the old stored upload went with it
    assert library.answer("错时停车泊位共享", k=1, mode="bm25").hits[0].doc_id == done.doc_id
    # the change is on disk: the index opened again holds the new version only
    reopened = Searcher.open(library.searcher.store.path, embedder=KeywordEmbedder())
    assert [n.doc_id for n in reopened.notices()] == held_ids


def test_a_file_named_after_a_built_notice_replaces_it_and_same_content_is_not_added_twice(
    library: Library, tmp_path: Path
) -> None:
    held = library.upload(_file(tmp_path / "new", "b.txt", CHANGED))  # the corpus's b.txt, changed
    assert held.pending and held.replaces == ("b",)
    done = library.upload(tmp_path / "new" / "b.txt", replace=True)
    assert [row[0] for row in library.notices()] == ["a", done.doc_id]
    again = library.upload(_file(tmp_path / "copy", "另一个名字.txt", CHANGED))
    assert (again.doc_id, again.chunks, again.pending) == (done.doc_id, 0, False) and "已在库中" in again.status
    assert [row[0] for row in library.notices()] == ["a", done.doc_id]


def test_a_replacement_that_cannot_be_read_keeps_the_old_notice(library: Library, tmp_path: Path) -> None:
    broken = _file(tmp_path / "bad", "b.txt", "")
    broken.write_bytes(b"\x00\x01\x02" * 100)
    for replace in (False, True):  # refused at once, not first held for a confirmation
        with pytest.raises(UploadError, match="b.txt"):
            library.upload(broken, replace=replace)
    assert [row[0] for row in library.notices()] == ["a", "b"] and _stored(library) == []
    with pytest.raises(UploadError, match="不存在"):
        library.upload(tmp_path / "gone.txt", replace=True)


def test_a_full_disk_during_an_upload_or_a_delete_is_said_in_words_and_changes_nothing(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import os

    import numpy as np

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    notices, stored = library.notices(), _stored(library)
    monkeypatch.setattr(np, "save", full)
    with pytest.raises(UploadError, match=r"停车方案\.txt: 未能保存（磁盘已满）；库未改变"):
        library.upload(_file(tmp_path / "v1", "停车方案.txt", PARKING))
    with pytest.raises(UploadError, match=r"未能删除（磁盘已满）；库未改变"):
        library.delete(notices[0][0], library.ask_delete(notices[0][0])[0])
    monkeypatch.undo()
    assert library.notices() == notices and _stored(library) == stored
