"""How the Milvus store lays out its data: the three collections' schemas and the rows it writes.

- ``NAME``: one row per chunk (the chunk as JSON, its normalised context text, its BM25 terms,
  its position in its notice, its number of views, the filter fields); BM25 runs over ``terms`` (Milvus's own
  BM25 function into the ``sparse`` field).
- ``NAME_views``: one row per view of a chunk (its text, then each sentence), keyed
  :func:`view_id`: the vector, the chunk id, whether it is the whole text (``full``), the
  filter fields.
- ``NAME_docs``: one row per notice: its :func:`doc_info`.

Also how the store talks to the server: filters as boolean expressions (:func:`expression`)
and the client (:func:`connect_client`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from index.corpus import CorpusStats, notice_terms
from index.filters import FilterSpec, year_of
from index.stores.base import Facts, notice_info
from index.tokenize import JiebaTokenizer
from index.views import context_text, sentence_views
from ingest import Chunk
from ingest.departments import canonical

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Longest context text kept per chunk (characters); Milvus VARCHAR fields are bounded.
MAX_TEXT = 16_000
#: Longest BM25 term string per chunk (characters): 4,681 terms.
MAX_TERMS = 65_535
#: Reads see this client's own writes (an upload is found by the next question) without the
#: cluster-wide timestamp that "Strong" asks for (which milvus-lite does not implement).
CONSISTENCY = "Session"
#: BM25 parameters: the local index's (index.lexical.LexicalIndex defaults).
BM25_K1 = 1.2
BM25_B = 0.75
#: Rows per insert request.
INSERT_BATCH = 500
#: The fields filters run on (on chunk and view rows alike).
FILTER_FIELDS = ("doc_id", "issuer", "iso_date", "lead_text", "year", "due")
#: Ids per ``in [...]`` expression or lookup.
ID_BATCH = 1000
#: Most chunk groups one dense search asks for (Milvus's limit on a search's results).
MAX_GROUPS = 16_384


def term(token: str) -> str:
    """A token as an ASCII word Milvus's ``standard`` analyser keeps whole (12 hex digits of its hash).

    >>> term("热线") == term("热线") != term("热")
    True
    """
    return "w" + hashlib.blake2b(token.encode("utf-8"), digest_size=6).hexdigest()


def view_id(chunk_id: str, number: int) -> str:
    """The primary key of a chunk's view ``number`` (0: its whole text).

    >>> view_id("a#一/1", 2), chunk_of(view_id("a#一/1", 2))
    ('a#一/1|2', 'a#一/1')
    """
    return f"{chunk_id}|{number}"


def chunk_of(view: str) -> str:
    """The chunk id of a view's primary key."""
    return view.rsplit("|", 1)[0]


def filter_fields(chunk: Chunk) -> dict[str, str]:
    """The fields filters run on, written on a chunk's row and on each of its views' rows."""
    return {
        "doc_id": chunk.doc_id,
        "issuer": chunk.issuer or "",
        "iso_date": chunk.date if chunk.date and ISO_DATE.match(chunk.date) else "",
        "lead_text": "|".join(dict.fromkeys([*chunk.lead, *map(canonical, chunk.lead)])),
        "year": year_of(chunk.date) or "",
        "due": chunk.due or "",
    }


def chunk_row(chunk: Chunk, tokenizer: JiebaTokenizer, position: int) -> dict[str, Any]:
    """The row of a chunk; ``position`` is its place in its notice."""
    terms = " ".join(term(t) for t in tokenizer(context_text(chunk)))
    return {
        "id": chunk.id,
        "terms": terms[: MAX_TERMS - MAX_TERMS % 14] or "w",  # 14 characters per term with its space
        "context": Facts.of(chunk).context[:MAX_TEXT],
        "chunk": chunk.to_dict(),
        "position": position,
        "views": 1 + len(sentence_views(chunk)),
        **filter_fields(chunk),
    }


def doc_info(doc_id: str, chunks: Sequence[Chunk], model: str, order: int) -> dict[str, Any]:
    """A notice's row: its facts for the library and the query analyser, the model, its order of addition."""
    words, departments, places = notice_terms(chunks)
    info = notice_info(chunks)
    return {
        "doc_id": doc_id,
        "model": model,
        "order": order,
        "title": info.title,
        "issuer": info.issuer,
        "date": info.date,
        "chunks": info.chunks,
        "leads": list(info.leads),
        "sha256": info.sha256,
        "departments": sorted(departments),
        "userwords": sorted(words),
        "places": sorted(places),
    }


def create(client: Any, collection: str, dim: int) -> None:
    """Create the three collections (they must not exist) with their schemas and indexes."""
    create_chunks(client, collection)
    _create_views(client, f"{collection}_views", dim)
    _create_docs(client, f"{collection}_docs")


def _add_filter_fields(schema: Any) -> None:
    from pymilvus import DataType

    schema.add_field("doc_id", DataType.VARCHAR, max_length=512)
    schema.add_field("issuer", DataType.VARCHAR, max_length=512)
    schema.add_field("iso_date", DataType.VARCHAR, max_length=16)
    schema.add_field("lead_text", DataType.VARCHAR, max_length=4096)
    schema.add_field("year", DataType.VARCHAR, max_length=8)
    schema.add_field("due", DataType.VARCHAR, max_length=16)


