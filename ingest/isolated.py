"""Reading a file in a child process with an address-space and a time limit: a refusal, never a dead server.

The checks of :mod:`ingest.bounds` refuse what a file *declares* (ZIP directories, row and page
counts). What it costs to parse is known only while parsing, so a server reads each upload in
a child process: the child caps its own address space (``RLIMIT_AS``) before it opens the
file, so a file that needs more memory fails with ``MemoryError`` inside the child, and the
parent stops waiting at the time limit and kills it. Either way the caller gets a
:class:`~ingest.bounds.LimitError` naming the file and the limit, and the server never held
the file's tree in its own memory.

The child is a fresh interpreter (``python -m ingest.isolated``), not a fork: forking a
process that runs threads (Gradio's, onnxruntime's) is unsafe, and multiprocessing's spawn
would import the server's main module (the web app) into every child. It costs ≈ 0.45 s of
imports per file. Results come back as JSON, never pickles: a child that a hostile file
subverted can send wrong data, not code.

Example:
    >>> notices, problems = read_isolated("data/notices")
    >>> len(notices), problems
    (5, [])
"""

from __future__ import annotations

import json
import os
import resource
import select
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import BinaryIO

from ingest import bounds, progress
from ingest.model import Notice

#: Exit status of a child that ran out of its address space.
NO_MEMORY = 3
#: A reader that failed within this many bytes of the cap is taken to have run out of memory.
_MARGIN = 64 * bounds.MIB


def read_isolated(
    path: str | Path, limits: bounds.Limits | None = None, on_progress: progress.Listener | None = None
) -> tuple[list[Notice], list[str]]:
    """Notices of ``path`` (a file or folder) read in a child process, and the files skipped with why.

    The same result as :func:`ingest.api.load_notices` with a ``warnings`` list, under
    ``limits`` (default: those in force), with at most ``max_parse_memory`` bytes of address
    space and ``max_parse_seconds`` of wall time, renewed by each page the child reports read
    (``on_progress`` hears each report).

    Raises:
        LimitError: when the child ran out of its memory or time, or died, naming the file.
        FileNotFoundError: when ``path`` does not exist.
        ValueError: as :func:`~ingest.api.load_notices` raises it (two documents, one doc_id).
    """
    limits = limits or bounds.current()
    if not Path(path).exists():
        raise FileNotFoundError(f"{path}: no such file or folder")
    child = ChildReader(limits)
    try:
        return child.read(Path(path), on_progress, gone=FileNotFoundError)
    finally:
        child.stop()


class ChildReader:
    """One child that reads the paths it is sent, one at a time (``python -m ingest.isolated --serve``).

    Starting an interpreter costs ≈ 0.45 s, so a folder load sends file after file to one child.
    The child writes a line of JSON for each page it reports read, then one with the result; each
    report renews the time limit, so a scan has ``max_parse_seconds`` a page.
    """

    def __init__(self, limits: bounds.Limits) -> None:
        command = [sys.executable, "-m", "ingest.isolated", "--serve", json.dumps(asdict(limits))]
        self.limits = limits
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop) a file, not a pipe: never blocks
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.errors, env=child_environment()
        )
        self.pending = b""

    def read(
        self,
        path: Path,
        on_progress: progress.Listener | None = None,
        gone: type[Exception] | None = None,
        doc_id: str | None = None,
    ) -> tuple[list[Notice], list[str]]:
        """The notices of one path and the problems met, within the time limit.

        A path gone since it was listed is a problem named in the list, or raises ``gone`` when given.
        ``doc_id`` names the document of a file (a folder load's :func:`~ingest.folders.distinct_ids`).

        Raises:
            LimitError: the child ran out of time or memory, or died (it is not used again).
        """
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps({"path": str(path), "doc_id": doc_id}).encode("utf-8") + b"\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            raise self._death(path) from None
        while True:
            result = json.loads(self._line(path))
            if result["status"] != "progress":
                break
            if on_progress is not None:
                on_progress(result["path"], result["done"], result["total"], result["what"])
        if result["status"] == "ValueError":
            raise ValueError(result["message"])
        if result["status"] == "FileNotFoundError":
            if gone is not None:
                raise gone(result["message"])
            return [], [result["message"]]
        return [Notice.from_dict(n) for n in result["notices"]], list(result["problems"])

    def _line(self, path: Path) -> bytes:
        """The child's next line, waiting at most the time limit."""
        assert self.process.stdout is not None
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
        return line

    def _death(self, path: Path) -> bounds.LimitError:
        code = self.process.wait()
        if code == NO_MEMORY:
            return bounds.LimitError(
                f"{path}: reading needs more than {self.limits.max_parse_memory // bounds.MIB:,} MiB of memory "
                "(the limit); stopped"
            )
        how = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit {code}"
        self.errors.seek(max(0, self.errors.seek(0, os.SEEK_END) - 4096))
        last = self.errors.read().decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        return bounds.LimitError(f"{path}: the reader failed ({how}: {last[0][:300]}); nothing was read")

    def stop(self) -> None:
        """End the child (killed: it may be stuck in a parse)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()
        self.errors.close()

    def alive(self) -> bool:
        """Whether the child can take another file."""
        return self.process.poll() is None


def child_environment() -> dict[str, str]:
    """This process's environment, with the project on ``PYTHONPATH`` (the child imports ``ingest``)."""
    root = str(Path(__file__).resolve().parent.parent)
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}


