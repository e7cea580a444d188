"""A callback reads only a browser's upload: a regular file in the app's upload folder, never a path a request names."""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from tests.conftest import NOTICE_B
from web.entrance.access import WriteAccess
from web.entrance.files import MAX_EVENT_BYTES, FileGuard, file_paths
from web.library import Library
from web.library_tab import LibraryTab
from web.uploads import UploadError, read_regular_file, received_upload

LIMIT = 20 * 1048576


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    made = tmp_path / "gradio" / "abc123"
    made.mkdir(parents=True)
    return made.parent


def test_a_file_in_the_upload_folder_is_received(folder: Path) -> None:
    path = folder / "abc123" / "通知.txt"
    path.write_text("一、总体要求", encoding="utf-8")
    assert received_upload(path, folder, "通知.txt") == path.resolve()
    assert read_regular_file(path, "通知.txt", LIMIT) == "一、总体要求".encode()


@pytest.mark.parametrize("target", ["/etc/passwd", "/dev/zero", "/proc/self/environ", "/proc/self/mem"])
def test_server_files_devices_and_proc_are_refused_unread(folder: Path, target: str) -> None:
    if not Path(target).exists():
        pytest.skip(f"{target} is not on this machine")
    with pytest.raises(UploadError, match="不是本次上传的普通文件"):
        received_upload(target, folder, "p.txt")
    link = folder / "abc123" / "link.txt"  # a link inside the folder to the same place
    link.symlink_to(target)
    with pytest.raises(UploadError, match="不是本次上传的普通文件"):
        received_upload(link, folder, "link.txt")
    with pytest.raises(UploadError):
        read_regular_file(link, "link.txt", LIMIT)  # not followed


def test_devices_and_fifos_are_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # nobody writes: a plain open would wait for ever
    started = time.monotonic()
    for path in (fifo, Path("/dev/zero")):
        with pytest.raises(UploadError, match="不是普通文件"):
            read_regular_file(path, path.name, LIMIT)
    assert time.monotonic() - started < 2
    with pytest.raises(UploadError, match="不是本次上传的普通文件"):
        received_upload(fifo, tmp_path, "pipe.txt")


def test_sizes_are_checked_on_the_open_file(tmp_path: Path) -> None:
    big, empty = tmp_path / "big.txt", tmp_path / "empty.txt"
    big.write_bytes(b"x" * 2049)
    empty.write_bytes(b"")
    with pytest.raises(UploadError, match="文件过大"):
        read_regular_file(big, "big.txt", 2048)
    with pytest.raises(UploadError, match="空文件"):
        read_regular_file(empty, "empty.txt", 2048)
    with pytest.raises(UploadError, match="已不存在"):
        read_regular_file(tmp_path / "gone.txt", "gone.txt", 2048)


def test_the_library_tab_reads_nothing_outside_its_upload_folder(library: Library, tmp_path: Path) -> None:
    uploads = tmp_path / "gradio"
    uploads.mkdir()
    tab = LibraryTab(library, tmp_path / "exports", lambda: (), WriteAccess("t"), uploads)
    outside = tmp_path / "elsewhere.txt"
    outside.write_text(NOTICE_B.replace("周末不打烊", "周末不打烊，推行夜间延时帮办"), encoding="utf-8")
    before = library.notices()
    for path in (outside, Path("/etc/passwd"), Path("/dev/zero")):
        status = tab.on_upload([str(path)], "t")[0]
        assert "❌" in status and "不是" in status, status
    assert library.notices() == before


def test_a_full_disk_while_reading_an_upload_is_named_and_leaves_nothing(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notice = tmp_path / "full.txt"
    notice.write_text(NOTICE_B.replace("周末不打烊", "周末不打烊，推行夜间延时帮办"), encoding="utf-8")
    real_write = Path.write_bytes

    def full(self: Path, data: bytes) -> int:
        if ".reading-" in str(self):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    before = library.notices()
    with pytest.raises(UploadError, match="磁盘已满.*库未改变"):
        library.upload(notice)
    assert library.notices() == before
    assert not library.uploads.exists() or not list(library.uploads.glob(".reading-*"))


def _guarded(folder: Path) -> TestClient:
    inner = FastAPI()

    @inner.post("/gradio_api/queue/join")
    async def join(request: Request) -> dict[str, Any]:
        return {"received": await request.json()}

    @inner.post("/gradio_api/upload")
    async def upload(request: Request) -> dict[str, int]:
        return {"bytes": len(await request.body())}

    inner.add_middleware(FileGuard, folder=folder)
    return TestClient(inner)


def test_the_guard_refuses_events_naming_server_files_before_gradio_reads_them(folder: Path, tmp_path: Path) -> None:
    client = _guarded(folder)
    mine = folder / "abc123" / "通知.txt"
    mine.write_text("一、总体要求", encoding="utf-8")
    os.mkfifo(folder / "abc123" / "pipe.txt")
    (folder / "abc123" / "out.txt").symlink_to("/etc/passwd")
    for path in ("/etc/passwd", "/dev/zero", "/proc/self/environ", str(folder / "abc123" / "pipe.txt"),
                 str(folder / "abc123" / "out.txt"), str(folder / "abc123" / ".." / ".." / "x"),
                 "http://169.254.169.254/latest", "", str(folder)):  # fmt: skip
        sent = {"data": ["q", [{"path": path, "meta": {"_type": "gradio.FileData"}}]], "fn_index": 3}
        refused = client.post("/gradio_api/queue/join", json=sent)
        assert refused.status_code == 403 and "not a file uploaded" in refused.json()["error"], path
    good = {"data": [{"path": str(mine), "url": None, "orig_name": "通知.txt"}], "fn_index": 3}
    assert client.post("/gradio_api/queue/join", json=good).json() == {"received": good}
    assert client.post("/gradio_api/upload", content=b"x" * 10).json() == {"bytes": 10}  # uploads are not events
    assert client.post("/gradio_api/queue/join", content=b"x" * (MAX_EVENT_BYTES + 1)).status_code == 413


def test_file_paths_finds_file_objects_at_any_depth() -> None:
    body = {"data": [[{"a": [{"path": "/x", "meta": {"_type": "gradio.FileData"}}]}], {"path": "/y", "url": "u"}]}
    assert sorted(file_paths(body)) == ["/x", "/y"] and list(file_paths({"path": "plain text"})) == []
