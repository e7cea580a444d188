r"""``python -m eval.harness.ann``: which FAISS index holds a million chunks' vectors in bounded memory, measured.

Vectors that cost nothing: real passage vectors from the embedding cache (whatever this machine
has encoded: MSGABench, the laws sample, the wild notices…) replicated to ``--rows`` rows, each
copy moved by a small random step and renormalised (``--noise``: the step's length, so copies
are near but distinct, as a province's near-duplicate notices are). Queries are real questions
encoded by the bundled model (MSGABench's, the dev and laws sets'). Ground truth is exact inner
product over the same rows (FAISS Flat); each candidate index is built, then measured: build
time, its size in memory (serialised), single-question latency p50/p95 (one thread scans a
question's lists, FAISS's default; the pipeline scans them on all threads: ``index.dense``),
and recall@10 against exact, after re-ranking its candidates exactly from a memory-mapped
float32 file where the index keeps only codes.

    python -m eval.harness.ann --rows 1000000 --out build/ann-1m.json
    python -m eval.harness.ann --rows 3500000 --skip-hnsw --out build/ann-3.5m.json

What it does not model: the chunk layer above the rows (a chunk's score mixes its text's row and
its best sentence row; recall here is of rows), filters, and BM25.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from eval.metrics import percentile
from index.dense import IVF_NPROBE, IVF_NPROBE_SQ8, IVF_RERANK, ivf_codes, ivf_lists
from index.paths import ROOT, cache_root

#: Questions whose vectors are the queries (JSON Lines with "query"), read when present.
QUESTION_FILES = (
    ROOT.parent / "shared" / "bench" / "msgabench" / "queries.dev.jsonl",
    ROOT / "eval" / "queries" / "dev.jsonl",
    ROOT / "eval" / "queries" / "laws.jsonl",
    ROOT / "eval" / "queries" / "wild.jsonl",
)
K = 10


def pool(limit: int | None = None) -> np.ndarray:
    """Every 384-dimensional vector in the embedding caches of this machine (float32, normalised)."""
    vectors = []
    for path in sorted((cache_root() / "embeddings").glob("*-384-*.sqlite")):
        if path.name.startswith("scale-pool"):
            continue  # eval.harness.scale's own vectors are not real ones
        with sqlite3.connect(str(path)) as db:
            for (blob,) in db.execute("SELECT v FROM vec"):
                vectors.append(np.frombuffer(blob, dtype=np.float32))
                if limit and len(vectors) >= limit:
                    break
    if not vectors:
        raise SystemExit("no cached vectors: build any index first (python -m index build …)")
    out = np.stack(vectors)
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def replicate(base: np.ndarray, rows: int, noise: float, seed: int = 7) -> np.ndarray:
    """``rows`` vectors: the pool repeated, each copy after the first moved by a step of length ``noise``."""
    rng = np.random.default_rng(seed)
    out = np.empty((rows, base.shape[1]), dtype=np.float32)
    for start in range(0, rows, len(base)):
        part = base[: min(len(base), rows - start)]
        if start:
            step = rng.standard_normal(part.shape).astype(np.float32)
            step *= noise / np.linalg.norm(step, axis=1, keepdims=True)
            part = part + step
            part /= np.linalg.norm(part, axis=1, keepdims=True)
        out[start : start + len(part)] = part
    return out


def question_texts(limit: int) -> list[str]:
    """Up to ``limit`` distinct real questions (:data:`QUESTION_FILES`, those present), in a fixed shuffled order."""
    texts: list[str] = []
    for path in QUESTION_FILES:
        if path.exists():
            texts += [json.loads(line)["query"] for line in path.read_text(encoding="utf-8").splitlines() if line]
    texts = list(dict.fromkeys(texts))
    rng = np.random.default_rng(11)
    return [texts[i] for i in rng.permutation(len(texts))[:limit]]


def queries(limit: int) -> np.ndarray:
    """Real questions encoded as queries by the bundled model."""
    from index.encoders.factory import make_embedder

    return make_embedder().encode(question_texts(limit), query=True).astype(np.float32)


def _timed_search(search: Callable[[np.ndarray], np.ndarray], qs: np.ndarray) -> tuple[np.ndarray, list[float]]:
    found, times = [], []
    for q in qs:
        started = time.perf_counter()
        found.append(search(q[None, :]))
        times.append((time.perf_counter() - started) * 1000)
    return np.stack(found), times


def _rerank(vectors: np.ndarray, q: np.ndarray, ids: np.ndarray) -> np.ndarray:
    ids = ids[ids >= 0]
    scores = vectors[ids] @ q[0]
    return ids[np.argsort(-scores, kind="stable")[:K]]


def measure(vectors: np.ndarray, qs: np.ndarray, truth: np.ndarray, spec: dict[str, Any], mapped: np.ndarray) -> dict:
    """Build one candidate and measure it (``spec``: factory string, search parameters, re-rank depth)."""
    import faiss

    started = time.perf_counter()
    index = faiss.index_factory(vectors.shape[1], spec["factory"], faiss.METRIC_INNER_PRODUCT)
    if not index.is_trained:
        train = vectors[np.random.default_rng(3).permutation(len(vectors))[: spec.get("train", 200_000)]]
        index.train(train)
    if "efConstruction" in spec:
        faiss.downcast_index(index).hnsw.efConstruction = spec["efConstruction"]
    for start in range(0, len(vectors), 200_000):
        index.add(vectors[start : start + 200_000])
    built = time.perf_counter() - started
    size = len(faiss.serialize_index(index))
    params = faiss.ParameterSpace()
    for name, value in spec.get("search", {}).items():
        params.set_index_parameter(index, name, value)
    depth = spec.get("rerank", 0)

    def search(q: np.ndarray) -> np.ndarray:
        _, ids = index.search(q, max(K, depth))
        return _rerank(mapped, q, ids[0]) if depth else ids[0][:K]

    found, times = _timed_search(search, qs)
    recall = float(np.mean([len(set(f) & set(t)) / K for f, t in zip(found, truth, strict=True)]))
    return {
        **spec, "build_s": round(built, 1), "index_mib": round(size / 2**20, 1),
        "p50_ms": round(percentile(times, 50), 2), "p95_ms": round(percentile(times, 95), 2),
        "recall_at_10": round(recall, 4),
    }  # fmt: skip


def candidates(rows: int, skip_hnsw: bool, dim: int = 384) -> list[dict[str, Any]]:
    """The indexes compared: HNSW, then IVF (the lists ``index.dense`` would make) with 8-bit or 4-bit codes.

    Each IVF candidate re-ranks 800 rows exactly, as the pipeline asks (100 chunks × 8 rows).
    """
    lists = ivf_lists(rows)
    out = [] if skip_hnsw else [
        {"factory": "HNSW32,Flat", "efConstruction": 80, "search": {"efSearch": 256}},
        {"factory": "HNSW32,SQ8", "efConstruction": 80, "search": {"efSearch": 256}, "rerank": 50},
    ]
    out.append({"factory": f"IVF{lists},SQ8", "search": {"nprobe": IVF_NPROBE_SQ8}, "rerank": IVF_RERANK})
    for nprobe in (256, IVF_NPROBE):
        out.append({"factory": f"IVF{lists},{ivf_codes(dim)}", "search": {"nprobe": nprobe}, "rerank": IVF_RERANK})
    out.append({"factory": f"IVF{lists},PQ{dim // 2}x4fsr", "search": {"nprobe": IVF_NPROBE}, "rerank": IVF_RERANK})
    return out  # fmt: skip


def parse_spec(text: str) -> dict[str, Any]:
    """A candidate from ``FACTORY[:param=value…]``: nprobe/efSearch search, efConstruction, rerank.

    >>> parse_spec("IVF2048,SQ8:nprobe=128:rerank=64")
    {'factory': 'IVF2048,SQ8', 'search': {'nprobe': 128}, 'rerank': 64}
    """
    factory, *parts = text.split(":")
    spec: dict[str, Any] = {"factory": factory, "search": {}}
    for part in parts:
        name, _, value = part.partition("=")
        if name in ("nprobe", "efSearch"):
            spec["search"][name] = int(value)
        else:
            spec[name] = int(value)
    return spec


def main(argv: list[str] | None = None) -> int:
    """Build the rows, the ground truth and each candidate; print and write the table."""
    parser = argparse.ArgumentParser(prog="python -m eval.harness.ann", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="vectors in the index (default 1,000,000)")
    parser.add_argument("--noise", type=float, default=0.15, help="length of each copy's random step (default 0.15)")
    parser.add_argument("--queries", type=int, default=300, help="questions measured (default 300)")
    parser.add_argument("--skip-hnsw", action="store_true", help="leave out the HNSW candidates (slow to build)")
    parser.add_argument(
        "--only", help="these candidates instead, ';'-separated, e.g. 'IVF2048,SQ8:nprobe=128:rerank=64;HNSW32,SQ8'"
    )
    parser.add_argument("--threads", type=int, default=1, help="FAISS threads (default 1: faster here, notes/scale.md)")
    parser.add_argument("--out", type=Path, help="write the results as JSON")
    args = parser.parse_args(argv)
    import faiss

    faiss.omp_set_num_threads(args.threads)
    started = time.time()
    base = pool()
    vectors = replicate(base, args.rows, args.noise)
    qs = queries(args.queries)
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    truth_found, truth_times = _timed_search(lambda q: exact.search(q, K)[1][0], qs)
    exact.reset()  # its memory back before the candidates are built
    with tempfile.TemporaryDirectory(dir=ROOT / "build") as folder:
        path = Path(folder) / "vectors.f32"
        vectors.tofile(path)
        mapped = np.memmap(path, dtype=np.float32, mode="r", shape=vectors.shape)  # what a re-rank reads
        results = [{"factory": "Flat (exact)", "p50_ms": round(percentile(truth_times, 50), 2),
                    "p95_ms": round(percentile(truth_times, 95), 2), "recall_at_10": 1.0,
                    "index_mib": round(vectors.nbytes / 2**20, 1)}]  # fmt: skip
        wanted = args.only.split(";") if args.only else []
        specs = [parse_spec(s) for s in wanted] or candidates(args.rows, args.skip_hnsw, vectors.shape[1])
        for spec in specs:
            results.append(measure(vectors, qs, truth_found, spec, mapped))
            print(json.dumps(results[-1]), flush=True)
    report = {
        "rows": args.rows, "pool": len(base), "noise": args.noise, "queries": len(qs), "threads": args.threads,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs", "date": time.strftime("%Y-%m-%d"),
        "seconds": round(time.time() - started), "results": results,
    }  # fmt: skip
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{'index':<22}{'build s':>9}{'MiB':>9}{'p50 ms':>9}{'p95 ms':>9}{'R@10':>8}")
    for r in results:
        print(f"{r['factory'] + (' +' + str(r['rerank']) if r.get('rerank') else ''):<22}{r.get('build_s', '—'):>9}"
              f"{r['index_mib']:>9}{r['p50_ms']:>9}{r['p95_ms']:>9}{r['recall_at_10']:>8}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
