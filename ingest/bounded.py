"""Reading many files under the app's bounds: one child process, each file with its own time limit.

The command line (``python -m ingest``, ``python -m index build/add``) reads what an operator
names, but a file can still be hostile: 700,000 nested ``<div>``s parse for minutes. So the CLI
reads as the app does (:mod:`ingest.isolated`): in a fresh interpreter that caps its own address
space, with a wall-time limit per file. Starting an interpreter costs ≈ 0.45 s, so one child
reads file after file; a file that runs out of time is killed with its child, one that runs out
of memory ends it, and a new child reads the next file. The file is skipped and named, as a
file over any other limit is (``warning: skipped …``), and the rest goes on.

Example:
    >>> notices = load_bounded(["data/notices"])
    >>> len(notices)
    5
"""

from __future__ import annotations

import json
import logging
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path

from ingest import bounds
from ingest.isolated import NO_MEMORY, child_environment
from ingest.model import Notice
from ingest.readers import files_to_read

logger = logging.getLogger("ingest")


class _Reader:
    """One child that reads the files it is sent, one at a time (``python -m ingest.isolated --serve``)."""

    def __init__(self, limits: bounds.Limits) -> None:
        command = [sys.executable, "-m", "ingest.isolated", "--serve", json.dumps(asdict(limits))]
        self.limits = limits
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=child_environment()
        )
        self.pending = b""

    def read(self, path: Path) -> tuple[list[Notice], list[str]]:
        """The notices of one file and the problems met, within the time limit.

        Raises:
            LimitError: the child ran out of time or memory, or died (it is not used again).
        """
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        try:
            self.process.stdin.write(json.dumps({"path": str(path)}).encode("utf-8") + b"\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            raise self._death(path) from None
        deadline = time.monotonic() + self.limits.max_parse_seconds
        handle = self.process.stdout.fileno()
        while b"\n" not in self.pending:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([handle], [], [], left)[0]:
                self.stop()
                raise bounds.LimitError(
                    f"{path}: reading took more than {self.limits.max_parse_seconds:g} s (the time limit); stopped"
                )
            block = os.read(handle, 1 << 20)
            if not block:
                raise self._death(path)
            self.pending += block
        line, _, self.pending = self.pending.partition(b"\n")
        result = json.loads(line)
        if result["status"] == "ValueError":
            raise ValueError(result["message"])
        if result["status"] == "FileNotFoundError":  # gone since the folder was listed: skipped by name
            return [], [result["message"]]
        return [Notice.from_dict(n) for n in result["notices"]], list(result["problems"])

    def _death(self, path: Path) -> bounds.LimitError:
        code = self.process.wait()
        if code == NO_MEMORY:
            return bounds.LimitError(
                f"{path}: reading needs more than {self.limits.max_parse_memory // bounds.MIB:,} MiB of memory "
                "(the limit); stopped"
            )
        how = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit {code}"
        return bounds.LimitError(f"{path}: the reader failed ({how}); nothing was read")

    def stop(self) -> None:
        """End the child (killed: it may be stuck in a parse)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()

    def alive(self) -> bool:
        """Whether the child can take another file."""
        return self.process.poll() is None


def load_bounded(
    paths: str | Path | Iterable[str | Path], warnings: list[str] | None = None, limits: bounds.Limits | None = None
) -> list[Notice]:
    """:func:`ingest.api.load_notices`, each file read in a child under ``limits``' memory and time.

    A file over a limit, or that its child could not read, is skipped with a logged warning
    naming it and why (appended to ``warnings`` too); the rest goes on.

    Raises:
        FileNotFoundError: if a named path does not exist.
        ValueError: if two documents share a doc_id (ids would collide).
    """
    limits = limits or bounds.current()
    files = files_to_read(paths, warnings)
    notices: list[Notice] = []
    seen: dict[str, str] = {}
    reader: _Reader | None = None
    try:
        for path in files:
            if reader is None or not reader.alive():
                reader = _Reader(limits)
            try:
                found, problems = reader.read(path)
            except bounds.LimitError as exc:
                reader.stop()
                found, problems, reader = [], [str(exc)], None
            for problem in problems:
                logger.warning("skipped %s", problem)
                if warnings is not None:
                    warnings.append(problem)
            for notice in found:
                if notice.doc_id in seen:
                    other = seen[notice.doc_id]
                    raise ValueError(f"doc_id {notice.doc_id!r} of {path} is also used by {other}; rename one")
                seen[notice.doc_id] = str(path)
                notices.append(notice)
    finally:
        if reader is not None:
            reader.stop()
    return notices


__all__ = ["load_bounded"]
