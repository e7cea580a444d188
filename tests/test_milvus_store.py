"""The Milvus store's own parts: filters as expressions, a missing collection, the backend it records."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import IndexNotFoundError, Searcher
from index.filters import FilterSpec
from index.stores.milvus_schema import expression, in_list, literal, vector_key
from tests.conftest import collection_name
from tests.fakes import KeywordEmbedder


def test_every_filter_becomes_one_clause_of_the_expression() -> None:
    spec = FilterSpec(
        doc_ids=("a", 'b"c'), issuers=("市政府",), leads=("市数据局",), due_before="2024-06-30", year="2024",
        date_from="2024-01-01", date_to="2024-12-31",
    )  # fmt: skip
    clauses = expression(spec).split(" and ")
    assert clauses[0] == 'doc_id in ["a", "b\\"c"]'  # quotes escaped, never closing the literal
    assert '(issuer like "%市政府%")' in clauses
    assert any(c.startswith("(lead_text like") and "市数据局" in c for c in clauses)
    assert 'due <= "2024-06-30"' in expression(spec) and 'year == "2024"' in clauses
    assert 'iso_date >= "2024-01-01"' in expression(spec) and 'iso_date <= "2024-12-31"' in expression(spec)
    assert expression(FilterSpec()) == ""
    assert in_list("doc_id", []) == "doc_id in []" and literal("x") == '"x"'


def test_the_vector_key_names_the_backend_unless_torch() -> None:
    assert vector_key({"fingerprint": "abc"}) == "abc"
    assert vector_key({"fingerprint": "abc", "backend": "torch"}) == "abc"
    assert vector_key({"fingerprint": "abc", "backend": "onnx-int8"}) == "abc+onnx-int8"


def test_a_missing_collection_is_named_with_the_build_command(
    milvus_uri: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    name = collection_name(request)
    with pytest.raises(IndexNotFoundError, match=rf"no collection '{name}'.*python -m index build"):
        Searcher.open(milvus_uri, collection=name, embedder=KeywordEmbedder(), cache_dir=tmp_path / "cache")
