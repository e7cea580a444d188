"""Servers the tests start as subprocesses: a free loopback port, and waiting until one listens."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import pytest


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(proc: subprocess.Popen, port: int, log: Path, name: str, timeout: float = 240) -> None:
    """Return once ``port`` accepts connections; fail the test (with the log) if ``proc`` dies or times out."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{name} exited early:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    proc.kill()
    pytest.fail(f"{name} did not start in {timeout:.0f} s:\n{log.read_text()}")
