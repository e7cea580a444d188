"""The Milvus store: chunks, their views and their notices in three Milvus collections.

For corpora beyond one machine, behind the same pipeline as the local directory
(:class:`index.Searcher`), so a question ranks the same way on either:

- ``NAME``: one row per chunk: the chunk (JSON), its normalised context text, its BM25 terms
  (the pipeline's own jieba tokens, each written as an opaque ASCII word so that Milvus's
  ``standard`` analyser keeps them whole: Milvus scores BM25 over exactly the tokens the local
  index uses), and the filter fields.
- ``NAME_views``: one row per view (the clause, then each sentence) with its vector, its chunk
  id and the filter fields. A dense search groups the views by chunk (``group_by_field``) to
  find candidate chunks, then scores each candidate exactly from all its views
  (``FULL_WEIGHT`` × the clause + the rest × its best view), as the local store does.
- ``NAME_docs``: one row per notice: what query analysis and the library need (dictionary
  words, departments, places, title, issuer, date, leads, the model's fingerprint).

Filters are checked as on every store (:func:`index.filters.check_filters`) and become a
Milvus boolean expression. The same code serves ``milvus-lite`` (a ``.db`` file or a loopback
server) and a Milvus cluster::

    searcher = Searcher.build("data/notices", "http://milvus.internal:19530", collection="notices")
    searcher = Searcher.open("http://milvus.internal:19530", collection="notices")

Needs ``pymilvus`` (and ``milvus-lite`` for a local server); neither is imported until a
Milvus store is opened.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from index.corpus import CorpusStats, by_doc, notice_terms
from index.filters import FilterSpec, check_filters, year_of
from index.layout import IndexMismatchError, IndexNotFoundError
from index.lexical import JiebaTokenizer
from index.local import containing
from index.store import Encode, Facts, NoticeInfo, Ranked, notice_info
from index.views import FULL_WEIGHT, chunk_views, context_text
from ingest import Chunk
from ingest.departments import canonical

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Longest context text kept per chunk (characters); Milvus VARCHAR fields are bounded.
MAX_TEXT = 16_000
#: Longest BM25 term string per chunk (characters): 4,681 terms.
MAX_TERMS = 65_535
#: Rows per insert request.
INSERT_BATCH = 500
#: Ids per ``in [...]`` expression.
ID_BATCH = 1000
_FILTER_FIELDS = ("doc_id", "issuer", "iso_date", "lead_text", "year", "due")


def build_hint(uri: str, collection: str) -> str:
    """The command that (re)builds a collection."""
    return f"python -m index build data/notices --milvus {uri} --collection {collection}"


def term(token: str) -> str:
    """A token as an ASCII word Milvus's ``standard`` analyser keeps whole (12 hex digits of its hash).

    >>> term("热线") == term("热线") != term("热")
    True
    """
    return "w" + hashlib.blake2b(token.encode("utf-8"), digest_size=6).hexdigest()


def _literal(value: str) -> str:
    """A string literal for a Milvus filter expression."""
    return json.dumps(value, ensure_ascii=False)


def _in(field: str, values: Iterable[str]) -> str:
    return f"{field} in [{', '.join(_literal(v) for v in values)}]"


class MilvusStore:
    """A store in Milvus (see the module docstring). Keys are chunk ids."""

    kind = "milvus"

    def __init__(self, client: Any, uri: str, collection: str, model: Mapping[str, Any]) -> None:
        self.client, self.uri, self.collection = client, uri, collection
        self.views, self.docs = f"{collection}_views", f"{collection}_docs"
        self.model = dict(model)
        self.settings: dict[str, Any] = {}
        self._refresh()

    def __len__(self) -> int:
        return sum(n.chunks for n in self._notices)

    def describe(self) -> dict[str, Any]:
        """Where the store is and what it holds."""
        return {"store": "milvus", "uri": self.uri, "collection": self.collection, "chunks": len(self)}

    # --- creating and connecting ------------------------------------------------------------

    @classmethod
    def create(cls, uri: str, collection: str, model: Mapping[str, Any], *, token: str = "") -> MilvusStore:
        """Create the collections (replacing any of that name) and return the empty store."""
        client = _client(uri, token)
        for name in (collection, f"{collection}_views", f"{collection}_docs"):
            if client.has_collection(name):
                client.drop_collection(name)
        _create(client, collection, int(model["dim"]))
        return cls(client, uri, collection, model)

    @classmethod
    def connect(cls, uri: str, collection: str, model: Mapping[str, Any], *, token: str = "") -> MilvusStore:
        """Connect to an existing collection built with ``model``.

        Raises:
            IndexNotFoundError: if the collection does not exist (the message says how to build it).
            IndexMismatchError: if it was built with another model.
        """
        client = _client(uri, token)
        names = (collection, f"{collection}_views", f"{collection}_docs")
        if not all(client.has_collection(n) for n in names):
            client.close()
            raise IndexNotFoundError(
                f"no collection {collection!r} at {uri}; build it with: {build_hint(uri, collection)}"
            )
        store = cls(client, uri, collection, model)
        built = {info.get("model") for info in store._docs.values()}
        if built and built != {model["fingerprint"]}:
            raise IndexMismatchError(
                f"collection {collection!r} at {uri} was built with another model (sha256 {sorted(built)[0][:12]}…); "
                f"this run uses {model['name']} (sha256 {model['fingerprint'][:12]}…). "
                f"Rebuild with: {build_hint(uri, collection)} [--model PATH]"
            )
        return store

    def _refresh(self) -> None:
        """Read the per-notice facts (one row per notice) that query analysis and the library need."""
        self.client.load_collection(self.collection)
        self.client.load_collection(self.views)
        self.client.load_collection(self.docs)
        rows = self.client.query(self.docs, filter='doc_id != ""', output_fields=["doc_id", "info"])
        self._docs: dict[str, dict[str, Any]] = {r["doc_id"]: r["info"] for r in rows}
        self.stats = _stats(self._docs.values())
        self.analyzer = self.stats.analyzer()
        self.tokenizer = JiebaTokenizer(self.stats.words)
        self._notices = [
            NoticeInfo(
                doc_id,
                info["title"],
                info["issuer"],
                info["date"],
                info["chunks"],
                tuple(info["leads"]),
                info["sha256"],
            )
            for doc_id, info in sorted(self._docs.items(), key=lambda kv: kv[1]["order"])
        ]

    # --- searching ----------------------------------------------------------------------------

    def where(self, filters: Mapping[str, Any] | None) -> str:
        """The filters checked and written as a Milvus expression ("" for none)."""
        spec = check_filters(dict(filters) if filters else None, self._notices)
        return expression(spec) if spec else ""

    def dense_search(self, queries: np.ndarray, k: int, where: str) -> list[Ranked]:
        """Top ``k`` chunks per query: candidates by their best view, then scored from all their views."""
        if not len(queries):
            return []
        found = self.client.search(
            self.views,
            data=[q.tolist() for q in queries],
            anns_field="dense",
            search_params={"metric_type": "IP"},
            limit=k,
            filter=where,
            group_by_field="chunk_id",
            output_fields=["chunk_id"],
        )
        candidates = [[h["entity"]["chunk_id"] for h in hits] for hits in found]
        rows: dict[str, list[tuple[bool, np.ndarray]]] = {}
        wanted = sorted({c for group in candidates for c in group})
        for start in range(0, len(wanted), ID_BATCH):
            part = wanted[start : start + ID_BATCH]
            for row in self.client.query(
                self.views, filter=_in("chunk_id", part), output_fields=["chunk_id", "full", "dense"]
            ):
                rows.setdefault(row["chunk_id"], []).append(
                    (bool(row["full"]), np.asarray(row["dense"], dtype=np.float32))
                )
        out = []
        for query, group in zip(queries, candidates, strict=True):
            scored = []
            for chunk_id in group:
                views = rows.get(chunk_id)
                if not views:
                    continue  # deleted since the search
                scores = [float(vector @ query) for _, vector in views]
                full = next((s for (is_full, _), s in zip(views, scores, strict=True) if is_full), min(scores))
                scored.append((chunk_id, FULL_WEIGHT * full + (1 - FULL_WEIGHT) * max(scores)))
            out.append(sorted(scored, key=lambda kv: (-kv[1], kv[0]))[:k])
        return out

    def lexical_search(self, tokens: Sequence[list[str]], k: int, where: str) -> list[Ranked]:
        """Top ``k`` chunks per tokenised query by Milvus's BM25 over the same tokens."""
        out: list[Ranked] = [[] for _ in tokens]
        asked = [(n, " ".join(term(t) for t in words)) for n, words in enumerate(tokens) if words]
        if not asked:
            return out
        found = self.client.search(
            self.collection,
            data=[text for _, text in asked],
            anns_field="sparse",
            search_params={"metric_type": "BM25"},
            limit=k,
            filter=where,
            output_fields=["id"],
        )
        for (n, _), hits in zip(asked, found, strict=True):
            # milvus-lite returns BM25 scores negated; a Milvus server returns them positive
            out[n] = [(h["id"], abs(float(h["distance"]))) for h in hits if h["distance"]]
        return out

    def facts(self, keys: Iterable[Hashable]) -> dict[Hashable, Facts]:
        """The chunks of these ids (one request per :data:`ID_BATCH` ids)."""
        wanted = sorted({str(k) for k in keys})
        out: dict[Hashable, Facts] = {}
        for start in range(0, len(wanted), ID_BATCH):
            for row in self.client.get(self.collection, ids=wanted[start : start + ID_BATCH], output_fields=["chunk"]):
                out[row["id"]] = Facts.of(Chunk.from_dict(row["chunk"]))
        return out

    def notices(self) -> list[NoticeInfo]:
        """The notices in the collection, in the order they were added."""
        return list(self._notices)

    def all_chunks(self) -> list[Chunk]:
        """Every chunk, notice by notice in the order they were added."""
        chunks: list[Chunk] = []
        for notice in self._notices:
            rows = self.client.query(
                self.collection, filter=_in("doc_id", [notice.doc_id]), output_fields=["chunk", "position"]
            )
            chunks += [Chunk.from_dict(r["chunk"]) for r in sorted(rows, key=lambda r: r["position"])]
        return chunks

    # --- changes ------------------------------------------------------------------------------

    def add(self, chunks: list[Chunk], encode: Encode) -> MilvusStore:
        """Add these chunks' notices (replacing notices with the same doc_id); returns the refreshed store."""
        docs = by_doc(chunks)
        replaced = sorted(set(docs) & set(self._docs))
        kept = {d: info for d, info in self._docs.items() if d not in replaced}
        order = max((info["order"] for info in self._docs.values()), default=-1) + 1
        new_info = {
            d: _doc_info(d, members, self.model["fingerprint"], order + n)
            for n, (d, members) in enumerate(docs.items())
        }
        if replaced:
            self._delete(replaced)
        self._retokenize(self._docs, {**kept, **new_info}, set(kept))
        tokenizer = JiebaTokenizer(_stats([*kept.values(), *new_info.values()]).words)
        views, owners = chunk_views(chunks)
        vectors = encode(views)
        self._insert(self.collection, [_chunk_row(c, tokenizer, n) for n, c in enumerate(chunks)])
        view_rows = []
        previous, number = -1, 0
        for owner, vector in zip(owners, vectors, strict=True):
            number = number + 1 if owner == previous else 0
            previous = owner
            chunk = chunks[int(owner)]
            view_rows.append(
                {"id": f"{chunk.id}|{number}", "chunk_id": chunk.id, "full": number == 0, "dense": vector.tolist(),
                 **_filter_fields(chunk)}
            )  # fmt: skip
        self._insert(self.views, view_rows)
        self._insert(self.docs, [{"doc_id": d, "v": [0.0, 0.0], "info": info} for d, info in new_info.items()])
        self._refresh()
        return self

    def remove(self, doc_ids: set[str]) -> MilvusStore:
        """Remove these notices (the caller checked that they are here); returns the refreshed store."""
        kept = {d: info for d, info in self._docs.items() if d not in doc_ids}
        self._delete(sorted(doc_ids))
        self._retokenize(self._docs, kept, set(kept))
        self._refresh()
        return self

    def _retokenize(self, before: Mapping[str, Any], after: Mapping[str, Any], kept: set[str]) -> None:
        """Re-tokenise stored chunks whose text holds a dictionary word that comes or goes.

        The dictionary is the notices' words; a word that enters or leaves it changes the
        tokens of every text that contains it (as in the local store, only those are touched).
        """
        old, new = set(_stats(before.values()).words), set(_stats(after.values()).words)
        changed = old ^ new
        if not changed:
            return
        tokenizer = JiebaTokenizer(new)
        words = sorted(changed)
        touched: dict[str, dict[str, Any]] = {}
        for start in range(0, len(words), 50):
            expr = " or ".join(f"context like {_literal('%' + w + '%')}" for w in words[start : start + 50])
            for row in self.client.query(self.collection, filter=expr, output_fields=["chunk", "context", "position"]):
                touched[row["id"]] = row
        rows = [
            _chunk_row(Chunk.from_dict(row["chunk"]), tokenizer, int(row["position"]))
            for row in touched.values()
            if row["chunk"]["doc_id"] in kept and containing([row["context"]], changed)
        ]
        for start in range(0, len(rows), INSERT_BATCH):
            self.client.upsert(self.collection, rows[start : start + INSERT_BATCH])

    def _insert(self, collection: str, rows: list[dict[str, Any]]) -> None:
        for start in range(0, len(rows), INSERT_BATCH):
            self.client.insert(collection, rows[start : start + INSERT_BATCH])

    def _delete(self, doc_ids: list[str]) -> None:
        for name in (self.collection, self.views, self.docs):
            self.client.delete(name, filter=_in("doc_id", doc_ids))


