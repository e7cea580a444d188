r"""``python -m eval.harness.bench``: build and query figures for a large corpus, in one run.

Not a test: it measures this machine. Reports ingest throughput, the build's embedding
throughput against raw ``model.encode`` on a sample of the same texts (the ratio is the
figure), build wall time and peak memory, index size on disk, query latency single and
batched (questions per second each way and the batch speed-up), the cost of an update,
and the recall of an HNSW index against the exact one on the same vectors.

Embeddings go to the normal cache as they are computed, so a killed run resumes where it
stopped: run the same command again. Examples (docs/performance.md came from these)::

    python -m eval.harness.bench --corpus ../shared/corpus/laws --limit 20000 --out build/bench-laws-20k
    python -m eval.harness.bench --corpus ../shared/bench/msgabench/passages.jsonl \
        --queries ../shared/bench/msgabench/queries.dev.jsonl --out build/bench-msga
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from eval.metrics import percentile
from index.encoders.base import BACKENDS, DEFAULT_BACKEND
from index.fuse import DEFAULT_MODE
from index.paths import DEFAULT_CORPUS


def _dir_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _questions(path: Path | None, chunks: list[Any], n: int, rng: random.Random) -> tuple[list[str], str]:
    """Gold questions from a file, or, for a corpus without any, the opening words of random chunks."""
    if path is not None:
        from eval.relevance import load_questions

        pool = [q.query for q in load_questions(path)]
        return [pool[i % len(pool)] for i in range(n)], f"{path.name} (cycled to {n})"
    picks = [rng.choice(chunks).text for _ in range(n)]
    return [text[:30] for text in picks], f"the first 30 characters of {n} random chunks"


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Do the measurements; returns the report (also written to ``OUT/bench.json``)."""
    import ingest
    from index import Searcher
    from index.dense import DenseIndex
    from index.encoders.base import backend_of
    from index.encoders.cache import EmbeddingCache, cache_file_name
    from index.encoders.factory import make_embedder
    from index.paths import cache_root
    from index.views import sentence_views

    rng = random.Random(args.seed)
    report: dict[str, Any] = {"corpus": str(args.corpus), "limit": args.limit}

    started = time.perf_counter()
    notices = ingest.load_notices(args.corpus)
    ingest_seconds = time.perf_counter() - started
    chunks = [c for n in notices for c in n.chunks]
    report["ingest"] = {
        "documents": len(notices),
        "chunks": len(chunks),
        "seconds": round(ingest_seconds, 2),
        "chunks_per_s": round(len(chunks) / ingest_seconds),
    }
    if args.limit:
        chunks = chunks[: args.limit]
    total = report["ingest"]["chunks"]
    print(f"ingest: {len(notices)} documents, {total} chunks in {ingest_seconds:.1f} s", flush=True)

    embedder = make_embedder(args.model, args.backend)
    report["backend"] = backend_of(embedder)
    texts = [t for c in chunks for t in (c.text, *sentence_views(c))]
    cache_path = cache_root() / "embeddings" / cache_file_name(embedder)
    cache = EmbeddingCache(cache_path, embedder.dim)
    from index.encoders.cache import text_key

    distinct = {text_key(t) for t in texts}
    cached_before = len(cache.get(sorted(distinct)))
    cache.close()
    print(f"build: {len(chunks)} chunks, {len(texts)} texts ({len(distinct) - cached_before} to encode)", flush=True)

    index_dir = args.out / "index"
    started = time.perf_counter()
    searcher = Searcher.build(chunks, index_dir, embedder=embedder, show_progress=True, dense_kind=args.dense_kind)
    build_seconds = time.perf_counter() - started
    encoded = len(distinct) - cached_before
    report["build"] = {
        "chunks": len(chunks),
        "vectors": searcher.store.rows.count,
        "texts_encoded": encoded,
        "texts_cached": cached_before,
        "seconds": round(build_seconds, 1),
        "peak_rss_mib": round(_peak_rss_mib()),
        "index_mib": round(_dir_bytes(index_dir) / 2**20, 1),
        "dense_index": searcher.store.dense_index.params,
    }

    sample = rng.sample(texts, min(args.sample, len(texts)))
    embedder.encode(sample[:32])
    started = time.perf_counter()
    embedder.encode(sample)
    raw_rate = len(sample) / (time.perf_counter() - started)
    report["encode"] = {"raw_texts_per_s": round(raw_rate, 1), "sample": len(sample)}
    if encoded >= args.sample:  # the build's own rate is only meaningful when it encoded a lot
        build_rate = encoded / build_seconds
        report["encode"].update(build_texts_per_s=round(build_rate, 1), ratio=round(raw_rate / build_rate, 3))
    print(f"encode: raw {raw_rate:.1f} texts/s; build {report['encode'].get('build_texts_per_s', '—')}", flush=True)

    questions, source = _questions(args.queries, chunks, args.n, rng)
    searcher.search(questions[0], mode=args.mode)  # warm up: model, BLAS, jieba
    latencies = []
    for query in questions:
        started = time.perf_counter()
        searcher.search(query, k=10, mode=args.mode)
        latencies.append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    searcher.search_batch(questions, k=10, mode=args.mode)
    batch_ms = (time.perf_counter() - started) * 1000 / len(questions)
    single_ms = sum(latencies) / len(latencies)
    started = time.perf_counter()
    for query in questions:
        embedder.encode([query], query=True)
    encode_single = time.perf_counter() - started
    started = time.perf_counter()
    embedder.encode(questions, query=True)
    encoder_speedup = encode_single / (time.perf_counter() - started)
    report["query"] = {
        "questions": source,
        "mode": args.mode,
        "single_p50_ms": round(percentile(latencies, 50), 1),
        "single_p95_ms": round(percentile(latencies, 95), 1),
        "single_per_s": round(1000 / single_ms, 1),
        "batched_ms_per_query": round(batch_ms, 2),
        "batched_per_s": round(1000 / batch_ms, 1),
        "batch_speedup": round(single_ms / batch_ms, 2),
        # what batching gains in the encoder alone, and how much of it the whole search keeps
        "encoder_batch_speedup": round(encoder_speedup, 2),
        "batch_share_of_encoder": round(single_ms / batch_ms / encoder_speedup, 2),
    }
    print(f"query: {report['query']}", flush=True)

    report["update"] = _update(searcher, embedder, args.out)
    print(f"update: {report['update']}", flush=True)

    vectors = searcher.store.dense_index.storage()
    query_vectors = embedder.encode(questions, query=True)
    flat = DenseIndex(vectors.shape[1], "flat").add(vectors)
    started = time.perf_counter()
    hnsw = DenseIndex(vectors.shape[1], "hnsw").add(vectors)
    hnsw_build = time.perf_counter() - started
    ann: dict[str, Any] = {"vectors": len(vectors), "build_seconds": round(hnsw_build, 1), **hnsw.params}
    for name, index in (("flat", flat), ("hnsw", hnsw)):
        times = []
        found = []
        for row in query_vectors:
            started = time.perf_counter()
            found.append(index.search(row[None, :], 10)[0])
            times.append((time.perf_counter() - started) * 1000)
        ann[f"{name}_p50_ms"] = round(percentile(times, 50), 2)
        ann[f"{name}_top10"] = [[i for i, _ in hits] for hits in found]
    exact, approx = ann.pop("flat_top10"), ann.pop("hnsw_top10")
    overlap = [len(set(a) & set(e)) / len(e) for a, e in zip(approx, exact, strict=True) if e]
    ann["recall_at_10"] = round(float(np.mean(overlap)), 4)
    report["ann"] = ann
    report["machine"] = {"python": sys.version.split()[0], "cpus": os.cpu_count()}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return report


