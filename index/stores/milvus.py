"""The Milvus store: chunks, their views and their notices in three Milvus collections.

For corpora beyond one machine, behind the same pipeline as the local directory
(:class:`index.Searcher`), so a question ranks the same way on either (layout:
:mod:`index.stores.milvus_schema`):

- Lexical: Milvus's own BM25 over the pipeline's own jieba tokens, each written as an opaque
  ASCII word that Milvus's ``standard`` analyser keeps whole, so both stores score the same terms.
- Dense: one row per view (the clause, then each sentence). A search groups the views by chunk
  (``group_by_field``) to find candidate chunks, then scores each candidate from all its views
  (``FULL_WEIGHT`` × the clause + the rest × its best view), as the local store does.
- Notices: one row each, with what query analysis and the library need.

Filters are checked as on every store (:func:`index.filters.check_filters`) and become a
Milvus boolean expression. The same code serves ``milvus-lite`` (a ``.db`` file or a loopback
server) and a Milvus cluster (docs/milvus.md). Needs ``pymilvus`` (and ``milvus-lite`` for a local
server); neither is imported until a Milvus store is opened.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from index.corpus import by_doc
from index.encoders.base import check_backend
from index.errors import IndexMismatchError, IndexNotFoundError
from index.filters import check_filters
from index.stores.base import Encode, Facts, NoticeInfo, Ranked
from index.stores.milvus_schema import (
    FILTER_FIELDS,
    ID_BATCH,
    INSERT_BATCH,
    MAX_GROUPS,
    build_hint,
    chunk_of,
    chunk_row,
    connect_client,
    create,
    create_chunks,
    doc_info,
    expression,
    filter_fields,
    in_list,
    literal,
    stats_of,
    term,
    vector_key,
    view_id,
)
from index.tokenize import JiebaTokenizer, containing
from index.views import FULL_WEIGHT, chunk_views
from ingest import Chunk


class MilvusStore:
    """A store in Milvus (see the module docstring). Keys are chunk ids."""

    def __init__(self, client: Any, uri: str, collection: str, model: Mapping[str, Any]) -> None:
        self.client, self.uri, self.collection = client, uri, collection
        self.views, self.docs = f"{collection}_views", f"{collection}_docs"
        self.model = dict(model)
        self.settings: dict[str, Any] = {}
        #: milvus-lite keeps BM25 statistics per segment (see :meth:`_one_segment`).
        self.lite = str(client.get_server_version()).startswith("milvus_lite")
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
        client = connect_client(uri, token)
        for name in (collection, f"{collection}_views", f"{collection}_docs"):
            if client.has_collection(name):
                client.drop_collection(name)
        create(client, collection, int(model["dim"]))
        return cls(client, uri, collection, model)

    @classmethod
    def connect(cls, uri: str, collection: str, model: Mapping[str, Any], *, token: str = "") -> MilvusStore:
        """Connect to an existing collection built with ``model``.

        Raises:
            IndexNotFoundError: if the collection does not exist (the message says how to build it).
            IndexMismatchError: if it was built with another model.
        """
        client = connect_client(uri, token)
        names = (collection, f"{collection}_views", f"{collection}_docs")
        if not all(client.has_collection(n) for n in names):
            client.close()
            raise IndexNotFoundError(
                f"no collection {collection!r} at {uri}; build it with: {build_hint(uri, collection)}"
            )
        store = cls(client, uri, collection, model)
        built = {info.get("model") for info in store._docs.values()}
        if built and built != {vector_key(model)}:
            fingerprint, _, backend = sorted(built)[0].partition("+")
            if fingerprint == model["fingerprint"]:
                check_backend({"backend": backend or "torch"}, model, f"collection {collection!r} at {uri}",
                              build_hint(uri, collection))  # fmt: skip
            raise IndexMismatchError(
                f"collection {collection!r} at {uri} was built with another model (sha256 {fingerprint[:12]}…); "
                f"this run uses {model['name']} (sha256 {model['fingerprint'][:12]}…). "
                f"Rebuild with: {build_hint(uri, collection)} [--model PATH]"
            )
        return store

    def _refresh(self, tokenizer: JiebaTokenizer | None = None) -> None:
        """Read the per-notice facts (one row per notice) that query analysis and the library need.

        ``tokenizer``: the one a change already made for the notices now stored (it is not built again).
        """
        self.client.load_collection(self.collection)
        self.client.load_collection(self.views)
        self.client.load_collection(self.docs)
        rows = self.client.query(self.docs, filter='doc_id != ""', output_fields=["doc_id", "info"])
        self._docs: dict[str, dict[str, Any]] = {r["doc_id"]: r["info"] for r in rows}
        self.stats = stats_of(self._docs.values())
        self.analyzer = self.stats.analyzer()
        self.tokenizer = tokenizer or JiebaTokenizer(self.stats.words)
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
        """Top ``k`` chunks per query by the same score as the local store's, exactly.

        Candidates come from a search of the views grouped by chunk (each chunk ranked by its
        best view); each candidate is then scored from all its views. A chunk's score is at
        most its best view's, so once the last group's best view is no better than the k-th
        score found, no chunk outside the groups can enter the top ``k``; until then the
        groups are widened (twice as many, up to :data:`MAX_GROUPS`).
        """
        if not len(queries):
            return []
        limit = min(2 * k, MAX_GROUPS)
        found = self._groups(queries, limit, where)
        vectors: dict[str, tuple[tuple[int, int], np.ndarray]] = {}
        out = []
        for query, groups in zip(queries, found, strict=True):
            while True:
                missing = sorted({c for c, _ in groups} - set(vectors))
                vectors.update(self._view_vectors(missing))
                scored = []
                for chunk_id, _ in groups:
                    if chunk_id in vectors:  # not: deleted since the search
                        place, views = vectors[chunk_id]
                        scores = views @ query
                        combined = float(FULL_WEIGHT * scores[0] + (1 - FULL_WEIGHT) * scores.max())
                        scored.append((chunk_id, combined, place))
                scored.sort(key=lambda kcp: (-kcp[1], kcp[2]))  # ties in corpus order, as in the local store
                settled = len(scored) >= k and groups[-1][1] <= scored[k - 1][1]
                if settled or len(groups) < limit or limit >= MAX_GROUPS:
                    break
                limit = min(2 * limit, MAX_GROUPS)
                groups = self._groups(query[None, :], limit, where)[0]
            out.append([(chunk_id, score) for chunk_id, score, _ in scored[:k]])
        return out

    def _groups(self, queries: np.ndarray, limit: int, where: str) -> list[list[tuple[str, float]]]:
        """Per query, up to ``limit`` chunks ranked by their best view: (chunk id, best view's cosine)."""
        found = self.client.search(
            self.views,
            data=[q.tolist() for q in queries],
            anns_field="dense",
            search_params={"metric_type": "IP"},
            limit=limit,
            filter=where,
            group_by_field="chunk_id",
        )
        return [[(chunk_of(h["id"]), float(h["distance"])) for h in hits] for hits in found]

    def _view_vectors(self, chunk_ids: list[str]) -> dict[str, tuple[tuple[int, int], np.ndarray]]:
        """Per chunk, its place in the corpus (notice order, position) and its view vectors.

        The whole text's vector comes first; two lookups by primary key.
        """
        counts: dict[str, int] = {}
        places: dict[str, tuple[int, int]] = {}
        for start in range(0, len(chunk_ids), ID_BATCH):
            rows = self.client.get(
                self.collection, ids=chunk_ids[start : start + ID_BATCH], output_fields=["views", "doc_id", "position"]
            )
            for row in rows:
                counts[row["id"]] = int(row["views"])
                places[row["id"]] = (int(self._docs.get(row["doc_id"], {}).get("order", -1)), int(row["position"]))
        keys = [view_id(c, n) for c, count in counts.items() for n in range(count)]
        found: dict[str, list[float]] = {}
        for start in range(0, len(keys), ID_BATCH):
            rows = self.client.get(self.views, ids=keys[start : start + ID_BATCH], output_fields=["dense"])
            found.update((row["id"], row["dense"]) for row in rows)
        out = {}
        for chunk_id, count in counts.items():
            rows = [found.get(view_id(chunk_id, n)) for n in range(count)]
            if all(r is not None for r in rows):
                out[chunk_id] = (places[chunk_id], np.asarray(rows, dtype=np.float32))
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
        )  # no output fields: the primary key comes back anyway (asking for it cost 0.6 s in milvus-lite)
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
        order = {n.doc_id: i for i, n in enumerate(self._notices)}
        rows = self._rows(["chunk", "position", "doc_id"])
        rows.sort(key=lambda r: (order.get(r["doc_id"], len(order)), r["position"]))
        return [Chunk.from_dict(r["chunk"]) for r in rows]

    def _rows(self, fields: list[str]) -> list[dict[str, Any]]:
        """Every row of the chunk collection with these fields, read in pages."""
        rows: list[dict[str, Any]] = []
        iterator = self.client.query_iterator(
            self.collection, batch_size=ID_BATCH, filter='id != ""', output_fields=fields
        )
        try:
            while page := iterator.next():
                rows += page
        finally:
            iterator.close()
        return rows

    # --- changes ------------------------------------------------------------------------------

    def document(self, doc_id: str) -> list[Chunk]:
        """One notice's chunks in reading order ([] for a doc_id not in the collection)."""
        if doc_id not in self._docs:
            return []
        where = in_list("doc_id", [doc_id])
        rows = self.client.query(self.collection, filter=where, output_fields=["chunk", "position"])
        return [Chunk.from_dict(r["chunk"]) for r in sorted(rows, key=lambda r: r["position"])]

    def add(self, chunks: list[Chunk], encode: Encode, replacing: Collection[str] = ()) -> MilvusStore:
        """Add these chunks' notices and remove ``replacing``; returns the refreshed store.

        A notice whose doc_id is already here is replaced by the new chunks. The removal happens
        only once the new chunks are encoded, so a failed encoding leaves the collection as it was.
        """
        docs = by_doc(chunks)
        replaced = sorted((set(docs) | set(replacing)) & set(self._docs))
        kept = {d: info for d, info in self._docs.items() if d not in replaced}
        order = max((info["order"] for info in self._docs.values()), default=-1) + 1
        new_info = {
            d: doc_info(d, members, vector_key(self.model), order + n) for n, (d, members) in enumerate(docs.items())
        }
        views, owners = chunk_views(chunks)
        vectors = encode(views)  # before anything is deleted: a failed encoding changes nothing
        if replaced:
            self._delete(replaced)
        tokenizer = self._tokenizer_for({**kept, **new_info})
        self._retokenize(tokenizer, set(kept))
        self._insert(self.collection, [chunk_row(c, tokenizer, n) for n, c in enumerate(chunks)])
        view_rows = []
        previous, number = -1, 0
        for owner, vector in zip(owners, vectors, strict=True):
            number = number + 1 if owner == previous else 0
            previous = owner
            chunk = chunks[int(owner)]
            view_rows.append(
                {"id": view_id(chunk.id, number), "chunk_id": chunk.id, "full": number == 0, "dense": vector.tolist(),
                 **filter_fields(chunk)}
            )  # fmt: skip
        self._insert(self.views, view_rows)
        self._insert(self.docs, [{"doc_id": d, "v": [0.0, 0.0], "info": info} for d, info in new_info.items()])
        if self._docs:  # not the first notices: the collection had rows before this change
            self._one_segment()
        self._flush()
        self._refresh(tokenizer)
        return self

    def remove(self, doc_ids: set[str]) -> MilvusStore:
        """Remove these notices (the caller checked that they are here); returns the refreshed store."""
        kept = {d: info for d, info in self._docs.items() if d not in doc_ids}
        self._delete(sorted(doc_ids))
        tokenizer = self._tokenizer_for(kept)
        self._retokenize(tokenizer, set(kept))
        self._one_segment()
        self._flush()
        self._refresh(tokenizer)
        return self

    def _tokenizer_for(self, notices: Mapping[str, Any]) -> JiebaTokenizer:
        """The tokenizer of a collection holding these notices: this one with the words that come and go."""
        old, new = set(self.stats.words), set(stats_of(notices.values()).words)
        return self.tokenizer.with_words(new - old, old - new) if old != new else self.tokenizer

    def _retokenize(self, tokenizer: JiebaTokenizer, kept: set[str]) -> None:
        """Re-tokenise the kept notices' chunks whose text holds a dictionary word that comes or goes.

        ``tokenizer`` is the dictionary after the change; a word that enters or leaves it changes
        the tokens of every text that contains it (as in the local store, only those are touched).
        """
        changed = set(self.tokenizer.userwords) ^ set(tokenizer.userwords)
        if not changed:
            return
        words = sorted(changed)
        touched: dict[str, dict[str, Any]] = {}
        for start in range(0, len(words), 50):
            expr = " or ".join(f"context like {literal('%' + w + '%')}" for w in words[start : start + 50])
            for row in self.client.query(self.collection, filter=expr, output_fields=["chunk", "context", "position"]):
                touched[row["id"]] = row
        rows = [
            chunk_row(Chunk.from_dict(row["chunk"]), tokenizer, int(row["position"]))
            for row in touched.values()
            if row["chunk"]["doc_id"] in kept and containing([row["context"]], changed)
        ]
        for start in range(0, len(rows), INSERT_BATCH):
            self.client.upsert(self.collection, rows[start : start + INSERT_BATCH])

    def _one_segment(self) -> None:
        """On milvus-lite, rewrite the chunk collection so that BM25 sees one segment.

        milvus-lite computes BM25 statistics (document count, average length, document
        frequencies) per segment, counting replaced and deleted rows, until its size-tiered
        compaction merges segments (its own TODO). After a change, the new notice's rows would
        score against their own small segment: measured, an added notice lost its own exact
        words to an old notice. A Milvus server aggregates the statistics over the collection,
        so this is done only for milvus-lite, where collections are small (one process, a
        laptop, the tests); searches that run while it happens can fail and should be retried.
        """
        if not self.lite:
            return
        fields = ["id", "terms", "context", "chunk", "position", "views", *FILTER_FIELDS]
        rows = self._rows(fields)
        self.client.drop_collection(self.collection)
        create_chunks(self.client, self.collection)
        self._insert(self.collection, rows)

    def _flush(self) -> None:
        """Seal what was written, so that searches use the built indexes.

        milvus-lite scans unsealed rows one by one: 1.6 s per dense search on MSGABench before
        a flush, 0.26 s after.
        """
        for name in (self.collection, self.views, self.docs):
            self.client.flush(name)

    def _insert(self, collection: str, rows: list[dict[str, Any]]) -> None:
        for start in range(0, len(rows), INSERT_BATCH):
            self.client.insert(collection, rows[start : start + INSERT_BATCH])

    def _delete(self, doc_ids: list[str]) -> None:
        for name in (self.collection, self.views, self.docs):
            self.client.delete(name, filter=in_list("doc_id", doc_ids))
