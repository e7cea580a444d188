"""``python -m eval.harness.milvus_size``: the cost per row from two fills, and the sizing built on it.

The arithmetic runs on hand-made figures; one test fills two milvus-lite servers with a tiny
scale corpus (two small laws, random pool vectors, a keyword embedder in place of the model for
questions) and reads back what the store wrote and indexed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from eval.harness import ann
from eval.harness.milvus_size import NODE_FILL, fill, kind_of, per_row, report, sizing
from eval.harness.scale import scale_chunks

C, V, D = "policy_qa", "policy_qa_views", "policy_qa_docs"


def _figures(chunks: int, rss: float) -> dict:
    views = 4 * chunks
    return {
        "chunks": chunks,
        "rows": {C: chunks, V: views, D: chunks // 10},
        "server_rss_loaded_mib": rss,
        "disk": {
            C: {"data": 100 + 1000 * chunks, "meta": 5000},
            V: {"data": 1600 * views, "vector index": 7 + 1800 * views, "meta": 3000},
        },
        "columns": {
            C: {"sparse": {"arrow": 500 * chunks, "disk": 200 * chunks},
                "chunk": {"arrow": 900 * chunks, "disk": 300 * chunks},
                "_seq": {"arrow": 8 * chunks, "disk": 6 * chunks}},
            V: {"dense": {"arrow": 1536 * views, "disk": 1536 * views},
                "id": {"arrow": 80 * views, "disk": 10 * views}},
        },
    }  # fmt: skip


def test_the_cost_per_row_is_the_difference_of_two_fills_so_fixed_costs_drop_out() -> None:
    cost = per_row(_figures(100, 300.0), _figures(500, 700.0), C)
    assert cost["views_per_chunk"] == 4.0 and cost["docs_per_chunk"] == 0.1
    assert cost[C]["disk"] == {"data": 1000.0, "meta": 0.0}
    assert cost[V]["disk"]["vector index"] == 1800.0  # the 7 fixed bytes drop out
    assert cost[C]["columns_arrow"]["sparse"] == 500.0 and cost[V]["columns_disk"]["id"] == 10.0
    assert cost["server_rss_per_chunk"] == pytest.approx(400 * 2**20 / 400)


def test_the_sizing_counts_indexes_and_scalars_per_clause_and_nodes_at_the_stated_fill() -> None:
    cost = per_row(_figures(100, 300.0), _figures(500, 700.0), C)
    ten_million, hundred_million = sizing(cost, C, node_gib=64)
    per_clause = 4 * 1800 + 4 * 80 + 500 + 900  # HNSW + view ids, BM25 sparse + chunk JSON; no _seq
    assert ten_million["clauses"] == 10_000_000 and ten_million["views"] == 40_000_000
    assert ten_million["memory_gib"] == round(10_000_000 * per_clause / 2**30, 1)
    assert ten_million["vector_index_gib"] == round(10_000_000 * 7200 / 2**30, 1)
    assert ten_million["sparse_index_gib"] == round(10_000_000 * 500 / 2**30, 1)
    nodes = 10_000_000 * per_clause / 2**30 / (64 * NODE_FILL)
    assert ten_million["query_nodes"] == int(np.ceil(nodes))
    assert hundred_million["query_nodes"] >= 9 * ten_million["query_nodes"]
    assert hundred_million["query_nodes_scalars_mapped"] <= hundred_million["query_nodes"]
    storage = 4 * (1600 + 1800) + 1000
    assert ten_million["object_storage_gib"] == round(10_000_000 * storage / 2**30, 1)


def test_milvus_lite_files_are_told_apart_by_name() -> None:
    root = Path("collections/policy_qa_views/partitions/_default")
    assert kind_of(root / "data" / "data_000001_004660.parquet") == "data"
    assert kind_of(root / "indexes" / "data_000001_004660.dense.hnsw.idx") == "vector index"
    assert kind_of(root / "indexes" / "data_000001_004660.doc_id.inverted.sidx") == "scalar index"
    assert kind_of(root / "delta" / "delta_000005_000009.parquet") == "deletes"
    assert kind_of(Path("collections/policy_qa/manifest.json")) == "meta"


def test_two_fills_of_milvus_lite_give_a_cost_per_row_with_the_vectors_in_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("milvus_lite", reason="the Milvus backend needs milvus-lite (requirements-dev.txt)")
    import eval.harness.scale
    from index.encoders import factory
    from tests.fakes import KeywordEmbedder
    from tests.test_scale_corpus import _laws, _pool

    laws = _laws(tmp_path / "laws")
    monkeypatch.setattr(ann, "pool", lambda: _pool())
    monkeypatch.setattr(factory, "make_embedder", lambda: KeywordEmbedder())
    monkeypatch.setattr(eval.harness.scale, "scale_chunks", lambda size, _=None: scale_chunks(size, laws))
    small, large = fill(12, tmp_path), fill(48, tmp_path)
    assert small["rows"][C] == 12 and large["rows"][C] == 48
    assert large["rows"][V] >= large["rows"][C] and large["rows"][D] > small["rows"][D]  # a view per chunk at least
    result = report(small, large, node_gib=64)
    cost = result["per_row"]
    assert cost[V]["columns_arrow"]["dense"] >= 384 * 4  # float32 vectors, as the store writes them
    assert cost[V]["disk"]["vector index"] >= 384 * 4  # HNSW keeps the vectors with its graph
    assert cost[C]["columns_arrow"]["sparse"] > 0 and cost[C]["columns_arrow"]["terms"] > 0
    assert result["sizing"][0]["memory_gib"] > 0
