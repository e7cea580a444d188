"""One rule for every write: the write token, checked the same way by the chat's callbacks and the JSON API."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import NOTICE_B
from web.entrance.access import TOKEN_FILE, WriteAccess, kept_token
from web.library import Library
from web.library_tab import LibraryTab
from web.server import server_app

TOKEN = "tok-123"


def test_the_token_is_needed_and_compared_whole() -> None:
    access = WriteAccess(TOKEN)
    assert access.refusal(TOKEN) is None and access.refusal(f"  {TOKEN} ") is None
    for wrong in ("", None, "tok-12", "tok-1234", "x" * 10_000):
        assert access.refusal(wrong) is not None
    assert "需要写入令牌" in access.refusal("") and "不正确" in access.refusal("nope")
    assert access.bearer_refusal(f"Bearer {TOKEN}") is None and access.bearer_refusal(f"bearer {TOKEN}") is None
    for header in (None, "", TOKEN, f"Basic {TOKEN}", "Bearer ", "Bearer wrong"):
        assert access.bearer_refusal(header) is not None


def test_an_app_without_a_token_makes_one_kept_for_its_owner_only(tmp_path: Path) -> None:
    first = WriteAccess.for_app(None, tmp_path)
    path = tmp_path / TOKEN_FILE
    assert first.source == str(path) and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    token = kept_token(path)
    assert len(token) >= 20 and first.matches(token)
    assert WriteAccess.for_app(None, tmp_path).matches(token)  # the same token after a restart
    assert WriteAccess.for_app("mine", tmp_path).matches("mine") and not WriteAccess.for_app("mine", tmp_path).matches(
        token
    )


def _notice(tmp_path: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "夜间方案.txt"
    path.write_text(NOTICE_B.replace("周末不打烊", "周末不打烊，推行夜间延时帮办服务"), encoding="utf-8")
    return path


def _view() -> tuple[object, ...]:
    return ()


def test_the_chats_writes_need_the_token_and_change_nothing_without_it(library: Library, tmp_path: Path) -> None:
    uploads = tmp_path / "gradio"
    tab = LibraryTab(library, tmp_path / "exports", _view, WriteAccess(TOKEN), uploads)
    before = library.notices()
    for token in ("", "wrong"):
        status = tab.on_upload([str(_notice(tmp_path, uploads))], token)[0]
        assert "令牌" in status and "库未改变" in status and library.notices() == before
        assert "令牌" in tab.on_delete_ask("b", token)[0]
        library_token, _ = library.ask_delete("b")
        assert "令牌" in tab.on_delete("b", library_token, token)[0] and library.notices() == before
    status = tab.on_upload([str(_notice(tmp_path, uploads))], TOKEN)[0]
    assert "已添加" in status and len(library.notices()) == len(before) + 1
    _, _, _, confirm = tab.on_delete_ask("b", TOKEN)
    assert "已删除" in tab.on_delete("b", confirm["token"], TOKEN)[0]


def test_one_confirmation_serves_a_deletion_and_a_replacement_and_each_needs_the_token(
    library: Library, tmp_path: Path
) -> None:
    """Issue 44, item 3: the replacement asks in the page's confirm row too (it used the browser's confirm())."""
    uploads = tmp_path / "gradio"
    tab = LibraryTab(library, tmp_path / "exports", _view, WriteAccess(TOKEN), uploads)
    assert "已添加" in tab.on_upload([str(_notice(tmp_path, uploads))], TOKEN)[0]
    changed = _notice(tmp_path, uploads)
    changed.write_text(changed.read_text("utf-8") + "\n3.推行错时停车。（市公安局牵头）\n", encoding="utf-8")
    assert "同名" in tab.on_upload([str(changed)], TOKEN)[0]
    (held,) = tab.held
    before = library.notices()
    _, question, row, pending = tab.on_replace_ask([held], TOKEN)
    assert "夜间方案.txt" in question and row["visible"] and pending == {"action": "replace", "tokens": [held]}
    assert tab.on_cancel(pending)[0] == "未替换（已取消）。" and library.notices() == before  # nothing changed
    assert "令牌" in tab.on_confirm(pending, "wrong")[0] and library.notices() == before
    assert "已替换" in tab.on_confirm(pending, TOKEN)[0] and library.notices() != before
    assert "未替换" in tab.on_replace_ask([held], TOKEN)[0]  # spent: the held file is gone
    _, question, row, pending = tab.on_delete_ask("b", TOKEN)
    assert pending["action"] == "delete" and row["visible"]
    assert tab.on_cancel(pending)[1] == "未删除（已取消）。"
    assert "已删除" in tab.on_confirm(pending, TOKEN)[1]
    assert "没有待确认" in tab.on_confirm({}, TOKEN)[1]


def test_a_page_without_access_cannot_write(library: Library, tmp_path: Path) -> None:
    uploads = tmp_path / "gradio"
    tab = LibraryTab(library, tmp_path / "exports", _view, None, uploads)
    assert "未开放写入" in tab.on_upload([str(_notice(tmp_path, uploads))], TOKEN)[0]


def test_the_json_api_writes_with_the_same_token_only(library: Library) -> None:
    client = TestClient(server_app(library, access=WriteAccess(TOKEN)))
    text = NOTICE_B.replace("周末不打烊", "周末不打烊，推行夜间延时帮办服务").encode("utf-8")
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        refused = client.post("/api/notices", files={"file": ("n.txt", text)}, headers=headers)
        assert refused.status_code == 401 and "令牌" in refused.json()["error"]
        assert client.post("/api/notices/b/delete-token", headers=headers).status_code == 401
        assert client.delete("/api/notices/b", params={"confirm": "x"}, headers=headers).status_code == 401
    added = client.post("/api/notices", files={"file": ("n.txt", text)}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert added.status_code == 201 and added.json()["status"] == "已添加"


def test_the_read_key_reads_and_never_writes(tmp_path: Path) -> None:
    access = WriteAccess.for_app("write-1", tmp_path)
    key = (tmp_path / "read-token").read_text().strip()
    assert len(key) >= 20 and key != "write-1"
    assert access.read_refusal(f"Bearer {key}") is None and access.read_refusal("Bearer write-1") is None
    assert access.bearer_refusal(f"Bearer {key}") is not None and not access.matches(key)  # no write with it
    assert access.read_refusal("Bearer guess") == "令牌不正确" and access.read_refusal(key).startswith("需要令牌")
    assert WriteAccess.for_app("write-1", tmp_path, "mine").may_read("mine")
    with pytest.raises(ValueError, match="not the write token"):
        WriteAccess("same", read_token="same")


def test_the_read_key_reads_the_api_off_loopback_and_dify_but_cannot_upload(library: Library) -> None:
    client = TestClient(server_app(library, access=WriteAccess(TOKEN, read_token="read-key"), open_reads=False))
    key = {"Authorization": "Bearer read-key"}
    assert client.get("/api/notices", headers=key).status_code == 200
    assert client.get("/api/notices").status_code == 401
    dify = {"knowledge_id": "policy-qa", "query": "12345热线", "retrieval_setting": {"top_k": 2, "score_threshold": 0}}
    assert client.post("/api/dify/retrieval", json=dify, headers=key).status_code == 200
    refused = client.post("/api/notices", files={"file": ("n.txt", NOTICE_B.encode())}, headers=key)
    assert refused.status_code == 401 and "写入令牌不正确" in refused.json()["error"]