def expression(spec: FilterSpec) -> str:
    """Checked filters as a Milvus boolean expression over the filter fields.

    >>> expression(FilterSpec(doc_ids=("a",), year="2024"))
    'doc_id in ["a"] and year == "2024"'
    """
    parts = []
    if spec.doc_ids:
        parts.append(_in("doc_id", spec.doc_ids))
    if spec.issuers:
        parts.append("(" + " or ".join(f"issuer like {_literal('%' + n + '%')}" for n in spec.issuers) + ")")
    if spec.leads:
        parts.append("(" + " or ".join(f"lead_text like {_literal('%' + n + '%')}" for n in spec.lead_forms()) + ")")
    if spec.due_before:
        parts.append(f'due != "" and due <= {_literal(spec.due_before)}')
    if spec.year:
        parts.append(f"year == {_literal(spec.year)}")
    if spec.date_from:
        parts.append(f'iso_date != "" and iso_date >= {_literal(spec.date_from)}')
    if spec.date_to:
        parts.append(f'iso_date != "" and iso_date <= {_literal(spec.date_to)}')
    return " and ".join(parts)


def _client(uri: str, token: str) -> Any:
    from pymilvus import MilvusClient

    return MilvusClient(uri=uri, token=token)


def _filter_fields(chunk: Chunk) -> dict[str, str]:
    return {
        "doc_id": chunk.doc_id,
        "issuer": chunk.issuer or "",
        "iso_date": chunk.date if chunk.date and _ISO.match(chunk.date) else "",
        "lead_text": "|".join(dict.fromkeys([*chunk.lead, *map(canonical, chunk.lead)])),
        "year": year_of(chunk.date) or "",
        "due": chunk.due or "",
    }