def _update(searcher: Any, embedder: Any, out: Path) -> dict[str, Any]:
    """Add one bundled notice to the saved index and remove it again, each saved in place.

    The notice is encoded for real (a fresh embedding cache) and that encoding is timed inside
    the add, so the figure the issue asks for, the update's own cost, is ``add − encode``.
    """
    import shutil

    import ingest
    from index.views import sentence_views

    notice = sorted(DEFAULT_CORPUS.glob("*.txt"))[0]
    chunks = ingest.load(notice)
    views = [t for c in chunks for t in (c.text, *sentence_views(c))]
    cache = out / "update-cache"
    shutil.rmtree(cache, ignore_errors=True)
    encoding = [0.0]
    encode = embedder.encode

    def timed(*args: Any, **kwargs: Any) -> Any:  # the add's own encoding, timed where it happens
        started = time.perf_counter()
        try:
            return encode(*args, **kwargs)
        finally:
            encoding[0] += time.perf_counter() - started

    embedder.encode = timed
    try:
        started = time.perf_counter()
        grown = searcher.add(chunks, cache_dir=cache)
        added = time.perf_counter() - started
    finally:
        del embedder.encode
    assert grown.search(chunks[-1].text[:40], k=10, mode="bm25")[0].doc_id == chunks[0].doc_id
    started = time.perf_counter()
    shrunk = grown.remove([chunks[0].doc_id])
    removed = time.perf_counter() - started
    assert all(h.doc_id != chunks[0].doc_id for h in shrunk.search(chunks[-1].text[:40], k=10))
    started = time.perf_counter()
    shrunk.store.compacted()
    compact = time.perf_counter() - started
    shutil.rmtree(cache, ignore_errors=True)
    return {
        "notice": notice.name,
        "chunks": len(chunks),
        "texts": len(views),
        "add_seconds": round(added, 2),
        "encode_seconds": round(encoding[0], 2),
        "add_without_encode_seconds": round(added - encoding[0], 2),
        "remove_seconds": round(removed, 2),
        "compact_seconds": round(compact, 1),
        "how": "in place: new rows appended, deleted ones tombstoned, the index saved as its base (linked) "
        "plus the changes; nothing old re-encoded or rebuilt",
    }


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run, print the report."""
    parser = argparse.ArgumentParser(prog="python -m eval.harness.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="files or a directory to index")
    parser.add_argument("--limit", type=int, default=0, help="index only the first N chunks (0: all)")
    parser.add_argument("--queries", type=Path, help="a question file (default: chunk openings as questions)")
    parser.add_argument("-n", type=int, default=1000, help="questions timed (default 1000)")
    parser.add_argument("--sample", type=int, default=2000, help="texts encoded raw for the ratio (default 2000)")
    parser.add_argument("--dense-kind", choices=("flat", "hnsw"), help="force the FAISS index kind")
    parser.add_argument("--mode", default=DEFAULT_MODE, help=f"search mode timed (default {DEFAULT_MODE})")
    parser.add_argument("--model", type=Path, help="a local sentence-transformers folder")
    parser.add_argument("--backend", choices=BACKENDS, help=f"encoder backend (default {DEFAULT_BACKEND})")
    parser.add_argument("--out", type=Path, default=Path("build/bench"))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    report = run(args)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
