"""Command line: ``python -m web breakdown DOC_ID -o FILE.xlsx|FILE.docx``, a notice's 任务分解表 from an index."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    """Write a notice's breakdown table; returns the exit code (2: no such notice or an unknown file type)."""
    from index.options import add_store_options, open_store
    from web.breakdown import breakdown_rows, write_breakdown_docx, write_breakdown_xlsx

    parser = argparse.ArgumentParser(prog="python -m web", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    breakdown = sub.add_parser("breakdown", help="a notice's 任务分解表 as .xlsx (for printing) or .docx")
    breakdown.add_argument("doc_id")
    breakdown.add_argument("-o", "--out", type=Path, required=True, help="FILE.xlsx or FILE.docx")
    add_store_options(breakdown, "index directory (default: $POLICY_QA_INDEX or build/index)")
    args = parser.parse_args(argv)
    write = {".xlsx": write_breakdown_xlsx, ".docx": write_breakdown_docx}.get(args.out.suffix.lower())
    if write is None:
        print(f"error: {args.out}: write .xlsx or .docx", file=sys.stderr)
        return 2
    searcher = open_store(args, build_if_missing=False)
    try:
        info, chunks = searcher.document(args.doc_id)
    except KeyError:
        known = ", ".join(n.doc_id for n in searcher.notices()[:10])
        print(f"error: no notice {args.doc_id!r} in the index (some there: {known})", file=sys.stderr)
        return 2
    rows = breakdown_rows(chunks)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write(info, rows, args.out)
    print(f"wrote {args.out}: 《{info.title}》, {len(rows)} items with a duty note")
    return 0


if __name__ == "__main__":
    sys.exit(main())
