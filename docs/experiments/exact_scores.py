"""Exact scoring with torch or numpy behind the onnxruntime encoder, alternating, one process (rows.py's figure).

Build an index of MSGABench (41,055 rows: under ``EXACT_ROWS``, so every question is scored
exactly), then, from the project root::

    .venv/bin/python -m index build ../shared/bench/msgabench/passages.jsonl --index build/msga-idx --bulk
    PYTHONPATH=. .venv/bin/python docs/experiments/exact_scores.py build/msga-idx ../shared/bench/msgabench

Each question is answered once per variant in turn (torch's product, numpy's, numpy's on one
BLAS thread), so a noisy machine weighs on all three alike.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import ThreadpoolController

import index.stores.rows as rows
from index import Searcher


def _torch(self: rows.DenseRows, queries: np.ndarray) -> np.ndarray:
    import torch

    with torch.inference_mode():
        return (torch.from_numpy(self._exact_matrix()[0]) @ torch.from_numpy(np.ascontiguousarray(queries.T))).numpy()


def _numpy(self: rows.DenseRows, queries: np.ndarray) -> np.ndarray:
    return self._exact_matrix()[0] @ np.ascontiguousarray(queries.T)


_CONTROLLER = ThreadpoolController()


def _numpy_one_thread(self: rows.DenseRows, queries: np.ndarray) -> np.ndarray:
    with _CONTROLLER.limit(limits=1, user_api="blas"):
        return _numpy(self, queries)


searcher = Searcher.open(Path(sys.argv[1]), build_if_missing=False)
with (Path(sys.argv[2]) / "queries.dev.jsonl").open(encoding="utf-8") as lines:
    questions = [json.loads(line)["query"] for line in lines][:150]
variants = {"torch": _torch, "numpy": _numpy, "numpy, 1 BLAS thread": _numpy_one_thread}
times: dict[str, list[float]] = {name: [] for name in variants}
for question in questions:
    for name, score in variants.items():
        rows.DenseRows._score_rows = score  # type: ignore[method-assign]
        started = time.perf_counter()
        searcher.answer(question)
        times[name].append(time.perf_counter() - started)
for name, taken in times.items():
    taken.sort()
    print(f"{name}: p50 {1000 * taken[len(taken) // 2]:.1f} ms, p95 {1000 * taken[int(len(taken) * 0.95)]:.1f} ms")