def create_chunks(client: Any, collection: str) -> None:
    """Create the chunk collection: one row per chunk, BM25 over ``terms``."""
    from pymilvus import DataType, Function, FunctionType

    chunks = client.create_schema(auto_id=False, enable_dynamic_field=False)
    chunks.add_field("id", DataType.VARCHAR, is_primary=True, max_length=1024)
    chunks.add_field(
        "terms", DataType.VARCHAR, max_length=MAX_TERMS, enable_analyzer=True, analyzer_params={"tokenizer": "standard"}
    )
    chunks.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    chunks.add_field("context", DataType.VARCHAR, max_length=MAX_TEXT * 4)
    chunks.add_field("chunk", DataType.JSON)
    chunks.add_field("position", DataType.INT64)
    chunks.add_field("views", DataType.INT64)
    _add_filter_fields(chunks)
    chunks.add_function(
        Function(
            name="bm25", function_type=FunctionType.BM25, input_field_names=["terms"], output_field_names=["sparse"]
        )
    )
    index = client.prepare_index_params()
    # The local index's BM25 parameters, sent as the JSON "params" entry that both Milvus and
    # milvus-lite read (milvus-lite ignores them as separate entries and used its default k1 = 1.5).
    index.add_index(
        field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
        params={"params": {"bm25_k1": BM25_K1, "bm25_b": BM25_B}},
    )  # fmt: skip
    client.create_collection(collection, schema=chunks, index_params=index, consistency_level=CONSISTENCY)


def _create_views(client: Any, name: str, dim: int) -> None:
    from pymilvus import DataType

    views = client.create_schema(auto_id=False, enable_dynamic_field=False)
    views.add_field("id", DataType.VARCHAR, is_primary=True, max_length=1100)
    views.add_field("chunk_id", DataType.VARCHAR, max_length=1024)
    views.add_field("full", DataType.BOOL)
    views.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
    _add_filter_fields(views)
    view_index = client.prepare_index_params()
    view_index.add_index(
        field_name="dense", index_type="HNSW", metric_type="IP", params={"M": 32, "efConstruction": 80}
    )
    client.create_collection(name, schema=views, index_params=view_index, consistency_level=CONSISTENCY)


def _create_docs(client: Any, name: str) -> None:
    from pymilvus import DataType

    docs = client.create_schema(auto_id=False, enable_dynamic_field=False)
    docs.add_field("doc_id", DataType.VARCHAR, is_primary=True, max_length=512)
    docs.add_field("v", DataType.FLOAT_VECTOR, dim=2)  # Milvus wants a vector in every collection
    docs.add_field("info", DataType.JSON)
    doc_index = client.prepare_index_params()
    doc_index.add_index(field_name="v", index_type="FLAT", metric_type="L2")
    client.create_collection(name, schema=docs, index_params=doc_index, consistency_level=CONSISTENCY)


def build_hint(uri: str, collection: str) -> str:
    """The command that (re)builds a collection."""
    return f"python -m index build data/notices --milvus {uri} --collection {collection}"


def literal(value: str) -> str:
    """A string literal for a Milvus filter expression."""
    return json.dumps(value, ensure_ascii=False)


def in_list(field: str, values: Iterable[str]) -> str:
    """``field in [...]`` over string literals."""
    return f"{field} in [{', '.join(literal(v) for v in values)}]"


def expression(spec: FilterSpec) -> str:
    """Checked filters as a Milvus boolean expression over the filter fields.

    >>> expression(FilterSpec(doc_ids=("a",), year="2024"))
    'doc_id in ["a"] and year == "2024"'
    """
    parts = []
    if spec.doc_ids:
        parts.append(in_list("doc_id", spec.doc_ids))
    if spec.issuers:
        parts.append("(" + " or ".join(f"issuer like {literal('%' + n + '%')}" for n in spec.issuers) + ")")
    if spec.leads:
        parts.append("(" + " or ".join(f"lead_text like {literal('%' + n + '%')}" for n in spec.lead_forms()) + ")")
    if spec.due_before:
        parts.append(f'due != "" and due <= {literal(spec.due_before)}')
    if spec.year:
        parts.append(f"year == {literal(spec.year)}")
    if spec.date_from:
        parts.append(f'iso_date != "" and iso_date >= {literal(spec.date_from)}')
    if spec.date_to:
        parts.append(f'iso_date != "" and iso_date <= {literal(spec.date_to)}')
    return " and ".join(parts)


#: pymilvus pings every 10 s, also on an idle connection; a gRPC server with the default policy
#: (milvus-lite's) takes pings without calls as abuse and closes the connection ("too_many_pings"),
#: after which a reconnect failed in the test suite. Ping only during calls, at most every 5 min.
GRPC_OPTIONS = {"grpc.keepalive_time_ms": 300_000, "grpc.keepalive_permit_without_calls": False}


def connect_client(uri: str, token: str) -> Any:
    """A MilvusClient for a server URI or a milvus-lite ``.db`` file (keep-alive pings only during calls)."""
    from pymilvus import MilvusClient

    if uri.endswith(".db"):
        # milvus-lite runs its server in this process; pymilvus asks it for a timestamp (AllocTimestamp)
        # that it does not implement and answers without, and its gRPC layer logs each such call as an error.
        logging.getLogger("grpc._server").setLevel(logging.CRITICAL)
    return MilvusClient(uri=uri, token=token, grpc_options=GRPC_OPTIONS)


def stats_of(infos: Iterable[Mapping[str, Any]]) -> CorpusStats:
    """The corpus statistics, gathered from the notices' rows (:func:`doc_info`)."""
    stats = CorpusStats()
    for info in infos:
        stats.words.update(info["userwords"])
        stats.departments.update(info["departments"])
        stats.places[info["doc_id"]] = set(info["places"])
    return stats


def vector_key(model: Mapping[str, Any]) -> str:
    """What a notice's row records of the encoder: the weights hash, plus "+backend" unless PyTorch."""
    backend = model.get("backend", "torch")
    return model["fingerprint"] if backend == "torch" else f"{model['fingerprint']}+{backend}"
