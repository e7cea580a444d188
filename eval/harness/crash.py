r"""``python -m eval.harness.crash``: kill writers at random moments, then check that nothing acknowledged was lost.

In the spirit of Qdrant's crasher. Each trial starts one writer on a shared index and data
folder and sends it ``SIGKILL`` after a random delay: uniform between 0.3 and 1.1 × the writer's
own fastest uninterrupted run (two calibration runs each, then every trial that finished before
its kill; a first run pays one-time costs and would put kills too late). The first third is
mostly imports; a tenth of the kills come after the writer is done, a control:

- ``cli-add`` / ``cli-remove``: ``python -m index add FILE`` / ``remove DOC_ID``; acknowledged
  when it exits 0 before the kill;
- ``library``: a process running the web app's :class:`web.library.Library`, uploading two
  notices and deleting one; each change is acknowledged when its call returns (it prints
  ``ACK``, as the chat would show "已添加").

After each kill the checker does what a restart does: opens the index (it must open) and builds
a :class:`~web.library.Library` on it (which reconciles ``uploads/``), then checks:

- every acknowledged add is there and every acknowledged removal is gone (a change in flight at
  the kill may have happened or not, but all of it or none);
- no notice is half there: each holds exactly the chunks its file parses into;
- every uploaded notice has its stored file, every stored file its notice, and no staging or
  scratch leftovers remain.

Example (docs/reliability.md)::

    python -m eval.harness.crash --trials 100 --out build/crash
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from index import Searcher
from index.paths import DEFAULT_CORPUS, ROOT

KINDS = ("cli-add", "cli-remove", "library")
DEPARTMENTS = ("县发展改革局", "县财政局", "县交通运输局", "县数据局", "县市场监管局", "县人社局")


def notice_text(n: int) -> str:
    """A small notice of its own (unique words, three items with duty notes) for change number ``n``."""
    lead = DEPARTMENTS[n % len(DEPARTMENTS)]
    return (
        f"某县第{n}号专项工作方案\n一、重点任务\n"
        f"1.推进第{n}号试点事项落地。（{lead}牵头）\n"
        f"2.完善第{n}号事项工作机制。（{DEPARTMENTS[(n + 1) % len(DEPARTMENTS)]}牵头）\n"
        f"3.开展第{n}号事项督促检查。（县政府办公室牵头，{lead}配合）\n"
    )


@dataclass
class Trial:
    """One writer killed (or not) and what the checker found."""

    number: int
    kind: str
    delay: float
    finished: bool
    acked: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class Crasher:
    """The shared index, data folder and the record of acknowledged changes."""

    def __init__(self, work: Path, seed: int) -> None:
        self.work = work
        self.index = work / "index"
        self.data = work / "data"
        self.pool = work / "pool"
        self.pool.mkdir(parents=True, exist_ok=True)
        self.random = random.Random(seed)
        self.next = 0
        searcher = Searcher.build(DEFAULT_CORPUS, self.index)
        self.embedder = searcher.embedder
        self.sizes = {n.doc_id: n.chunks for n in searcher.notices()}  # chunks each notice must have
        self.present = set(self.sizes)  # acknowledged present
        self.absent: set[str] = set()  # acknowledged removed
        self.bundled = set(self.sizes)
        self.spans: dict[str, float] = {}

    def _file(self, prefix: str) -> Path:
        self.next += 1
        path = self.pool / f"{prefix}_{self.next}.txt"
        path.write_text(notice_text(self.next), encoding="utf-8")
        return path

    def _command(self, kind: str) -> tuple[list[str], list[str]]:
        """The writer's command line and the changes it would make ("add X" / "remove X")."""
        python = [sys.executable, "-m"]
        removable = sorted(self.present - self.bundled)
        if kind == "cli-remove" and removable:
            doomed = self.random.choice(removable)
            return [*python, "index", "remove", doomed, "--index", str(self.index)], [f"remove {doomed}"]
        if kind in ("cli-add", "cli-remove"):
            path = self._file("cli")
            return [*python, "index", "add", str(path), "--index", str(self.index)], [f"add {path.stem}"]
        files = [str(self._file("up")), str(self._file("up"))]
        return [*python, "eval.harness.crash", "--writer", str(self.index), str(self.data), *files], []

    def trial(self, number: int, kind: str, kill: bool = True) -> Trial:
        """Run one writer, kill it after a random delay (unless ``kill`` is False), then check."""
        command, planned = self._command(kind)
        delay = self.random.uniform(0.3, 1.1) * self.spans[kind] if kill else float("inf")
        started = time.perf_counter()
        writer = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT, text=True)
        try:
            writer.wait(timeout=None if not kill else delay)
            finished = True
        except subprocess.TimeoutExpired:
            writer.kill()  # SIGKILL: no cleanup, no atexit, the kernel drops the lock
            writer.wait()
            finished = False
        out = writer.stdout.read() if writer.stdout else ""
        if finished:  # the span a kill is drawn from: the fastest whole run seen (a first run pays one-time costs)
            self.spans[kind] = min(self.spans.get(kind, float("inf")), time.perf_counter() - started)
        if kind == "library":
            acked = [line.removeprefix("ACK ") for line in out.splitlines() if line.startswith("ACK ")]
            added = [a.split(" ", 1)[1] for a in acked if a.startswith("add ")]
            planned = [f"remove {added[0]}"] if added else []  # its deletion of the first upload
        else:
            acked = planned if finished and writer.returncode == 0 else []
        in_flight = {change.split(" ", 1)[1] for change in planned if change not in acked}
        record = Trial(number, kind, round(delay, 3) if kill else -1.0, finished, acked)
        record.problems = self.check(acked, in_flight)
        return record

    def check(self, acked: list[str], in_flight: set[str] | frozenset[str] = frozenset()) -> list[str]:
        """Open the index as a restart would and compare it with every acknowledged change.

        ``in_flight`` names the notices of a change begun but not acknowledged: either state is right.
        """
        from ingest import load_notices
        from web.library import Library

        for change in acked:
            op, doc_id = change.split(" ", 1)
            (self.present if op == "add" else self.absent).add(doc_id)
            (self.absent if op == "add" else self.present).discard(doc_id)
        try:
            searcher = Searcher.open(self.index, embedder=self.embedder, build_if_missing=False)
        except Exception as exc:  # the first thing the trial checks: a restart must find an index
            return [f"the index does not open: {type(exc).__name__}: {exc}"]
        library = Library(searcher, self.data)  # reconciles uploads/ as the app does at start
        held = {n.doc_id: n for n in searcher.notices()}
        problems = [f"acknowledged add lost: {d}" for d in sorted(self.present - set(held) - in_flight)]
        problems += [f"acknowledged removal undone: {d}" for d in sorted((self.absent & set(held)) - in_flight)]
        for doc_id, notice in held.items():
            if doc_id not in self.sizes:  # an unacknowledged change that happened: learn its size from its file
                source = next(self.pool.glob(f"{doc_id.rsplit('_', 1)[0] if notice.sha256 else doc_id}.txt"), None)
                self.sizes[doc_id] = len(load_notices(source)[0].chunks) if source else -1
            if notice.chunks != self.sizes[doc_id]:
                problems.append(f"half there: {doc_id} has {notice.chunks} of {self.sizes[doc_id]} chunks")
            if notice.sha256 and not list(library.uploads.glob(f"{doc_id}.*")):
                problems.append(f"uploaded notice without its stored file: {doc_id}")
        stored = list(library.uploads.iterdir()) if library.uploads.is_dir() else []
        problems += [f"stored file without its notice: {p.name}" for p in stored if p.stem not in held]
        problems += [f"leftover after restart: {p.name}" for p in stored if p.name.startswith(".")]
        self.present, self.absent = set(held), self.absent - set(held)  # in-flight changes: as found
        return problems


