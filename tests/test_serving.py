"""Slow clients are cut, and SIGTERM ends the server in seconds even while a request is stuck in a thread."""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT
from tests.servers import free_port, wait_for_port

#: The deadlines the test server runs with (the app's are 10 s and 20 s: web/serving.py).
HEADER, BODY_IDLE = 1.0, 1.0


@pytest.fixture
def server(tmp_path: Path) -> Iterator[dict[str, object]]:
    port, marker, log = free_port(), tmp_path / "stopped", tmp_path / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.serving_app", str(port), str(marker), str(HEADER), str(BODY_IDLE)],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    wait_for_port(proc, port, log, "serving_app.py", timeout=60)
    yield {"proc": proc, "port": port, "marker": marker}
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def _closed_after(sock: socket.socket, drip: bytes | None, limit: float) -> tuple[float, bytes]:
    """Seconds until the server closed ``sock`` (sending ``drip`` every 0.3 s meanwhile), and what it sent."""
    started, received = time.monotonic(), b""
    sock.settimeout(0.3)
    while time.monotonic() - started < limit:
        try:
            if drip:
                sock.sendall(drip)
            block = sock.recv(4096)
            if not block:
                return time.monotonic() - started, received
            received += block
        except TimeoutError:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return time.monotonic() - started, received
    return time.monotonic() - started, received


def test_clients_dripping_headers_or_bodies_are_cut_and_a_steady_upload_is_not(server: dict[str, object]) -> None:
    port = int(server["port"])  # type: ignore[arg-type]
    silent = socket.create_connection(("127.0.0.1", port))
    headers = socket.create_connection(("127.0.0.1", port))
    headers.sendall(b"GET /ok HTTP/1.1\r\nHost: x\r\n")
    body = socket.create_connection(("127.0.0.1", port))
    body.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789")
    results: dict[str, tuple[float, bytes]] = {}
    cases = {"silent": (silent, None), "headers": (headers, b"X-A: b\r\n"), "body": (body, None)}
    threads = [
        threading.Thread(target=lambda n=n, s=s, d=d: results.__setitem__(n, _closed_after(s, d, 15)))
        for n, (s, d) in cases.items()
    ]
    for thread in threads:
        thread.start()
    # meanwhile a slow but steady upload: a byte every 0.4 s, more than BODY_IDLE in all, never idle that long
    steady = socket.create_connection(("127.0.0.1", port), timeout=10)
    steady.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\n")
    for _ in range(8):
        time.sleep(0.4)
        steady.sendall(b"x")
    answer = b""
    while b'{"length":8}' not in answer and (block := steady.recv(4096)):
        answer += block
    assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(b'{"length":8}')
    for thread in threads:
        thread.join(timeout=20)
    for name, (seconds, received) in results.items():
        assert seconds < 5, (name, seconds)
        assert name == "body" or b"408" in received, (name, received)
    for sock in (silent, headers, body, steady):
        sock.close()
    assert httpx.get(f"http://127.0.0.1:{port}/ok", timeout=5).json() == {"ok": True}


def test_sigterm_ends_the_server_within_five_seconds_while_a_request_is_stuck(server: dict[str, object]) -> None:
    proc, port = server["proc"], int(server["port"])  # type: ignore[arg-type]
    assert isinstance(proc, subprocess.Popen)

    def stuck() -> None:
        with contextlib.suppress(httpx.HTTPError):
            httpx.get(f"http://127.0.0.1:{port}/stuck", timeout=30)

    threading.Thread(target=stuck, daemon=True).start()
    time.sleep(1.0)  # the request is in its thread now
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=10)
    assert time.monotonic() - started < 5 and proc.returncode == 0
    assert Path(str(server["marker"])).read_text(encoding="utf-8") == "cleaned"
