"""The web app's memory idle, under 16 clients, and while hostile uploads arrive; whether it keeps answering.

Starts ``python app.py`` on a copy of an index, then reads the server's ``VmRSS`` and ``VmHWM``
(peak) from /proc: after start, after the first question, after 16 clients asked for 60 s
(gradio_client, ``/search``), and while the bombs of ``docs/experiments/bombs.py`` are uploaded
through ``POST /api/notices`` (with the write token) as 16 clients go on asking (each upload's
time to its refusal, and the questions' p50/max latency meanwhile). Run from the project root::

    .venv/bin/python docs/experiments/bombs.py /tmp/bombs
    .venv/bin/python docs/experiments/app_memory.py build/index /tmp/bombs
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

from app_copy import start_on_copy

QUESTIONS = ["哪些部门负责12345热线", "企业开办时限", "秦政通", "好差评机制", "如何办理护照", "审批人员培训"]
PORT = 7871
TOKEN = "app-memory-token"


def memory(pid: int) -> dict[str, int]:
    """The process's resident and peak resident memory in MiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    field = {line.split(":")[0]: line.split()[1] for line in status.splitlines() if line.startswith("Vm")}
    return {"rss_mib": int(field["VmRSS"]) // 1024, "peak_mib": int(field["VmHWM"]) // 1024}


def ask(url: str, seconds: float, clients: int, latencies: list[float], errors: list[str]) -> None:
    """``clients`` threads asking questions for ``seconds``; latencies and errors appended."""
    from gradio_client import Client

    def one(n: int) -> None:
        client = Client(url, verbose=False)
        end = time.time() + seconds
        while time.time() < end:
            started = time.perf_counter()
            try:
                client.predict(QUESTIONS[n % len(QUESTIONS)], api_name="/search")
                latencies.append(time.perf_counter() - started)
            except Exception as exc:  # counted, not raised: the figure is how many
                errors.append(f"{type(exc).__name__}: {exc}"[:200])
            n += 1

    threads = [threading.Thread(target=one, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main(index: Path, bombs: Path | None) -> dict[str, object]:
    """Start the app on a copy of ``index``, measure, upload each file of ``bombs``; the figures."""
    import httpx
    from gradio_client import Client

    app, work = start_on_copy(index, PORT, TOKEN, "app-memory-")
    url = f"http://127.0.0.1:{PORT}/"
    result: dict[str, object] = {}
    try:
        time.sleep(10)
        result["idle"] = memory(app.pid)
        client = Client(url, verbose=False)
        started = time.perf_counter()
        client.predict(QUESTIONS[0], api_name="/search")
        result["first_question_s"] = round(time.perf_counter() - started, 3)
        result["after_first_question"] = memory(app.pid)
        latencies: list[float] = []
        errors: list[str] = []
        ask(url, 60, 16, latencies, errors)
        result["16_clients_60s"] = {
            **memory(app.pid), "questions": len(latencies), "errors": len(errors),
            "p50_ms": round(1000 * statistics.median(latencies)), "max_ms": round(1000 * max(latencies)),
        }  # fmt: skip
        for bomb in sorted(bombs.iterdir()) if bombs else []:
            latencies, errors = [], []
            asking = threading.Thread(target=ask, args=(url, 20, 16, latencies, errors))
            asking.start()
            time.sleep(2)
            started = time.perf_counter()
            with bomb.open("rb") as sent:
                answer = httpx.post(
                    f"{url}api/notices", files={"file": (bomb.name, sent)},
                    headers={"Authorization": f"Bearer {TOKEN}"}, timeout=600,
                ).json()  # fmt: skip
            took = time.perf_counter() - started
            asking.join()
            result[f"upload {bomb.name}"] = {
                "seconds": round(took, 2), "answer": answer.get("error") or answer.get("status"), **memory(app.pid),
                "questions_meanwhile": len(latencies), "errors": len(errors),
                "p50_ms": round(1000 * statistics.median(latencies)), "max_ms": round(1000 * max(latencies)),
            }  # fmt: skip
    finally:
        app.terminate()
        app.wait(30)
        shutil.rmtree(work, ignore_errors=True)
    return result


if __name__ == "__main__":
    found = main(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else None)
    print(json.dumps(found, ensure_ascii=False, indent=1))
