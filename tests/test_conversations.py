"""Each browser's chat kept on the server: bounded, safe ids, and follow-ups read against the chat's own turns."""

from __future__ import annotations

from pathlib import Path

import gradio as gr
import pytest

from index import Searcher
from tests.fakes import KeywordEmbedder
from web import conversations as kept
from web.chat import Chat
from web.conversations import Conversations, new_id, valid_id
from web.library import Library


def _message(n: int) -> list[dict[str, str]]:
    return [{"role": "user", "content": f"问题{n}"}, {"role": "assistant", "content": f"回答{n}"}]


def test_a_conversation_comes_back_as_it_was_saved_and_only_under_a_safe_id(tmp_path: Path) -> None:
    store = Conversations(tmp_path / "c")
    cid = new_id()
    assert valid_id(cid) and not valid_id("../../etc/passwd") and not valid_id(None) and not valid_id(cid.upper())
    store.save(cid, _message(1), [{"message": 1, "question": "问题1", "chunk_ids": ["a"]}])
    assert store.load(cid) == (_message(1), [{"message": 1, "question": "问题1", "chunk_ids": ["a"]}])
    store.save("../../x", _message(1), [])  # ignored: never a path
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == [f"{cid}.json"]
    assert store.load("../../x") == ([], []) and store.load(new_id()) == ([], [])
    (tmp_path / "c" / f"{cid}.json").write_text("{not json", encoding="utf-8")
    assert store.load(cid) == ([], [])  # a damaged file starts the conversation afresh
    store.forget(cid)
    assert not (tmp_path / "c" / f"{cid}.json").exists()


def test_conversations_are_bounded_in_messages_bytes_and_count(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kept, "MAX_MESSAGES", 4)
    monkeypatch.setattr(kept, "MAX_CONVERSATIONS", 3)
    store = Conversations(tmp_path)
    cid = new_id()
    messages = [m for n in range(5) for m in _message(n)]
    records = [{"message": 2 * n + 1, "question": f"问题{n}", "chunk_ids": []} for n in range(5)]
    store.save(cid, messages, records)
    got_messages, got_records = store.load(cid)
    assert got_messages == messages[-4:]  # the newest two questions and answers
    assert [(r["message"], r["question"]) for r in got_records] == [(1, "问题3"), (3, "问题4")]  # renumbered
    monkeypatch.setattr(kept, "MAX_BYTES", 200)
    store.save(cid, messages, records)
    assert len(store.load(cid)[0]) == 2  # cut by size too
    for _ in range(4):
        store.save(new_id(), _message(0), [])
    assert len(list(tmp_path.glob("*.json"))) == 3  # the least recently saved go


def test_the_chat_reads_a_follow_up_against_its_own_turns_and_keeps_them(tmp_path: Path, corpus: Path) -> None:
    searcher = Searcher.build(corpus, tmp_path / "index", embedder=KeywordEmbedder(), cache_dir=tmp_path / "cache")
    chat = Chat(Library(searcher, tmp_path / "data"), export_dir=tmp_path / "exports", conversation_dir=tmp_path / "c")
    cid, messages, records = chat.restore("")
    assert valid_id(cid) and messages == records == gr.update()  # nothing kept: the chat is left as it is
    messages, records = [], []
    _, messages, records, *_ = chat.respond("12345热线是什么", messages, records, 3, "混合（默认）", [], "", "", "", cid)
    _, messages, records, *_ = chat.respond("它由哪个部门牵头？", messages, records, 3, "混合（默认）", [], "", "", "", cid)
    assert records[-1]["read_as"] == "12345热线由哪个部门牵头？"
    assert "按上文理解为：12345热线由哪个部门牵头？" in messages[-1]["content"] and "市数据局" in messages[-1]["content"]
    again = Chat(chat.library, export_dir=tmp_path / "exports", conversation_dir=tmp_path / "c")  # a reload
    assert again.restore(cid) == (cid, messages, records)
    assert chat.new_conversation()[1:3] == ([], [])
    assert chat.on_clear(cid) == ([], "") and again.restore(cid)[1:] == (gr.update(), gr.update())


def test_the_citation_export_is_named_for_the_question_and_the_minute(tmp_path: Path, library: Library) -> None:
    """Issue 44, item 13: the citations were 引用-<date>-<nanoseconds>.csv."""
    import re
    import time

    chat = Chat(library, export_dir=tmp_path / "exports", conversation_dir=tmp_path / "conversations")
    cid = new_id()
    first = chat.respond("12345热线是什么？", [], [], 3, "混合（默认）", [], "", "", "", cid)[3]
    again = chat.respond("12345热线是什么？", [], [], 3, "混合（默认）", [], "", "", "", cid)[3]
    assert re.fullmatch(r"引用-12345热线是什么-\d{8}-\d{4}\.csv", Path(first).name), Path(first).name
    assert Path(first).name[-17:-9] == time.strftime("%Y%m%d")
    assert first != again and Path(first).exists() and Path(again).exists()  # one folder each: never one file for two
    assert Path(first).read_text(encoding="utf-8").count("\n") >= 2  # a header and the cited clauses
