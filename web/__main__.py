"""Command line: a notice's 任务分解表 or the library's departments × notices overview, from an index.

python -m web breakdown DOC_ID -o FILE.xlsx|FILE.docx [--index DIR]
python -m web overview -o FILE.xlsx|FILE.json [--index DIR]
python -m web compare A B [-o FILE.xlsx|FILE.json] [--index DIR]
                                          (what changed from notice A, the earlier, to B: doc_ids or files)
python -m web routes                      (every HTTP route: who may call it, what it accepts)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    """Write the table asked for; returns the exit code (2: no such notice or an unknown file type)."""
    from index.options import add_store_options

    parser = argparse.ArgumentParser(prog="python -m web", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    breakdown = sub.add_parser("breakdown", help="a notice's 任务分解表 as .xlsx (for printing) or .docx")
    breakdown.add_argument("doc_id")
    breakdown.add_argument("-o", "--out", type=Path, required=True, help="FILE.xlsx or FILE.docx")
    overview = sub.add_parser("overview", help="departments × notices: items each leads and supports, .xlsx or .json")
    overview.add_argument("-o", "--out", type=Path, required=True, help="FILE.xlsx or FILE.json")
    compare = sub.add_parser("compare", help="what changed from notice A (the earlier) to B: doc_ids or files")
    compare.add_argument("a", help="the earlier notice: a doc_id of the index, or a file")
    compare.add_argument("b", help="the later notice: a doc_id of the index, or a file")
    compare.add_argument("-o", "--out", type=Path, help="also write FILE.xlsx (for printing) or FILE.json")
    compare.add_argument("--all", action="store_true", help="list kept items too")
    for command in (breakdown, overview, compare):
        add_store_options(command, "index directory (default: $POLICY_QA_INDEX or build/index)")
    sub.add_parser("routes", help="every HTTP route the app serves: who may call it, what it accepts (Markdown)")
    args = parser.parse_args(argv)
    if args.command == "routes":
        from web.entrance.routes import table

        print(table())
        return 0
    if args.command == "compare":
        from web.changes.cli import run_compare

        return run_compare(args)
    kinds = (".xlsx", ".docx") if args.command == "breakdown" else (".xlsx", ".json")
    if args.out.suffix.lower() not in kinds:
        print(f"error: {args.out}: write {' or '.join(kinds)}", file=sys.stderr)
        return 2
    return _breakdown(args) if args.command == "breakdown" else _overview(args)


def _breakdown(args: argparse.Namespace) -> int:
    from index.options import open_store
    from web.breakdown import breakdown_rows, write_breakdown_docx, write_breakdown_xlsx

    searcher = open_store(args, build_if_missing=False)
    try:
        info, chunks = searcher.document(args.doc_id)
    except KeyError:
        known = ", ".join(n.doc_id for n in searcher.notices()[:10])
        print(f"error: no notice {args.doc_id!r} in the index (some there: {known})", file=sys.stderr)
        return 2
    rows = breakdown_rows(chunks)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write = write_breakdown_xlsx if args.out.suffix.lower() == ".xlsx" else write_breakdown_docx
    write(info, rows, args.out, chunks)
    print(f"wrote {args.out}: 《{info.title}》, {len(rows)} items with a duty note")
    return 0


def _overview(args: argparse.Namespace) -> int:
    from index.options import open_store
    from web.overview import build_overview, write_overview_xlsx

    searcher = open_store(args, build_if_missing=False)
    table = build_overview(searcher.all_chunks(), searcher.notices())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.out.suffix.lower() == ".xlsx":
        write_overview_xlsx(table, args.out)
    else:
        args.out.write_text(json.dumps(table.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {args.out}: {len(table.rows)} departments × {len(table.notices)} notices")
    return 0


if __name__ == "__main__":
    sys.exit(main())
