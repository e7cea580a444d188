"""Command line: ``python -m ingest PATH… -o OUT/chunks.jsonl``."""

from __future__ import annotations

import argparse
import logging
import sys
from collections import Counter
from pathlib import Path

from ingest import bounds
from ingest.api import write_jsonl
from ingest.bounded import load_bounded
from ingest.readers import SUPPORTED


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
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="warning: %(message)s")

    warnings: list[str] = []
    try:
        with bounds.using(bounds.BULK if args.bulk else bounds.DEFAULT):
            notices = load_bounded(args.paths, warnings=warnings)  # each file in a child, bounded in memory and time
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(f"{'doc_id':<28} {'chunks':>6} {'items':>6}  title")
        for notice in notices:
            kinds = Counter(c.kind for c in notice.chunks)
            title = " / ".join(notice.titles) or notice.notice_title
            print(f"{notice.doc_id:<28} {len(notice.chunks):>6} {kinds['item']:>6}  {title[:60]}")
    chunks = [c for n in notices for c in n.chunks]
    total = f"{len(notices)} documents, {len(chunks)} chunks, {len(warnings)} files skipped"
    if args.out:
        write_jsonl(chunks, args.out)
        total += f"; wrote {args.out}"
    print(total)
    return 0


if __name__ == "__main__":
    sys.exit(main())