def run(trials: int, work: Path, seed: int = 7) -> dict[str, Any]:
    """Calibrate each writer twice, then run ``trials`` killed at random; the summary and every trial."""
    crasher = Crasher(work, seed)
    calibration = [crasher.trial(0, kind, kill=False) for _ in range(2) for kind in KINDS]
    done = [crasher.trial(n + 1, crasher.random.choice(KINDS)) for n in range(trials)]
    every = calibration + done
    return {
        "trials": len(done),
        "killed": sum(not t.finished for t in done),
        "kinds": dict(Counter(t.kind for t in done)),
        "acknowledged": sum(len(t.acked) for t in every),
        "problems": sum(len(t.problems) for t in every),
        "writer_seconds": {k: round(v, 2) for k, v in crasher.spans.items()},
        "details": [asdict(t) for t in every],
    }


def _writer(index: str, data: str, files: list[str]) -> int:
    """The ``library`` writer: upload each file, then delete the first; print ACK after each change."""
    from web.library import Library

    library = Library(Searcher.open(Path(index), build_if_missing=False), Path(data))
    added = []
    for name in files:
        result = library.upload(name)
        if result.doc_id and not result.pending:
            added.append(result.doc_id)
            print(f"ACK add {result.doc_id}", flush=True)
    if added:
        library.delete(added[0], library.ask_delete(added[0])[0])
        print(f"ACK remove {added[0]}", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the trials; exit 1 if any check failed."""
    parser = argparse.ArgumentParser(prog="python -m eval.harness.crash", description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, help="where the index and data live (default: a temporary folder)")
    parser.add_argument("--out", type=Path, default=Path("build/crash"))
    parser.add_argument("--writer", nargs="+", help=argparse.SUPPRESS)  # INDEX DATA FILE…: the library writer
    args = parser.parse_args(argv)
    if args.writer:
        return _writer(args.writer[0], args.writer[1], args.writer[2:])
    started = time.time()
    with tempfile.TemporaryDirectory(dir=args.work) as work:
        result = run(args.trials, Path(work), args.seed)
    result["seconds"] = round(time.time() - started)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "crash.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "details"}, ensure_ascii=False))
    for trial in result["details"]:
        for problem in trial["problems"]:
            where = f"trial {trial['number']} ({trial['kind']}, killed at {trial['delay']} s)"
            print(f"{where}: {problem}", file=sys.stderr)
    return 1 if result["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