def _chunk_row(chunk: Chunk, tokenizer: JiebaTokenizer, position: int) -> dict[str, Any]:
    terms = " ".join(term(t) for t in tokenizer(context_text(chunk)))
    return {
        "id": chunk.id,
        "terms": terms[: MAX_TERMS - MAX_TERMS % 14] or "w",  # 14 characters per term with its space
        "context": Facts.of(chunk).context[:MAX_TEXT],
        "chunk": chunk.to_dict(),
        "position": position,
        **_filter_fields(chunk),
    }


def _doc_info(doc_id: str, chunks: Sequence[Chunk], model: str, order: int) -> dict[str, Any]:
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


def _stats(infos: Iterable[Mapping[str, Any]]) -> CorpusStats:
    stats = CorpusStats()
    for info in infos:
        stats.words.update(info["userwords"])
        stats.departments.update(info["departments"])
        stats.places[info["doc_id"]] = set(info["places"])
    return stats


def _create(client: Any, collection: str, dim: int) -> None:
    from pymilvus import DataType, Function, FunctionType

    def filter_fields(schema: Any) -> None:
        schema.add_field("doc_id", DataType.VARCHAR, max_length=512)
        schema.add_field("issuer", DataType.VARCHAR, max_length=512)
        schema.add_field("iso_date", DataType.VARCHAR, max_length=16)
        schema.add_field("lead_text", DataType.VARCHAR, max_length=4096)
        schema.add_field("year", DataType.VARCHAR, max_length=8)
        schema.add_field("due", DataType.VARCHAR, max_length=16)

    chunks = client.create_schema(auto_id=False, enable_dynamic_field=False)
    chunks.add_field("id", DataType.VARCHAR, is_primary=True, max_length=1024)
    chunks.add_field(
        "terms", DataType.VARCHAR, max_length=MAX_TERMS, enable_analyzer=True, analyzer_params={"tokenizer": "standard"}
    )
    chunks.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    chunks.add_field("context", DataType.VARCHAR, max_length=MAX_TEXT * 4)
    chunks.add_field("chunk", DataType.JSON)
    chunks.add_field("position", DataType.INT64)
    filter_fields(chunks)
    chunks.add_function(
        Function(
            name="bm25", function_type=FunctionType.BM25, input_field_names=["terms"], output_field_names=["sparse"]
        )
    )
    index = client.prepare_index_params()
    index.add_index(
        field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
        params={"bm25_k1": 1.2, "bm25_b": 0.75},
    )  # fmt: skip
    client.create_collection(collection, schema=chunks, index_params=index, consistency_level="Strong")

    views = client.create_schema(auto_id=False, enable_dynamic_field=False)
    views.add_field("id", DataType.VARCHAR, is_primary=True, max_length=1100)
    views.add_field("chunk_id", DataType.VARCHAR, max_length=1024)
    views.add_field("full", DataType.BOOL)
    views.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
    filter_fields(views)
    view_index = client.prepare_index_params()
    view_index.add_index(
        field_name="dense", index_type="HNSW", metric_type="IP", params={"M": 32, "efConstruction": 80}
    )
    client.create_collection(f"{collection}_views", schema=views, index_params=view_index, consistency_level="Strong")

    docs = client.create_schema(auto_id=False, enable_dynamic_field=False)
    docs.add_field("doc_id", DataType.VARCHAR, is_primary=True, max_length=512)
    docs.add_field("v", DataType.FLOAT_VECTOR, dim=2)  # Milvus wants a vector in every collection
    docs.add_field("info", DataType.JSON)
    doc_index = client.prepare_index_params()
    doc_index.add_index(field_name="v", index_type="FLAT", metric_type="L2")
    client.create_collection(f"{collection}_docs", schema=docs, index_params=doc_index, consistency_level="Strong")
