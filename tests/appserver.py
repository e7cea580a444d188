"""Running the real app for tests: python app.py on a free loopback port, and Chromium to drive it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.conftest import ROOT
from tests.servers import free_port, wait_for_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: The write token the test apps start with (``$POLICY_QA_API_TOKEN``): uploads and deletes need it.
TOKEN = "test-write-token-7f3a"
HAS_CHROMIUM = Path(CHROMIUM).exists()


def start_app(root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """Start python app.py on a free loopback port with its own index and data directory."""
    port = free_port()
    env = {
        **os.environ,
        "POLICY_QA_INDEX": str(root / "index"),
        "GRADIO_ANALYTICS_ENABLED": "False",
        "POLICY_QA_API_TOKEN": TOKEN,
        **(env or {}),
    }
    log_path = root / "app.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py"), "--port", str(port), "--data-dir", str(root / "data"), *args],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    wait_for_port(proc, port, log_path, "app.py")
    return proc, f"http://127.0.0.1:{port}/"


def api_upload(url: str, path: Path, token: str | None = TOKEN, replace: bool = False) -> dict[str, Any]:
    """Upload a notice file through the JSON API (``POST /api/notices``) with the write token; its JSON answer."""
    import httpx

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with path.open("rb") as handle:
        sent = httpx.post(
            f"{url.rstrip('/')}/api/notices", files={"file": (path.name, handle)}, data={"replace": str(replace).lower()},
            headers=headers, timeout=300,
        )  # fmt: skip
    return sent.json()


def stop_app(proc: subprocess.Popen) -> None:
    """Terminate the app, killing it if it does not stop."""
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


@contextmanager
def chromium_page(width: int = 1280, height: int = 1100) -> Iterator[Any]:
    """A headless Debian Chromium page of ``width`` × ``height`` CSS pixels (Playwright drives the system browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        try:
            yield browser.new_page(viewport={"width": width, "height": height})
        finally:
            browser.close()
