r"""``python -m eval.harness.milvus_size``: what one clause costs in Milvus (on milvus-lite), and the sizing it implies.

The store's three collections (docs/milvus.md) are filled on a milvus-lite server started for
the run (its own process, so its memory is its own), at two sizes of the scale corpus
(``eval.harness.scale``: the laws copied, passage vectors from the cached pool, no encoding). At each
size, once every collection is loaded and its indexes are built and written, it reads:

- the bytes on disk per collection and kind (Parquet data; HNSW and BM25 index files), and per
  column of the Parquet data (compressed and as the Arrow arrays a loaded segment holds);
- the server's resident memory once loaded.

The cost per row is the difference between the two sizes divided by the difference in rows (so
the server's own fixed cost drops out). From it, the sizing at 10M and 100M clauses: memory a
Milvus cluster's query nodes hold with this store's indexes (views: HNSW M 32 over float32; the
chunk collection: BM25's sparse inverted index), what object storage holds, and the query nodes
that takes at a stated memory per node. What milvus-lite does not tell about a Milvus server:
Milvus's segment overheads, its growing-segment buffers, replicas, and anything about latency.

    python -m eval.harness.milvus_size --chunks 5000,20000 --out build/milvus-size
"""

from __future__ import annotations

import argparse
import json
import math
import socket
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from eval.harness.scale import rss_mib
from index.paths import ROOT

#: The sizes the sizing note is written for (clauses).
TARGETS = (10_000_000, 100_000_000)
#: Memory a query node may fill with loaded segments: Milvus's default ``queryNode`` memory
#: watermark stops loading at 90 %; 70 % of a node leaves room for growing segments and search.
NODE_FILL = 0.7


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data: Path, log: Path) -> tuple[subprocess.Popen, str]:
    """A milvus-lite server on a free loopback port over ``data``; its process and URI."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "milvus_lite", "server", "--data-dir", str(data), "--host", "127.0.0.1",
         "--port", str(port)],
        stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"milvus-lite exited early:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit(f"milvus-lite did not start in 120 s:\n{log.read_text()}")


def kind_of(path: Path) -> str:
    """What a file of a milvus-lite collection holds: data, deletes, a vector or scalar index, or meta."""
    name = path.name
    if name.endswith(".idx"):
        return "vector index"
    if name.endswith(".sidx"):
        return "scalar index"
    if name.startswith("data_") and name.endswith(".parquet"):
        return "data"
    if name.startswith("delta_"):
        return "deletes"
    return "meta"


def disk_by_kind(data: Path) -> dict[str, dict[str, int]]:
    """Bytes on disk per collection and kind of file."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for collection in sorted((data / "collections").iterdir()):
        for path in collection.rglob("*"):
            if path.is_file():
                out[collection.name][kind_of(path)] += path.stat().st_size
    return {name: dict(kinds) for name, kinds in out.items()}


def columns(data: Path) -> dict[str, dict[str, dict[str, int]]]:
    """Per collection and column of its live Parquet data: bytes compressed on disk and as Arrow arrays in memory."""
    import pyarrow.parquet as pq

    out: dict[str, dict[str, dict[str, int]]] = {}
    for collection in sorted((data / "collections").iterdir()):
        sizes: dict[str, dict[str, int]] = defaultdict(lambda: {"disk": 0, "arrow": 0})
        for path in collection.rglob("data_*.parquet"):
            meta = pq.ParquetFile(path).metadata
            for group in range(meta.num_row_groups):
                for column in range(meta.num_columns):
                    chunk = meta.row_group(group).column(column)
                    sizes[chunk.path_in_schema.split(".")[0]]["disk"] += chunk.total_compressed_size
            table = pq.read_table(path)
            for name in table.column_names:
                sizes[name]["arrow"] += table.column(name).nbytes
        out[collection.name] = {name: dict(size) for name, size in sizes.items()}
    return out


def rows_of(client: Any, collections: list[str]) -> dict[str, int]:
    """Rows per collection, as the server counts them."""
    return {name: int(client.get_collection_stats(name)["row_count"]) for name in collections}


