r"""``python -m eval.harness.coldload``: how long a new process takes to open an index and answer.

Not a test: it measures this machine. Each run is a fresh Python process that imports the
package, opens the index with the model and backend it records (``Searcher.open``), answers one
question, then a second; the times are from the process's start, so imports count. The page
cache is as the previous run left it (warm after the first run): the figure is a restart's.
Example (docs/performance.md)::

    python -m eval.harness.coldload --index build/bench-laws-int8/index --runs 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from index.paths import ROOT

_PROBE = """
import json, sys, time
started = time.perf_counter()
from index import Searcher
imported = time.perf_counter()
searcher = Searcher.open(sys.argv[1], build_if_missing=False)
opened = time.perf_counter()
searcher.search(sys.argv[2], k=10)
first = time.perf_counter()
searcher.search(sys.argv[3], k=10)
second = time.perf_counter()
print(json.dumps({"import_s": imported - started, "open_s": opened - started, "first_answer_s": first - started,
                  "second_search_s": second - first, "chunks": len(searcher),
                  "backend": getattr(searcher.embedder, "backend", "torch")}))
"""


def run(index: Path, runs: int, questions: tuple[str, str]) -> dict[str, Any]:
    """Time ``runs`` fresh processes; returns each run and the medians."""
    results = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", _PROBE, str(index), *questions],
            capture_output=True, text=True, cwd=ROOT, check=True,
        )  # fmt: skip
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(json.dumps(results[-1]), flush=True)
    keys = ("import_s", "open_s", "first_answer_s", "second_search_s")
    median = {k: round(statistics.median(r[k] for r in results), 2) for k in keys}
    return {"index": str(index), "runs": results, "median": median, "chunks": results[0]["chunks"]}


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run, print the report."""
    parser = argparse.ArgumentParser(prog="python -m eval.harness.coldload", description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, help="the index directory to open")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--question", default="安全生产责任制由哪个部门负责", help="the first question")
    parser.add_argument("--second", default="食品安全监督管理", help="the second question")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.index, args.runs, (args.question, args.second)), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
