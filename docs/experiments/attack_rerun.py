"""Issue 40's attacks, run again against the real app: what each gets, and how long the server takes to say so.

Starts ``python app.py`` on a copy of an index (a write token set), then, while a thread keeps
asking questions through ``POST /api/search``:

1. ``/gradio_api/call/upload`` and every named endpoint with a ``FileData`` of ``/etc/passwd`` and
   of ``/dev/zero``; every event of the page through the queue, each input a server path;
2. every write route of the JSON API without the token and with a wrong one;
3. the Gradio routes this app does not use (monitoring, run history, vibe editor, recordings, proxy);
4. 12 slow clients: 4 silent, 4 dripping headers, 4 dripping a body;
5. a question in Korean: the app's memory before, after, and once the full vocabulary is let go;
6. SIGTERM: how long the app takes to end.

Prints one Markdown table (docs/reliability.md). Run from the project root::

    .venv/bin/python docs/experiments/attack_rerun.py build/index
"""

from __future__ import annotations

import shutil
import signal
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx
from app_copy import start_on_copy

PORT, TOKEN = 7873, "attack-rerun-token"
SERVER_FILES = ("/etc/passwd", "/dev/zero")


def rss_mib(pid: int) -> int:
    """The process's resident memory in MiB."""
    line = next(x for x in Path(f"/proc/{pid}/status").read_text().splitlines() if x.startswith("VmRSS"))
    return int(line.split()[1]) // 1024


def _file(path: str) -> dict[str, object]:
    return {"path": path, "orig_name": "p.txt", "meta": {"_type": "gradio.FileData"}}


def path_attacks(url: str) -> list[tuple[str, str, float]]:
    """(attack, answers, slowest seconds) for server paths sent to every Gradio endpoint and event."""
    rows = []
    config = httpx.get(f"{url}config", timeout=30).json()
    named = [*httpx.get(f"{url}gradio_api/info", timeout=30).json()["named_endpoints"], "/upload"]
    for target in SERVER_FILES:
        codes, slowest = [], 0.0
        for name in named:
            started = time.monotonic()
            codes.append(httpx.post(f"{url}gradio_api/call{name}", json={"data": [_file(target)] * 2}).status_code)
            slowest = max(slowest, time.monotonic() - started)
        rows.append((f"`{target}` to /gradio_api/call/… ({len(named)} names)", _counts(codes), slowest))
        codes, slowest = [], 0.0
        for dependency in config["dependencies"]:
            if not dependency.get("inputs"):
                continue
            body = {"data": [_file(target)] * len(dependency["inputs"]), "fn_index": dependency["id"],
                    "session_hash": "attacker", "event_data": None, "trigger_id": None}  # fmt: skip
            for route in ("queue/join", "run/predict"):  # queued events, and those outside the queue
                started = time.monotonic()
                codes.append(httpx.post(f"{url}gradio_api/{route}", json=body, timeout=30).status_code)
                slowest = max(slowest, time.monotonic() - started)
        rows.append((f"`{target}` to every event with inputs, by the queue and by /run", _counts(codes), slowest))
    return rows


def write_attacks(url: str, doc_id: str) -> tuple[str, str, float]:
    """Every write route without the token and with a wrong one."""
    codes, started = [], time.monotonic()
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        codes.append(httpx.post(f"{url}api/notices", files={"file": ("n.txt", b"1.x")}, headers=headers).status_code)
        codes.append(httpx.post(f"{url}api/notices/{doc_id}/delete-token", headers=headers).status_code)
        codes.append(httpx.delete(f"{url}api/notices/{doc_id}", params={"confirm": "x"}, headers=headers).status_code)
    return "JSON API writes without the token or with a wrong one", _counts(codes), time.monotonic() - started


def closed_routes(url: str) -> tuple[str, str, float]:
    """Gradio's routes this app does not use."""
    tried = [("GET", "monitoring/summary"), ("GET", "gradio_api/runs"), ("POST", "gradio_api/run-history/connect"),
             ("POST", "gradio_api/vibe-edit"), ("POST", "gradio_api/process_recording"),
             ("POST", "gradio_api/component_server"), ("GET", "gradio_api/proxy=http://127.0.0.1:1/"),
             ("POST", "gradio_api/api/search"), ("GET", "gradio_api/file=/etc/passwd")]  # fmt: skip
    started = time.monotonic()
    codes = [httpx.request(m, f"{url}{p}", json={"prompt": "x"}).status_code for m, p in tried]
    label = f"Gradio routes this app does not use ({len(tried) - 1}), and /gradio_api/file=/etc/passwd"
    return label, _counts(codes), time.monotonic() - started