def unindexed(collection: Path) -> list[Path]:
    """The data files of a collection with a vector field that have no vector index file beside them yet."""
    missing = []
    for path in collection.glob("partitions/*/data/data_*.parquet"):
        if not list((path.parent.parent / "indexes").glob(f"{path.stem}.*.idx")):
            missing.append(path)
    return missing


def settle(data: Path, vector_collections: list[str], seconds: float = 2.0, limit: float = 1800.0) -> None:
    """Wait until each data file of ``vector_collections`` has its index and no file changed for ``seconds``.

    milvus-lite builds a loaded segment's vector index in the background and writes it beside
    the data file; the memory and the index size are read once that is done.
    """
    deadline = time.time() + limit
    last = None
    while time.time() < deadline:
        state = sorted((str(p), p.stat().st_size) for p in data.rglob("*") if p.is_file())
        waiting = [path for name in vector_collections for path in unindexed(data / "collections" / name)]
        if state == last and not waiting:
            return
        last = state
        time.sleep(seconds)
    raise SystemExit(f"milvus-lite did not finish its indexes in {limit:.0f} s")


def fill(chunks: int, out: Path) -> dict[str, Any]:
    """Fill the store's collections with ``chunks`` scale chunks on a fresh milvus-lite server; its figures."""
    from eval.harness.ann import pool
    from eval.harness.scale import ScaleEmbedder, scale_chunks
    from index.recorded import model_info
    from index.stores.milvus_schema import connect_client
    from index.stores.target import DEFAULT_COLLECTION, build_store

    data = out / f"data-{chunks}"
    proc, uri = start_server(data, out / f"server-{chunks}.log")
    try:
        idle = rss_mib(proc.pid)
        embedder = ScaleEmbedder(pool())
        corpus = scale_chunks(chunks)
        started = time.perf_counter()
        build_store(uri, corpus, lambda texts: embedder.encode(list(texts)), model_info(embedder), {})
        filled = time.perf_counter() - started
        client = connect_client(uri, "")
        names = [DEFAULT_COLLECTION, f"{DEFAULT_COLLECTION}_views", f"{DEFAULT_COLLECTION}_docs"]
        for name in names:
            client.flush(name)
            client.load_collection(name)
        settle(data, names[1:])
        figures = {
            "chunks": chunks, "rows": rows_of(client, names), "fill_s": round(filled, 1),
            "server_rss_idle_mib": round(idle, 1), "server_rss_loaded_mib": round(rss_mib(proc.pid), 1),
            "disk": disk_by_kind(data), "columns": columns(data),
        }  # fmt: skip
        client.close()
        return figures
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def _bytes_per(small: dict[str, Any], large: dict[str, Any], path: tuple[str, ...], rows: str) -> float:
    """Bytes per row of ``rows`` (a collection) between two fills, for the figure at ``path``."""

    def get(figures: dict[str, Any]) -> float:
        value: Any = figures
        for key in path:
            value = value.get(key, 0) if isinstance(value, dict) else 0
        return float(value)

    return (get(large) - get(small)) / (large["rows"][rows] - small["rows"][rows])


def per_row(small: dict[str, Any], large: dict[str, Any], collection: str) -> dict[str, Any]:
    """Bytes per row of each collection and kind, and per clause, from the difference of two fills."""
    views, docs = f"{collection}_views", f"{collection}_docs"
    added = {name: large["rows"][name] - small["rows"][name] for name in (collection, views, docs)}
    out: dict[str, Any] = {
        "views_per_chunk": added[views] / added[collection],
        "docs_per_chunk": added[docs] / added[collection],
    }
    for name in (collection, views):
        out[name] = {
            "disk": {kind: round(_bytes_per(small, large, ("disk", name, kind), name), 1)
                     for kind in large["disk"].get(name, {})},
            "columns_arrow": {column: round(_bytes_per(small, large, ("columns", name, column, "arrow"), name), 1)
                              for column in large["columns"].get(name, {})},
            "columns_disk": {column: round(_bytes_per(small, large, ("columns", name, column, "disk"), name), 1)
                             for column in large["columns"].get(name, {})},
        }  # fmt: skip
    loaded = large["server_rss_loaded_mib"] - small["server_rss_loaded_mib"]
    out["server_rss_per_chunk"] = loaded * 2**20 / added[collection]
    return out


