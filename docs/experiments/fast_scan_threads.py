"""How FAISS scans one question's fast-scan IVF lists on two threads: implementations 0, 12 and 14, alternating.

``index/dense.py`` sets implementation 14 for a single question (its probed lists shared by the
threads) and 0 for a batch. From the project root (≈ 3 min, ≈ 3 GiB; the pool is ``eval.harness.ann``'s)::

    PYTHONPATH=. .venv/bin/python docs/experiments/fast_scan_threads.py 1000000

Each round times 200 distinct questions under every setting in turn, so a noisy shared machine
weighs on all alike; two rounds. Prints p50 / p95 ms per setting and round.
"""

from __future__ import annotations

import sys
import time

from eval.harness.ann import pool, queries, replicate
from eval.metrics import percentile
from index.dense import IVF_NPROBE, IVF_RERANK, DenseIndex


def main(rows: int) -> None:
    """Build the fast-scan IVF the pipeline would at ``rows`` rows and time each implementation."""
    import faiss

    faiss.omp_set_num_threads(2)
    vectors = replicate(pool(), rows, 0.15)
    questions = queries(200)
    index = DenseIndex(vectors.shape[1], "ivf").add(vectors)._index  # trained and filled as a build does
    params = faiss.SearchParametersIVF(nprobe=IVF_NPROBE)
    for round_ in (1, 2):
        for implem in (0, 12, 14):
            index.implem = implem
            times = []
            for q in questions:
                started = time.perf_counter()
                index.search(q[None, :], IVF_RERANK, params=params)
                times.append((time.perf_counter() - started) * 1000)
            p50, p95 = percentile(times, 50), percentile(times, 95)
            print(f"round {round_} implem {implem:>2}: p50 {p50:.2f} ms, p95 {p95:.2f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
