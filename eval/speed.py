"""``python -m eval.speed``: batch versus single-query throughput, and warm single-query latency.

Not a test: it measures this machine. Example (the figures in the README came from this)::

    python -m eval.speed --queries ../shared/bench/msgabench/queries.dev.jsonl -n 1000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from eval.metrics import percentile

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    """Time ``search_batch`` of n questions against n ``search`` calls on the same index."""
    parser = argparse.ArgumentParser(prog="python -m eval.speed", description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=Path, default=ROOT / "eval" / "queries" / "dev.jsonl")
    parser.add_argument("--index", type=Path, help="index directory (default: build/index, built on first use)")
    parser.add_argument("-n", type=int, default=1000, help="number of questions (the file is cycled)")
    parser.add_argument("-k", type=int, default=10)
    parser.add_argument("--mode", default="hybrid")
    args = parser.parse_args(argv)

    from eval.relevance import load_questions
    from index import Searcher

    searcher = Searcher.load(args.index)
    pool = [q.query for q in load_questions(args.queries)]
    queries = [pool[i % len(pool)] for i in range(args.n)]
    searcher.search(queries[0], k=args.k, mode=args.mode)  # warm up: model, BLAS, jieba

    started = time.perf_counter()
    searcher.search_batch(queries, k=args.k, mode=args.mode)
    batch = time.perf_counter() - started

    latencies = []
    for query in queries:
        started = time.perf_counter()
        searcher.search(query, k=args.k, mode=args.mode)
        latencies.append((time.perf_counter() - started) * 1000)
    single = sum(latencies) / 1000
    print(f"index: {len(searcher.chunks)} chunks, {searcher.dense.size} vectors; mode {args.mode}, k={args.k}")
    print(f"search_batch({args.n}): {batch:.2f} s ({args.n / batch:.0f} q/s)")
    print(f"{args.n} x search():   {single:.2f} s ({args.n / single:.0f} q/s)")
    print(f"batch speed-up: {single / batch:.1f}x")
    print(f"single-query latency: p50 {percentile(latencies, 50):.1f} ms, p95 {percentile(latencies, 95):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
