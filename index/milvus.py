"""A Milvus backend behind the same interface as :class:`index.Searcher`.

For corpora beyond one machine: chunks live in a Milvus collection with their dense vector,
their context text analysed by Milvus's own jieba tokenizer into a BM25 sparse vector, and
their metadata as filterable fields; hybrid search is Milvus's ``hybrid_search`` fused by its
``RRFRanker(60)``. The query understanding and the structure rules (lead department, place
scope, verbatim phrase, item title, cross-notice diversity) are the same code as the FAISS
backend, applied to the candidates Milvus returns.

The same code serves ``milvus-lite`` on loopback (tests, a laptop) and a Milvus cluster::

    searcher = MilvusSearcher.build("data/notices", "http://milvus.internal:19530", collection="notices")
    searcher = MilvusSearcher.load("http://milvus.internal:19530", collection="notices")

Differences from the FAISS backend: one vector per chunk (the whole clause; the FAISS index
adds one per sentence), Milvus's BM25 parameters and tokenisation, and no "convex" mode
(Milvus's hybrid ranker works on ranks). Needs ``pymilvus`` (and ``milvus-lite`` for a local
server); neither is imported until a MilvusSearcher is made.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.corpus import CorpusStats, by_doc, notice_terms
from index.embed import Embedder, SentenceTransformerEmbedder
from index.filters import KEYS, Filters, _as_list, check_due_before, check_year, date_bounds, leads_named, year_of
from index.lexical import JiebaTokenizer, normalize_text
from index.query import QueryInfo, squash_text
from index.rank import AbstainRule, boost, diversify
from index.searcher import CANDIDATES, RRF_K, Hit, SearchMethods, _as_chunks, _embed, analyze_queries, corpus_chunks
from index.views import context_text, item_title
from ingest import Chunk
from ingest.departments import canonical

MODES: tuple[str, ...] = ("hybrid", "dense", "bm25")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MAX_TEXT = 16_000


def _literal(value: str) -> str:
    """A string literal for a Milvus filter expression."""
    return json.dumps(value, ensure_ascii=False)


class MilvusSearcher(SearchMethods):
    """Search over chunks stored in Milvus; ``search / search_batch / answer / add / remove``.

    Example (needs a server: ``milvus-lite server --data-dir DIR --host 127.0.0.1 --port 19530``)::

        searcher = MilvusSearcher.build("data/notices", "http://127.0.0.1:19530")
        searcher.search("哪些部门负责12345热线", k=5)
    """

    def __init__(self, uri: str, collection: str, embedder: Embedder, token: str = "") -> None:
        from pymilvus import MilvusClient

        self.uri, self.collection, self.embedder = uri, collection, embedder
        self.client = MilvusClient(uri=uri, token=token)
        self.docs_collection = f"{collection}_docs"
        self.abstain_rule = AbstainRule()
        self._refresh()

    # --- building -------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        source: str | Path | Iterable[str | Path] | Sequence[Chunk],
        uri: str,
        *,
        collection: str = "policy_qa",
        embedder: Embedder | None = None,
        cache_dir: Path | None = None,
        token: str = "",
    ) -> MilvusSearcher:
        """Create (or replace) the collection from files/directories or chunks.

        Raises:
            ValueError: if there is nothing to index or chunk ids repeat.
        """
        chunks = corpus_chunks(source)
        embedder = embedder or SentenceTransformerEmbedder()
        from pymilvus import MilvusClient

        client = MilvusClient(uri=uri, token=token)
        for name in (collection, f"{collection}_docs"):
            if client.has_collection(name):
                client.drop_collection(name)
        _create(client, collection, embedder.dim)
        client.close()
        searcher = cls(uri, collection, embedder, token)
        searcher._insert(chunks, cache_dir)
        return searcher

    @classmethod
    def load(
        cls, uri: str, *, collection: str = "policy_qa", embedder: Embedder | None = None, token: str = ""
    ) -> MilvusSearcher:
        """Connect to an existing collection.

        Raises:
            LookupError: if the collection does not exist (the message says how to build it).
            ValueError: if it was built with another model.
        """
        from pymilvus import MilvusClient

        client = MilvusClient(uri=uri, token=token)
        exists = client.has_collection(collection) and client.has_collection(f"{collection}_docs")
        client.close()
        if not exists:
            raise LookupError(f"no collection {collection!r} at {uri}; build it with MilvusSearcher.build(paths, uri)")
        searcher = cls(uri, collection, embedder or SentenceTransformerEmbedder(), token)
        models = {d["model"] for d in searcher._docs}
        if models and models != {searcher.embedder.fingerprint}:
            raise ValueError(
                f"collection {collection!r} was built with another model (sha256 {sorted(models)[0][:12]}…); "
                "rebuild it with MilvusSearcher.build"
            )
        return searcher

    def add(
        self, source: str | Path | Iterable[str | Path] | Sequence[Chunk], *, cache_dir: Path | None = None
    ) -> MilvusSearcher:
        """Add notices (replacing notices with the same doc_id) in place; returns self."""
        chunks = _as_chunks(source)
        replaced = sorted({c.doc_id for c in chunks} & {d["doc_id"] for d in self._docs})
        if replaced:
            self._delete(replaced)
        self._insert(chunks, cache_dir)
        return self

    def remove(self, doc_ids: Iterable[str]) -> MilvusSearcher:
        """Remove notices in place; returns self.

        Raises:
            KeyError: naming doc_ids that are not in the collection (nothing is changed).
        """
        doc_ids = set(doc_ids)
        missing = doc_ids - {d["doc_id"] for d in self._docs}
        if missing:
            raise KeyError(f"not in the index: {sorted(missing)}")
        self._delete(sorted(doc_ids))
        self._refresh()
        return self

    def _insert(self, chunks: list[Chunk], cache_dir: Path | None) -> None:
        vectors = _embed(self.embedder, [c.text for c in chunks], cache_dir, False)
        rows = []
        for chunk, vector in zip(chunks, vectors, strict=True):
            rows.append(
                {
                    "id": chunk.id,
                    "text": normalize_text(context_text(chunk))[:_MAX_TEXT],
                    "dense": vector.tolist(),
                    "doc_id": chunk.doc_id,
                    "issuer": chunk.issuer or "",
                    "iso_date": chunk.date if chunk.date and _ISO.match(chunk.date) else "",
                    "lead_text": "|".join(dict.fromkeys([*chunk.lead, *map(canonical, chunk.lead)])),
                    "year": year_of(chunk.date) or "",
                    "due": chunk.due or "",
                    "chunk": chunk.to_dict(),
                }
            )
        for start in range(0, len(rows), 500):
            self.client.insert(self.collection, rows[start : start + 500])
        docs = []
        for doc_id, members in by_doc(chunks).items():
            words, departments, places = notice_terms(members)
            docs.append(
                {
                    "doc_id": doc_id,
                    "v": [0.0, 0.0],
                    "info": {
                        "model": self.embedder.fingerprint,
                        "chunks": len(members),
                        "issuer": members[0].issuer or "",
                        "departments": sorted(departments),
                        "userwords": sorted(words),
                        "places": sorted(places),
                    },
                }
            )
        self.client.insert(self.docs_collection, docs)
        self._refresh()

    def _delete(self, doc_ids: list[str]) -> None:
        expr = f"doc_id in [{', '.join(_literal(d) for d in doc_ids)}]"
        self.client.delete(self.collection, filter=expr)
        self.client.delete(self.docs_collection, filter=expr)

    def _refresh(self) -> None:
        """Reload the per-notice facts that query understanding needs (one row per notice)."""
        if not self.client.has_collection(self.docs_collection):
            self._docs: list[dict[str, Any]] = []
        else:
            self.client.load_collection(self.collection)
            self.client.load_collection(self.docs_collection)
            rows = self.client.query(self.docs_collection, filter='doc_id != ""', output_fields=["doc_id", "info"])
            self._docs = [{"doc_id": r["doc_id"], **r["info"]} for r in rows]
        stats = CorpusStats()
        for doc in self._docs:
            stats.words.update(doc["userwords"])
            stats.departments.update(doc["departments"])
            stats.places[doc["doc_id"]] = set(doc["places"])
        self.analyzer = stats.analyzer()
        self.tokenizer = JiebaTokenizer(stats.words)
        self.departments = set(stats.departments)

    @property
    def doc_ids(self) -> list[str]:
        """The notices in the collection."""
        return sorted(d["doc_id"] for d in self._docs)

    def __len__(self) -> int:
        return sum(int(d["chunks"]) for d in self._docs)

    # --- searching ------------------------------------------------------------------------

    def _run(
        self, queries: Sequence[str], k: int, mode: str, filters: Filters | None, with_abstain: bool = False
    ) -> list[tuple[Any, QueryInfo]]:
        from pymilvus import AnnSearchRequest, RRFRanker

        infos = analyze_queries(self.analyzer, queries, k, mode, MODES)
        expr = self._filter_expr(filters or {})
        vectors = self.embedder.encode([i.text for i in infos], query=True)
        fields = ["chunk"]
        dense_params = {"metric_type": "IP"}
        lexical_params = {"metric_type": "BM25"}
        out = []
        for info, vector in zip(infos, vectors, strict=True):
            dense_request = AnnSearchRequest([vector.tolist()], "dense", dense_params, CANDIDATES, expr=expr)
            lexical_request = AnnSearchRequest(
                [normalize_text(info.text)], "sparse", lexical_params, CANDIDATES, expr=expr
            )
            if mode == "hybrid":
                found = self.client.hybrid_search(
                    self.collection,
                    [dense_request, lexical_request],
                    RRFRanker(RRF_K),
                    CANDIDATES,
                    output_fields=fields,
                )[0]
            else:
                request = dense_request if mode == "dense" else lexical_request
                found = self.client.search(
                    self.collection,
                    data=request.data,
                    anns_field=request.anns_field,
                    search_params=request.param,
                    limit=CANDIDATES,
                    filter=expr,
                    output_fields=fields,
                )[0]
            chunks = [Chunk.from_dict(h["entity"]["chunk"]) for h in found]
            # Milvus's BM25 distances come back negative in milvus-lite: rank order is what counts.
            ranked = [
                (i, float(len(found) - i)) if mode == "bm25" else (i, float(h["distance"])) for i, h in enumerate(found)
            ]
            if mode == "hybrid":
                squashed = [squash_text(c.text) for c in chunks]
                titles = [normalize_text(item_title(c)) for c in chunks]
                ranked = boost(ranked, chunks, info, squashed, titles)
                if info.cross_doc:
                    ranked = diversify(ranked, chunks)
            tokens = self.tokenizer(info.text)
            hits = [_hit(chunks[i], score, rank, tokens) for rank, (i, score) in enumerate(ranked[:k], 1)]
            if with_abstain and self._abstains(info, vector, tokens, expr):
                out.append((None, info))
            else:
                out.append((hits, info))
        return out

    def _abstains(self, info: QueryInfo, vector: np.ndarray, tokens: list[str], expr: str) -> bool:
        best = self.client.search(
            self.collection, data=[vector.tolist()], anns_field="dense", limit=1, filter=expr, output_fields=["id"]
        )[0]
        best_dense = float(best[0]["distance"]) if best else 0.0
        top = self.client.search(
            self.collection,
            data=[normalize_text(info.text)],
            anns_field="sparse",
            search_params={"metric_type": "BM25"},
            limit=1,
            filter=expr,
            output_fields=["text"],
        )[0]
        coverage = 0.0
        if top and tokens:
            text = top[0]["entity"]["text"]
            coverage = sum(1 for t in set(tokens) if t in text) / len(set(tokens))
        return self.abstain_rule.abstains(info.text, best_dense, coverage)

    def _filter_expr(self, filters: Filters) -> str:
        """The filters as a Milvus boolean expression, checked as ``index.filters.chunk_mask`` checks them."""
        unknown = set(filters) - set(KEYS)
        if unknown:
            raise ValueError(f"unknown filter {sorted(unknown)}; use any of {', '.join(KEYS)}")
        parts = []
        if filters.get("doc_id"):
            wanted = _as_list(filters["doc_id"])
            missing = set(wanted) - {d["doc_id"] for d in self._docs}
            if missing:
                raise ValueError(f"doc_id {sorted(missing)} is not in the index")
            parts.append(f"doc_id in [{', '.join(_literal(d) for d in wanted)}]")
        if filters.get("issuer"):
            names = _as_list(filters["issuer"])
            if not any(n in d["issuer"] for n in names for d in self._docs):
                raise ValueError(f"issuer {names} matches no notice in the index")
            parts.append("(" + " or ".join(f"issuer like {_literal('%' + n + '%')}" for n in names) + ")")
        if filters.get("lead"):
            names = _as_list(filters["lead"])
            if not leads_named(sorted(self.departments), names):
                raise ValueError(f"lead {names}: no item in the index is led by it")
            forms = sorted({f for n in names for f in (n, canonical(n))})
            parts.append("(" + " or ".join(f"lead_text like {_literal('%' + n + '%')}" for n in forms) + ")")
        due = check_due_before(filters)
        if due:
            parts.append(f'due != "" and due <= {_literal(due)}')
        if filters.get("year") is not None:
            parts.append(f"year == {_literal(check_year(filters))}")
        low, high = date_bounds(filters)
        if low:
            parts.append(f'iso_date != "" and iso_date >= {_literal(low)}')
        if high:
            parts.append(f'iso_date != "" and iso_date <= {_literal(high)}')
        return " and ".join(parts)


def _create(client: Any, collection: str, dim: int) -> None:
    from pymilvus import DataType, Function, FunctionType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=1024)
    schema.add_field(
        "text", DataType.VARCHAR, max_length=_MAX_TEXT * 4, enable_analyzer=True, analyzer_params={"tokenizer": "jieba"}
    )
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
    schema.add_field("doc_id", DataType.VARCHAR, max_length=512)
    schema.add_field("issuer", DataType.VARCHAR, max_length=512)
    schema.add_field("iso_date", DataType.VARCHAR, max_length=16)
    schema.add_field("lead_text", DataType.VARCHAR, max_length=4096)
    schema.add_field("year", DataType.VARCHAR, max_length=8)
    schema.add_field("due", DataType.VARCHAR, max_length=16)
    schema.add_field("chunk", DataType.JSON)
    schema.add_function(
        Function(
            name="bm25", function_type=FunctionType.BM25, input_field_names=["text"], output_field_names=["sparse"]
        )
    )
    index = client.prepare_index_params()
    index.add_index(field_name="dense", index_type="HNSW", metric_type="IP", params={"M": 32, "efConstruction": 80})
    index.add_index(field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
    client.create_collection(collection, schema=schema, index_params=index)

    docs = client.create_schema(auto_id=False, enable_dynamic_field=False)
    docs.add_field("doc_id", DataType.VARCHAR, is_primary=True, max_length=512)
    docs.add_field("v", DataType.FLOAT_VECTOR, dim=2)  # Milvus wants a vector in every collection
    docs.add_field("info", DataType.JSON)
    doc_index = client.prepare_index_params()
    doc_index.add_index(field_name="v", index_type="FLAT", metric_type="L2")
    client.create_collection(f"{collection}_docs", schema=docs, index_params=doc_index)


def _hit(chunk: Chunk, score: float, rank: int, tokens: list[str]) -> Hit:
    text = normalize_text(chunk.text)
    matched = sorted({t for t in tokens if t in text}, key=lambda t: (-len(t), t))
    return Hit(**chunk.__dict__, score=round(float(score), 6), rank=rank, matched=matched)
