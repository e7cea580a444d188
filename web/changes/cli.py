"""``python -m web compare A B``: the comparison in a terminal, and as .xlsx or .json."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from web.changes.compare import Comparison, compare
from web.changes.sheet import plain_diff
from web.changes.status import KEPT


def _from_files(a: Path, b: Path) -> Comparison:
    """Parse two files and compare them with the bundled encoder (through the user's embedding cache)."""
    from index.encoders.cache import embed_cached
    from index.encoders.factory import make_embedder
    from ingest.api import load_notices

    sides = []
    for path in (a, b):
        notices = load_notices(path)
        if len(notices) != 1:
            raise ValueError(f"{path}: holds {len(notices)} notices; compare needs one file each")
        sides.append((notices[0].doc_id, notices[0].chunks))
    embedder = make_embedder(None)
    return compare(sides[0], sides[1], lambda texts: embed_cached(embedder, texts))


def _from_index(args: argparse.Namespace) -> Comparison:
    from index.options import open_store
    from web.changes.library import compare_documents, encoder_of

    searcher = open_store(args, build_if_missing=False)
    return compare_documents(searcher.document, encoder_of(searcher), args.a, args.b)


def text_report(comparison: Comparison, everything: bool = False) -> str:
    """The comparison for a terminal: a summary, then each changed item (and kept ones with ``everything``)."""
    lines = [f"《{comparison.before.title}》 → 《{comparison.after.title}》", comparison.summary(), ""]
    for change in comparison.rows:
        if change.status == KEPT and not change.changes and not everything:
            continue
        b, a = change.before, change.after
        where = " → ".join(x.path for x in (b, a) if x is not None)
        extra = f"（{'、'.join(change.changes)}）" if change.changes else ""
        lines.append(f"[{change.status}]{extra} {where}")
        body = plain_diff(change.diff) if change.diff else (a or b).body  # type: ignore[union-attr]
        lines.append("    " + body.replace("\n", " "))
    return "\n".join(lines)


def run_compare(args: argparse.Namespace) -> int:
    """Compare, print, and write ``args.out`` when given; returns the exit code (2: no such notice or file type)."""
    if args.out is not None and args.out.suffix.lower() not in (".xlsx", ".json"):
        print(f"error: {args.out}: write .xlsx or .json", file=sys.stderr)
        return 2
    files = [Path(x) for x in (args.a, args.b)]
    try:
        comparison = _from_files(*files) if all(f.is_file() for f in files) else _from_index(args)
    except KeyError as exc:
        print(f"error: no notice {exc} in the index (give two doc_ids of it, or two files)", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(text_report(comparison, args.all))
    if args.out is not None:
        from web.changes.api import comparison_json
        from web.changes.sheet import write_comparison_xlsx

        args.out.parent.mkdir(parents=True, exist_ok=True)
        if args.out.suffix.lower() == ".xlsx":
            write_comparison_xlsx(comparison, args.out)
        else:
            args.out.write_text(json.dumps(comparison_json(comparison), ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"wrote {args.out}")
    return 0
