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
import signal
import subprocess
import sys
from dataclasses import asdict, replace
from pathlib import Path

from ingest import bounds
from ingest.model import Notice

#: Exit status of a child that ran out of its address space.
NO_MEMORY = 3
#: A reader that failed within this many bytes of the cap is taken to have run out of memory.
_MARGIN = 64 * bounds.MIB


def read_isolated(path: str | Path, limits: bounds.Limits | None = None) -> tuple[list[Notice], list[str]]:
    """Notices of ``path`` (a file or folder) read in a child process, and the files skipped with why.

    The same result as :func:`ingest.api.load_notices` with a ``warnings`` list, under
    ``limits`` (default: those in force), with at most ``max_parse_memory`` bytes of address
    space and ``max_parse_seconds`` of wall time.

    Raises:
        LimitError: when the child ran out of its memory or time, or died, naming the file.
        FileNotFoundError: when ``path`` does not exist.
        ValueError: as :func:`~ingest.api.load_notices` raises it (two documents, one doc_id).
    """
    limits = limits or bounds.current()
    if not Path(path).exists():
        raise FileNotFoundError(f"{path}: no such file or folder")
    command = [sys.executable, "-m", "ingest.isolated", json.dumps(asdict(limits)), str(path)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_environment())
    try:
        out, err = child.communicate(timeout=limits.max_parse_seconds)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        raise bounds.LimitError(
            f"{path}: reading took more than {limits.max_parse_seconds:g} s (the time limit); stopped"
        ) from None
    if child.returncode == NO_MEMORY:
        raise bounds.LimitError(
            f"{path}: reading needs more than {limits.max_parse_memory // bounds.MIB:,} MiB of memory "
            "(the limit); stopped"
        )
    if child.returncode != 0:
        how = f"signal {signal.Signals(-child.returncode).name}" if child.returncode < 0 else f"exit {child.returncode}"
        last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise bounds.LimitError(f"{path}: the reader failed ({how}: {last[0][:300]}); nothing was read")
    result = json.loads(out)
    if result["status"] == "FileNotFoundError":
        raise FileNotFoundError(result["message"])
    if result["status"] == "ValueError":
        raise ValueError(result["message"])
    return [Notice.from_dict(n) for n in result["notices"]], list(result["problems"])


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


def _read_one(path: str, limits: bounds.Limits) -> dict[str, object] | None:
    """One path's result as the parent reads it; None when the reader ran out of memory."""
    from ingest.api import load_notices

    try:
        problems: list[str] = []
        with bounds.using(limits):
            notices = load_notices(path, warnings=problems)
        if problems and _peak_address_space() > limits.max_parse_memory - _MARGIN:
            return None  # lxml reports an allocation that failed as "unknown error", not MemoryError
        return {"status": "ok", "notices": [n.to_dict() for n in notices], "problems": problems}
    except MemoryError:
        return None
    except (FileNotFoundError, ValueError) as exc:
        return {"status": type(exc).__name__, "message": str(exc)}


def _main(argv: list[str]) -> int:
    """The child: cap the address space, read the file (or, with ``--serve``, each path sent), print JSON."""
    serving = argv[0] == "--serve"
    limits = replace(bounds.DEFAULT, **json.loads(argv[1 if serving else 0]))
    resource.setrlimit(resource.RLIMIT_AS, (limits.max_parse_memory, limits.max_parse_memory))
    requests = (json.loads(line)["path"] for line in sys.stdin) if serving else iter([argv[1]])
    for path in requests:
        try:
            result = _read_one(path, limits)
            if result is None:
                return NO_MEMORY
            sys.stdout.buffer.write(json.dumps(result, ensure_ascii=False).encode("utf-8") + b"\n")
            sys.stdout.buffer.flush()
        except MemoryError:
            return NO_MEMORY
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