def _peak_address_space() -> int:
    """This process's peak address space in bytes (``VmPeak``), 0 where /proc does not say."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0
    line = next((x for x in status.splitlines() if x.startswith("VmPeak:")), "")
    return int(line.split()[1]) * 1024 if line else 0


def _read_one(path: str, limits: bounds.Limits, doc_id: str | None = None) -> dict[str, object] | None:
    """One path's result as the parent reads it; None when the reader ran out of memory."""
    from ingest.api import load_notices

    def tell(where: str, done: int, total: int, what: str) -> None:
        _send({"status": "progress", "path": where, "done": done, "total": total, "what": what})

    try:
        problems: list[str] = []
        with bounds.using(limits), progress.listening(tell):
            notices = load_notices(path, warnings=problems, doc_id=doc_id)
        if problems and _peak_address_space() > limits.max_parse_memory - _MARGIN:
            return None  # lxml reports an allocation that failed as "unknown error", not MemoryError
        return {"status": "ok", "notices": [n.to_dict() for n in notices], "problems": problems}
    except MemoryError:
        return None
    except (FileNotFoundError, ValueError) as exc:
        return {"status": type(exc).__name__, "message": str(exc)}


#: Where the child writes its JSON lines: the parent's pipe, kept apart from file descriptor 1.
_PROTOCOL: list[BinaryIO] = []


def _send(message: dict[str, object]) -> None:
    """One JSON line to the parent."""
    _PROTOCOL[0].write(json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n")
    _PROTOCOL[0].flush()


def _main(argv: list[str]) -> int:
    """The child: cap the address space, read the file (or, with ``--serve``, each path sent), print JSON.

    The parent's pipe is moved off file descriptor 1 first, and 1 pointed at stderr: whatever a
    library prints (a converter, an OCR engine, C code) cannot break the JSON lines.
    """
    _PROTOCOL.append(os.fdopen(os.dup(1), "wb"))
    os.dup2(2, 1)
    serving = argv[0] == "--serve"
    limits = replace(bounds.DEFAULT, **json.loads(argv[1 if serving else 0]))
    resource.setrlimit(resource.RLIMIT_AS, (limits.max_parse_memory, limits.max_parse_memory))
    requests = (json.loads(line) for line in sys.stdin) if serving else iter([{"path": argv[1]}])
    for request in requests:
        try:
            result = _read_one(request["path"], limits, request.get("doc_id"))
            if result is None:
                return NO_MEMORY
            _send(result)
        except MemoryError:
            return NO_MEMORY
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
