r"""``python -m eval.harness.staff``: how long staff wait for a department's task list and a notice view.

Not a test: it measures this machine, on the index the options name (the bundled notices by
default), through the same calls the web app makes (:class:`web.library.Library` and
:func:`web.notice_view.notice_html`):

- the department list (the 部门任务 dropdown): the first call after the index opens (it reads
  every chunk once) and a warm one;
- one department's task list, for every department (p50 / p90 / max);
- a notice view (the notice's chunks read from the store, rendered with the clause marked), for
  ``-n`` clauses drawn at random, and for the longest notice.

``--corpus PATH --notices N --out DIR`` first builds an index of N notices drawn from PATH with
a fixed seed (kept in DIR; the next run opens it)::

    python -m eval.harness.staff
    python -m eval.harness.staff --corpus ../shared/corpus/laws --notices 2000 --out build/staff-laws-2000
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from eval.metrics import percentile
from index.options import add_store_options, open_store, where_of


def _ms(seconds: list[float]) -> dict[str, float]:
    """p50 / p90 / max of timings, in milliseconds."""
    values = [s * 1000 for s in seconds]
    if not values:
        return {"p50_ms": None, "p90_ms": None, "max_ms": None}
    return {
        "p50_ms": round(percentile(values, 50), 2),
        "p90_ms": round(percentile(values, 90), 2),
        "max_ms": round(max(values), 2),
    }


def _timed(call: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    value = call()
    return time.perf_counter() - started, value


def sample_files(corpus: Path, notices: int, seed: int) -> list[Path]:
    """``notices`` files of a corpus directory, drawn with a fixed seed (all of them when there are fewer)."""
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and not p.name.startswith("README"))
    random.Random(seed).shuffle(files)
    return sorted(files[:notices]) if notices else files


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Open (or build) the index and time the staff views; returns the report."""
    from index import Searcher
    from web.library import Library
    from web.notice_view import notice_html

    started = time.perf_counter()
    if args.corpus:
        manifest = args.out / "manifest.json"
        if manifest.exists():
            searcher = Searcher.open(args.out)
        else:
            searcher = Searcher.build(sample_files(args.corpus, args.notices, args.seed), args.out, show_progress=True)
        where = str(args.out)
    else:
        searcher = open_store(args, build_if_missing=args.index is None and not args.milvus)
        where = where_of(args)
    opened = time.perf_counter() - started
    library = Library(searcher, Path(tempfile.mkdtemp(prefix="staff-bench-")))

    first, names = _timed(library.departments)
    warm, _ = _timed(library.departments)
    task_times, sizes = [], []
    for name in names:
        seconds, tasks = _timed(lambda name=name: library.tasks(name))
        task_times.append(seconds)
        sizes.append(len(tasks))

    notices = searcher.notices()
    rng = random.Random(args.seed)
    picks = [rng.choice(notices) for _ in range(args.n)]
    view_times, pages = [], []
    for notice in picks:

        def view(doc_id: str = notice.doc_id) -> str:
            info, chunks = searcher.document(doc_id)
            return notice_html(info, chunks, rng.choice(chunks).id)

        seconds, page = _timed(view)
        view_times.append(seconds)
        pages.append(len(page))
    longest = max(notices, key=lambda n: n.chunks)
    longest_time, longest_page = _timed(lambda: notice_html(*searcher.document(longest.doc_id)))
    return {
        "index": where,
        "store": searcher.store.describe(),
        "notices": len(notices),
        "chunks": len(searcher),
        "open_seconds": round(opened, 1),
        "department_list": {
            "departments": len(names),
            "first_ms": round(first * 1000, 1),
            "warm_ms": round(warm * 1000, 2),
        },
        "task_list": {**_ms(task_times), "departments": len(names), "max_items": max(sizes, default=0)},
        "notice_view": {**_ms(view_times), "views": len(picks), "mean_kb": round(sum(pages) / len(pages) / 1024, 1)},
        "longest_notice": {
            "doc_id": longest.doc_id,
            "chunks": longest.chunks,
            "ms": round(longest_time * 1000, 1),
            "html_kb": round(len(longest_page) / 1024, 1),
        },
    }


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run, print the report (JSON)."""
    parser = argparse.ArgumentParser(prog="python -m eval.harness.staff", description=__doc__.splitlines()[0])
    add_store_options(parser, "index directory (default: build/index, built from data/notices on first use)")
    parser.add_argument("--corpus", type=Path, help="build an index of --notices files drawn from this directory")
    parser.add_argument("--notices", type=int, default=2000, help="notices drawn from --corpus (0: all)")
    parser.add_argument("--out", type=Path, default=Path("build/staff"), help="where the --corpus index is kept")
    parser.add_argument("-n", type=int, default=200, help="notice views timed (default 200)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.corpus and (args.index or args.milvus):
        parser.error("--corpus builds its own index in --out; do not combine it with --index or --milvus")
    print(json.dumps(run(args), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
