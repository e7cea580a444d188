"""A corruption sweep: every index file truncated, zeroed, flipped or deleted is refused by name, never answers wrongly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index import Searcher
from index.errors import IndexMismatchError, IndexNotFoundError
from tests.fakes import KeywordEmbedder

QUESTIONS = ["12345热线", "企业开办时限", "审批人员培训", "周末不打烊"]


def _damage(path: Path, how: str) -> None:
    data = bytearray(path.read_bytes())
    if how == "truncate":
        path.write_bytes(bytes(data[: len(data) // 2]))
    elif how == "zero":
        path.write_bytes(bytes(len(data)))
    elif how == "flip":
        for at in range(len(data) // 3, min(len(data), len(data) // 3 + 4)):
            data[at] ^= 0xFF
        path.write_bytes(bytes(data))
    else:
        path.unlink()


def _answers(searcher: Searcher) -> list[list[str]]:
    return [[h.id for h in searcher.search(q, k=5)] for q in QUESTIONS]


@pytest.mark.parametrize("how", ["truncate", "zero", "flip", "delete"])
def test_every_damaged_index_file_is_refused_by_name(built: Searcher, tmp_path: Path, how: str) -> None:
    extra = tmp_path / "more.txt"  # an index with changes since its base: added chunks, vectors and postings
    extra.write_text("某县停车治理方案\n一、任务\n1.推行错时停车。（县交通局牵头）", encoding="utf-8")
    built = built.add([extra])
    path = built.store.path
    expected = _answers(built)
    files = sorted(p.relative_to(path) for p in path.rglob("*") if p.is_file())
    assert len(files) >= 10
    outcomes = {}
    for name in files:
        copy = tmp_path / f"copy-{how}-{name.as_posix().replace('/', '_')}"
        shutil.copytree(path, copy)
        _damage(copy / name, how)
        try:
            answers = _answers(Searcher.open(copy, embedder=KeywordEmbedder()))
        except IndexNotFoundError:
            outcomes[name] = "refused: no index"
            assert name.as_posix() == "manifest.json" and how == "delete"
            continue
        except IndexMismatchError as exc:
            outcomes[name] = f"refused: {exc}"
            continue
        unchanged = (copy / name).exists() and (path / name).read_bytes() == (copy / name).read_bytes()
        assert answers == expected and (unchanged or (path / name).stat().st_size == 0), (name, how)
        outcomes[name] = "same answers (the damage changed nothing)"
    refused = {name: o for name, o in outcomes.items() if o.startswith("refused: ") and "no index" not in o}
    for name, message in refused.items():  # the file named, and what to do
        assert name.name in message and "python -m index build" in message, message
    assert sum(o.startswith("refused") for o in outcomes.values()) >= len(files) - 2, outcomes
