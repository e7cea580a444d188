"""Command line: ``python -m index build | search | batch | add | remove | repair``."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sqlite3
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from index.answer import NEAREST_HEADING, Answer, Hit
from index.filters import Filters, filters_from
from index.fuse import DEFAULT_MODE, MODES
from index.options import (
    add_reranker_options,
    add_store_options,
    backend_of,
    embedder_of,
    open_store,
    reranker_of,
    target_of,
    where_of,
)
from index.paths import DEFAULT_CORPUS, default_data_dir, default_index_path
from index.views import clause_label

if TYPE_CHECKING:
    from ingest import Chunk


def _filters(args: argparse.Namespace) -> Filters | None:
    return filters_from(
        doc_id=args.doc, issuer=args.issuer, lead=args.lead, year=args.year, date_from=args.date_from,
        date_to=args.date_to, due_before=args.due_before,
    )  # fmt: skip


def format_hit(hit: Hit) -> str:
    """A hit as a few readable lines: rank, notice, section, label, leads, then the clause."""
    where = " › ".join([hit.title or hit.notice_title, *hit.section])
    lines = [f"[{hit.rank}] {where}  {clause_label(hit.label, hit.kind)}  (score {hit.score:.4f}, {hit.id})"]
    meta = [x for x in (hit.issuer, hit.date) if x]
    if meta:
        lines.append("    " + " · ".join(meta))
    if hit.lead or hit.support:
        lines.append(f"    牵头: {'、'.join(hit.lead) or '—'}   配合: {'、'.join(hit.support) or '—'}")
    if hit.deadline:
        lines.append(f"    完成时限: {hit.deadline}" + (f" ({hit.due})" if hit.due else ""))
    text = hit.text if len(hit.text) <= 240 else hit.text[:240] + "…"
    lines.append("    " + text.replace("\n", "\n    "))
    return "\n".join(lines)


def format_answer(answer: Answer) -> str:
    """The whole answer for a terminal."""
    if answer.abstained:
        out = [f"{answer.message} (no matching clause)"]
        if answer.nearest:
            out.append(NEAREST_HEADING)
            out += [format_hit(h) for h in answer.nearest]
        return "\n\n".join(out)
    out = [answer.warning] if answer.warning else []
    if answer.asks_responsibility and answer.leads:
        out.append("牵头部门:\n" + "\n".join("  " + line for line in answer.lead_line().splitlines()))
    out += [format_hit(h) for h in answer.hits]
    return "\n\n".join(out)


def _read_questions(path: Path) -> list[tuple[str, str]]:
    lines = [ln for ln in path.read_text(encoding="utf-8-sig").splitlines() if ln.strip()]
    if path.suffix.lower() != ".jsonl":
        return [(str(i), ln.strip()) for i, ln in enumerate(lines, 1)]
    out = []
    for number, line in enumerate(lines, 1):
        try:
            record = json.loads(line)
            out.append((str(record.get("id", number)), str(record["query"])))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: expected a JSON object with a 'query' field ({exc})") from exc
    return out


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m index", description="Build and query the clause index.")
    sub = parser.add_subparsers(dest="command", required=True)

    build = sub.add_parser("build", help="index notices (files or directories)")
    build.add_argument("paths", nargs="+", type=Path)
    add_store_options(build, "index directory to write (default: $POLICY_QA_INDEX or build/index)")
    build.add_argument("--out", dest="index", type=Path, help=argparse.SUPPRESS)  # the earlier name of --index
    add_reranker_options(build)
    build.add_argument("--bulk", action="store_true", help="a deliberate bulk load: raise the per-file input limits")

    for name, help_text in (("search", "answer one question"), ("batch", "answer a file of questions")):
        cmd = sub.add_parser(name, help=help_text)
        if name == "search":
            cmd.add_argument("query")
            cmd.add_argument("--json", action="store_true", help="print JSON instead of text")
        else:
            cmd.add_argument("questions", type=Path, help=".txt (one per line) or .jsonl (with 'query')")
            cmd.add_argument("-o", "--out", type=Path, required=True, help="results, one JSON object per line")
        cmd.add_argument("-k", type=int, default=5, help="number of results (default 5)")
        cmd.add_argument("--mode", choices=MODES, default=DEFAULT_MODE, help=f"default {DEFAULT_MODE}")
        cmd.add_argument(
            "--group-by", choices=["doc"], default=None, help="doc: only the best chunk of each notice or passage"
        )
        add_store_options(
            cmd, "index directory (default: $POLICY_QA_INDEX or build/index, built from data/notices on first use)"
        )
        cmd.add_argument("--doc", action="append", help="only this doc_id (repeatable)")
        cmd.add_argument("--issuer")
        cmd.add_argument("--lead", help="only items led by this department")
        cmd.add_argument("--year", type=int)
        cmd.add_argument("--date-from", dest="date_from")
        cmd.add_argument("--date-to", dest="date_to")
        cmd.add_argument("--due-before", dest="due_before", help="only items due on or before this ISO date")

    changes = (("add", "add notices (files or directories) to an index in place, replacing same doc_ids"),)
    changes += (("remove", "remove notices from an index in place, by doc_id"),)
    for name, help_text in changes:
        cmd = sub.add_parser(name, help=help_text)
        if name == "add":
            cmd.add_argument("paths", nargs="+", type=Path)
            cmd.add_argument("--bulk", action="store_true", help="raise the per-file input limits")
        else:
            cmd.add_argument("doc_ids", nargs="+")
        add_store_options(cmd, "index directory (default: $POLICY_QA_INDEX or build/index)")

    repair = sub.add_parser(
        "repair",
        help="rebuild a damaged local index from its notices and the app's stored uploads (doc_ids and hashes kept)",
    )
    repair.add_argument(
        "paths", nargs="*", type=Path, default=[DEFAULT_CORPUS], help="notices built in (default data/notices)"
    )
    add_store_options(repair, "index directory to rebuild (default: $POLICY_QA_INDEX or build/index)")
    repair.add_argument(
        "--data",
        type=Path,
        default=default_data_dir(),
        help="the app's data folder, whose uploads/ are read again (default: $POLICY_QA_DATA or build/data)",
    )

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    from ingest import bounds

    with bounds.using(bounds.BULK if getattr(args, "bulk", False) else bounds.DEFAULT):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    """Carry out one parsed command; returns the exit code."""
    from index import ExportError, IndexMismatchError, IndexNotFoundError, Searcher
    from index.errors import IndexChangedError

    try:
        if args.command == "build":
            started = time.time()
            target = target_of(args) or default_index_path()
            reranker = reranker_of(args)
            chunks = bounded_chunks(args.paths)  # each file in a child process, bounded as the app's uploads
            searcher = Searcher.build(
                chunks, target, collection=args.collection, token=os.environ.get("MILVUS_TOKEN", ""),
                embedder=embedder_of(args), show_progress=True, reranker=reranker, backend=backend_of(args),
            )  # fmt: skip
            if reranker is not None:
                print(f"reranking the top {reranker.depth} candidates with {reranker.path}")
            print(
                f"indexed {len(searcher)} chunks from {len(searcher.notices())} documents "
                f"into {where_of(args)} in {time.time() - started:.1f} s"
            )
            return 0
        if args.command == "repair":
            return _repair(args)
        if args.command in ("add", "remove"):
            started = time.time()
            from index.writing import writing

            with writing(open_store(args, build_if_missing=False)) as before:  # one writer at a time
                chunks, notices = len(before), len(before.notices())
                loaded = time.time()
                after = before.add(bounded_chunks(args.paths)) if args.command == "add" else before.remove(args.doc_ids)
            print(
                f"{args.command}: {chunks} → {len(after)} chunks, "
                f"{notices} → {len(after.notices())} documents in {where_of(args)} "
                f"({time.time() - loaded:.1f} s; loading took {loaded - started:.1f} s)"
            )
            return 0
        searcher = open_store(args, build_if_missing=target_of(args) is None)
        filters = _filters(args)
        if args.command == "search":
            answer = searcher.answer(args.query, k=args.k, mode=args.mode, filters=filters, group_by=args.group_by)
            if args.json:
                print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
            else:
                print(format_answer(answer))
            return 0
        questions = _read_questions(args.questions)
        from tqdm import tqdm

        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("w", encoding="utf-8") as handle:
            for start in tqdm(range(0, len(questions), 64), desc="questions", unit="batch"):
                part = questions[start : start + 64]
                answers = searcher.answer_batch(
                    [q for _, q in part], k=args.k, mode=args.mode, filters=filters, group_by=args.group_by
                )
                for (qid, _), answer in zip(part, answers, strict=True):
                    record = {"id": qid, **answer.to_dict()}  # when abstained: no hits, the closest as "nearest"
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        print(f"wrote {len(questions)} results to {args.out}")
        return 0
    except (
        IndexNotFoundError, IndexMismatchError, IndexChangedError, ExportError, FileNotFoundError, ValueError, KeyError,
        TimeoutError,
    ) as exc:  # fmt: skip
        print(f"error: {exc.args[0] if isinstance(exc, KeyError) else exc}", file=sys.stderr)
        return 2
    except (OSError, sqlite3.Error) as exc:  # disk full, permissions: the previous index is untouched
        where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
        message = f"error: could not read or write{where}: {getattr(exc, 'strerror', None) or exc}."
        if args.command in ("build", "add", "remove", "repair"):
            again = f"the {args.command}"
            message += f" The previous index (if any) is unchanged; free space or fix permissions, then rerun {again}."
        print(message, file=sys.stderr)
        return 1


def bounded_chunks(paths: list[str]) -> list[Chunk]:
    """The chunks of the files named, each read in a child under the per-file memory and time limits.

    Raises:
        ValueError: when no file could be read (each skipped one is named as a warning).
    """
    from ingest.bounded import load_bounded

    chunks = [chunk for notice in load_bounded(paths) for chunk in notice.chunks]
    if not chunks:
        raise ValueError(f"nothing to index from {', '.join(map(str, paths))}: no readable notices")
    return chunks


def _repair(args: argparse.Namespace) -> int:
    """``python -m index repair``: rebuild a local index, its uploads kept; exit 1 if a file was left out."""
    from index.writing import repair

    if args.milvus:
        print("error: repair rebuilds a local index; rebuild a Milvus collection with build --milvus", file=sys.stderr)
        return 2
    started = time.time()
    target = target_of(args) or default_index_path()
    uploads = args.data / "uploads"
    searcher, problems = repair(target, args.paths, uploads, embedder=embedder_of(args), backend=backend_of(args))
    uploaded = sum(1 for n in searcher.notices() if n.sha256)
    from index.stores.removals import read_removed

    removed = len(read_removed(Path(target)))
    print(
        f"repaired {target}: {len(searcher.notices()) - uploaded} notices from {', '.join(map(str, args.paths))} "
        f"and {uploaded} uploads from {uploads}, {len(searcher)} chunks ({time.time() - started:.1f} s); "
        f"{removed} removed notices stay removed"
    )
    for problem in problems:
        print(f"warning: left out {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
