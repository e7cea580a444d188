"""Command line: ``python -m ingest PATH… -o OUT/chunks.jsonl``."""

from __future__ import annotations

import argparse
import logging
import sys
from collections import Counter
from pathlib import Path

from tqdm import tqdm

from ingest import bounds
from ingest.api import write_jsonl
from ingest.audit import Audit
from ingest.bounded import load_bounded
from ingest.readers import SUPPORTED, ReadError, files_to_read, read_file
from ingest.structure import parse_document


def main(argv: list[str] | None = None) -> int:
    """Parse notices and write their chunks as JSON Lines, with a summary per file."""
    parser = argparse.ArgumentParser(
        prog="python -m ingest",
        description=f"Parse notices ({' '.join(SUPPORTED)}) into item-sized chunks (JSON Lines).",
    )
    parser.add_argument("paths", nargs="+", help="files or directories (searched recursively)")
    parser.add_argument("-o", "--out", type=Path, help="where to write chunks.jsonl (default: no file)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no per-file summary")
    parser.add_argument(
        "--bulk", action="store_true", help="a deliberate bulk load: raise the per-file limits (ingest/bounds.py)"
    )
    parser.add_argument(
        "--audit",
        action="store_true",
        help="say where every source line went (a chunk, a named field, boilerplate) and list those that went nowhere",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="warning: %(message)s")
    if args.audit:
        return _audit(args.paths, bounds.BULK if args.bulk else bounds.DEFAULT)

    warnings: list[str] = []
    bars = _Bars()
    try:
        with bounds.using(bounds.BULK if args.bulk else bounds.DEFAULT):
            notices = load_bounded(args.paths, warnings=warnings, on_progress=bars.show)  # each file in a child
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        bars.close()
    if not args.quiet:
        width = max([28, *(len(n.doc_id) for n in notices)])
        print(f"{'outcome':<9} {'doc_id':<{width}} {'chunks':>6} {'items':>6}  title or reason")
        for notice in notices:
            kinds = Counter(c.kind for c in notice.chunks)
            title = " / ".join(notice.titles) or notice.notice_title
            print(f"{'read':<9} {notice.doc_id:<{width}} {len(notice.chunks):>6} {kinds['item']:>6}  {title[:60]}")
        for problem in warnings:
            print(f"{'skipped':<9} {problem}")
    chunks = [c for n in notices for c in n.chunks]
    outcomes = Counter(outcome(w) for w in warnings)
    skipped = ", ".join(f"{n} {kind}" for kind, n in sorted(outcomes.items()))
    total = f"{len(notices)} documents, {len(chunks)} chunks, {len(warnings)} files skipped" + (
        f" ({skipped})" if skipped else ""
    )
    if args.out:
        write_jsonl(chunks, args.out)
        total += f"; wrote {args.out}"
    print(total)
    return 0


def _audit(paths: list[str], limits: bounds.Limits) -> int:
    """Print the conservation audit of the files under ``paths`` (read in this process, under ``limits``)."""
    audit = Audit()
    warnings: list[str] = []
    try:
        with bounds.using(limits):
            for path in files_to_read(paths, warnings):
                try:
                    raws = read_file(path)
                except ReadError as exc:
                    warnings.append(str(exc))
                    continue
                for raw in raws:
                    audit.add(raw.source, raw.text, parse_document(raw))
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(audit.report())
    if warnings:
        print(f"files not read: {len(warnings)}")
        print("\n".join(f"  {w}" for w in warnings))
    return 0


def outcome(problem: str) -> str:
    """What became of a skipped file, from the reason given: unsupported type, over a limit, damaged, unreadable.

    >>> outcome("a.rar: unsupported file type .rar"), outcome("b.pdf: more than 2,000 pages (2,001 or more)")
    ('unsupported type', 'over a limit')
    """
    if "unsupported file type" in problem:
        return "unsupported type"
    if "limit" in problem or "more than" in problem:
        return "over a limit"
    if "not a readable" in problem or "damaged" in problem:
        return "damaged"
    return "unreadable"


class _Bars:
    """A progress bar (tqdm, on a terminal only) for each file that reports its pages as it reads them."""

    def __init__(self) -> None:
        self.path: str | None = None
        self.bar: tqdm | None = None

    def show(self, path: str, done: int, total: int, what: str) -> None:
        if path != self.path:
            self.close()
            self.path = path
            self.bar = tqdm(total=total, desc=Path(path).name, unit=" pages", disable=None, file=sys.stderr)
        if self.bar is not None:
            self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        self.path, self.bar = None, None


if __name__ == "__main__":
    sys.exit(main())