def sizing(cost: dict[str, Any], collection: str, node_gib: float) -> list[dict[str, Any]]:
    """Memory, object storage and query nodes at :data:`TARGETS` clauses, from the measured cost per row.

    Memory a query node holds per clause: the views' vector index (the HNSW file milvus-lite
    wrote: vectors and graph, as FAISS holds them in memory) and their scalar columns as Arrow
    arrays; the chunk collection's BM25 index, counted as its sparse field (milvus-lite builds
    the inverted index at search time and writes none; both hold each term's weight once), and
    its scalar columns (Milvus can keep scalar fields memory-mapped instead: ``mmap.enabled``).
    """
    views = f"{collection}_views"
    per_view = cost[views]
    per_chunk = cost[collection]
    vector_index = per_view["disk"].get("vector index", 0.0) * cost["views_per_chunk"]
    scalars = sum(v for k, v in per_view["columns_arrow"].items() if k not in ("dense", "_seq"))
    view_scalars = scalars * cost["views_per_chunk"]
    sparse_index = per_chunk["columns_arrow"].get("sparse", 0.0)
    chunk_scalars = sum(v for k, v in per_chunk["columns_arrow"].items() if k not in ("sparse", "_seq"))
    storage = sum(per_view["disk"].values()) * cost["views_per_chunk"] + sum(per_chunk["disk"].values())
    rows = []
    for clauses in TARGETS:
        memory = clauses * (vector_index + view_scalars + sparse_index + chunk_scalars)
        indexes_only = clauses * (vector_index + sparse_index)
        rows.append({
            "clauses": clauses, "views": round(clauses * cost["views_per_chunk"]),
            "vector_index_gib": round(clauses * vector_index / 2**30, 1),
            "sparse_index_gib": round(clauses * sparse_index / 2**30, 1),
            "scalars_gib": round(clauses * (view_scalars + chunk_scalars) / 2**30, 1),
            "memory_gib": round(memory / 2**30, 1),
            "query_nodes": math.ceil(memory / 2**30 / (node_gib * NODE_FILL)),
            "query_nodes_scalars_mapped": math.ceil(indexes_only / 2**30 / (node_gib * NODE_FILL)),
            "object_storage_gib": round(clauses * storage / 2**30, 1),
        })  # fmt: skip
    return rows


def report(small: dict[str, Any], large: dict[str, Any], node_gib: float) -> dict[str, Any]:
    """The cost per row and the sizing, from two fills."""
    from index.stores.target import DEFAULT_COLLECTION

    cost = per_row(small, large, DEFAULT_COLLECTION)
    return {"fills": [small, large], "per_row": cost, "node_gib": node_gib, "node_fill": NODE_FILL,
            "sizing": sizing(cost, DEFAULT_COLLECTION, node_gib)}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Fill milvus-lite at two sizes; write OUT/milvus-size.json and print the cost per row and the sizing."""
    parser = argparse.ArgumentParser(prog="python -m eval.harness.milvus_size", description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", default="5000,20000", help="two chunk counts, comma-separated")
    parser.add_argument("--node-gib", type=float, default=64.0, help="memory of one query node (GiB)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "milvus-size")
    args = parser.parse_args(argv)
    sizes = sorted(int(size) for size in args.chunks.split(","))
    if len(sizes) != 2 or sizes[0] <= 0 or sizes[0] == sizes[1]:
        parser.error("--chunks takes two different positive counts, e.g. 5000,20000")
    args.out.mkdir(parents=True, exist_ok=True)
    fills = []
    for size in sizes:
        figures = fill(size, args.out)
        print(json.dumps({k: figures[k] for k in ("chunks", "rows", "fill_s", "server_rss_loaded_mib")}), flush=True)
        fills.append(figures)
    result = report(fills[0], fills[1], args.node_gib)
    path = args.out / "milvus-size.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps({"per_row": result["per_row"], "sizing": result["sizing"]}, ensure_ascii=False, indent=1))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