def slow_clients() -> tuple[str, str, float]:
    """12 sockets: silent, dripping headers, dripping a body; seconds until the server closed each."""
    sockets = []
    for kind in ("silent", "headers", "body") * 4:
        sock = socket.create_connection(("127.0.0.1", PORT))
        if kind == "headers":
            sock.sendall(b"GET /api/notices HTTP/1.1\r\nHost: x\r\n")
        elif kind == "body":
            sock.sendall(b"POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: 999\r\n\r\n{")
        sockets.append((kind, sock))
    closed: dict[str, list[float]] = {"silent": [], "headers": [], "body": []}
    started = time.monotonic()
    while any(s.fileno() >= 0 for _, s in sockets) and time.monotonic() - started < 90:
        for kind, sock in sockets:
            if sock.fileno() < 0:
                continue
            sock.settimeout(0.05)
            try:
                if kind == "headers":
                    sock.sendall(b"X: y\r\n")
                if sock.recv(4096) == b"":
                    raise ConnectionResetError
            except TimeoutError:
                continue
            except OSError:
                closed[kind].append(time.monotonic() - started)
                sock.close()
        time.sleep(0.5)
    shown = ", ".join(f"{k} {len(v)}/4 closed by {max(v, default=float('nan')):.1f} s" for k, v in closed.items())
    return "12 slow clients (4 silent, 4 dripping headers, 4 a body)", shown, time.monotonic() - started


def main(index: Path) -> None:
    """Run the attacks against a fresh app on a copy of ``index`` and print the table."""
    app, work = start_on_copy(index, PORT, TOKEN, "attack-rerun-")
    url = f"http://127.0.0.1:{PORT}/"
    latencies: list[float] = []
    stop = threading.Event()

    def ask() -> None:
        while not stop.is_set():
            started = time.monotonic()
            httpx.post(f"{url}api/search", json={"question": "哪些部门负责12345热线"}, timeout=120)
            latencies.append(time.monotonic() - started)
            time.sleep(0.2)

    rows: list[tuple[str, str, float]] = []
    try:
        time.sleep(3)
        before = httpx.get(f"{url}api/notices").json()["notices"]
        asker = threading.Thread(target=ask)
        asker.start()
        rows += path_attacks(url)
        rows.append(write_attacks(url, before[0]["doc_id"]))
        rows.append(closed_routes(url))
        rows.append(slow_clients())
        stop.set()
        asker.join()
        after = httpx.get(f"{url}api/notices").json()["notices"]
        rows.append(("the library after all of them", "unchanged" if after == before else "CHANGED", 0.0))
        rows.append((
            f"questions asked meanwhile ({len(latencies)})",
            f"p50 {1000 * statistics.median(latencies):.0f} ms, max {1000 * max(latencies):.0f} ms", 0.0,
        ))  # fmt: skip
        warm = rss_mib(app.pid)
        httpx.post(f"{url}api/search", json={"question": "12345 핫라인은 어느 부서가 담당합니까"}, timeout=60)
        held = rss_mib(app.pid)
        time.sleep(70)
        rows.append(("a question in Korean: app memory", f"{warm} → {held} MiB, {rss_mib(app.pid)} MiB 70 s on", 0))
    finally:
        stop.set()
        started = time.monotonic()
        app.send_signal(signal.SIGTERM)
        try:
            app.wait(30)
        finally:
            rows.append(("SIGTERM", f"exit {app.returncode}", time.monotonic() - started))
            shutil.rmtree(work, ignore_errors=True)
    print("| attack | answers | seconds (slowest) |\n|---|---|---|")
    for attack, answers, seconds in rows:
        print(f"| {attack} | {answers} | {seconds:.2f} |" if seconds else f"| {attack} | {answers} | — |")


def _counts(codes: list[int]) -> str:
    return ", ".join(f"{code} × {codes.count(code)}" for code in sorted(set(codes)))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "build/index"))
