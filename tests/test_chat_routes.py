"""Every route the chat's Gradio app serves, attacked as issue 40 did: no server file reaches the library.

A ``FileData`` naming ``/etc/passwd`` or ``/dev/zero`` is sent to every endpoint ``/gradio_api/info``
lists and to every event of the page (the queue's ``fn_index``, which the page itself uses); the
library must be unchanged, no server file's text searchable, and questions answered meanwhile.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
import pytest

from tests.appserver import TOKEN

pytestmark = pytest.mark.model

SERVER_FILES = ("/etc/passwd", "/dev/zero")


def _file(path: str) -> dict[str, Any]:
    return {"path": path, "orig_name": "p.txt", "meta": {"_type": "gradio.FileData"}}


def _state(url: str) -> list[str]:
    return sorted(n["doc_id"] for n in httpx.get(f"{url}api/notices", timeout=30).json()["notices"])


def test_no_gradio_endpoint_takes_a_file_and_none_writes(app_server: dict[str, object]) -> None:
    url = str(app_server["url"])
    info = httpx.get(f"{url}gradio_api/info", timeout=30).json()
    named = set(info["named_endpoints"])
    assert named == {"/search", "/tasks", "/notice"}, named  # reads only; uploads are POST /api/notices
    for endpoint in info["named_endpoints"].values():
        assert all(p.get("python_type", {}).get("type") != "filepath" for p in endpoint["parameters"])


def test_a_server_path_sent_to_any_route_never_reaches_the_library(app_server: dict[str, object]) -> None:
    url = str(app_server["url"])
    before = _state(url)
    info = httpx.get(f"{url}gradio_api/info", timeout=30).json()
    config = httpx.get(f"{url}config", timeout=30).json()
    answered: list[float] = []
    stop = threading.Event()

    def ask() -> None:  # questions go on being answered while the attack runs
        while not stop.is_set():
            started = time.monotonic()
            reply = httpx.post(f"{url}api/search", json={"question": "哪些部门负责12345热线"}, timeout=30)
            assert reply.status_code == 200
            answered.append(time.monotonic() - started)

    asker = threading.Thread(target=ask)
    asker.start()
    try:
        for target in SERVER_FILES:
            # the named endpoints, as issue 40's attack called them, and "upload" by name
            for name in [*info["named_endpoints"], "/upload"]:
                call = httpx.post(f"{url}gradio_api/call{name}", json={"data": [_file(target), False]}, timeout=10)
                if call.status_code == 200:
                    event = call.json()["event_id"]
                    with httpx.stream("GET", f"{url}gradio_api/call{name}/{event}", timeout=15) as stream:
                        for _ in stream.iter_lines():
                            pass
            # every event of the page, through the queue the page uses, each input a server path
            for dependency in config["dependencies"]:
                data = [_file(target) for _ in dependency.get("inputs", [])]
                body = {"data": data, "fn_index": dependency["id"], "session_hash": "attacker", "event_data": None}
                body["trigger_id"] = None
                httpx.post(f"{url}gradio_api/queue/join", json=body, timeout=10)
                httpx.post(f"{url}gradio_api/run/predict", json=body, timeout=10)  # events outside the queue
        with httpx.stream("GET", f"{url}gradio_api/queue/data", params={"session_hash": "attacker"}, timeout=20) as s:
            deadline = time.monotonic() + 15
            for _ in s.iter_lines():
                if time.monotonic() > deadline:
                    break
    except httpx.ReadTimeout:
        pass
    finally:
        stop.set()
        asker.join(timeout=60)
    assert _state(url) == before
    found = httpx.post(f"{url}api/search", json={"question": "root:x:0:0 /bin/bash nologin"}, timeout=30).json()
    assert all("root:" not in h["text"] and "nologin" not in h["text"] for h in found.get("hits", []))
    assert answered and max(answered) < 10, answered  # /dev/zero blocked nobody


def test_every_write_route_refuses_a_caller_without_the_token(app_server: dict[str, object]) -> None:
    url = str(app_server["url"])
    before = _state(url)
    sent = {"file": ("n.txt", "一、任务\n1.推行错时停车。（县交通局牵头）".encode())}
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        assert httpx.post(f"{url}api/notices", files=sent, headers=headers, timeout=30).status_code == 401
        assert httpx.post(f"{url}api/notices/{before[0]}/delete-token", headers=headers, timeout=30).status_code == 401
        gone = httpx.delete(f"{url}api/notices/{before[0]}", params={"confirm": "x"}, headers=headers, timeout=30)
        assert gone.status_code == 401
    assert _state(url) == before
    ok = httpx.post(f"{url}api/notices/{before[0]}/delete-token", headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200 and ok.json()["confirm"]  # asked, not spent: nothing is deleted
