"""The search pipeline, once, over any store: ``Searcher.build / open / search / answer / add / remove``.

validate the question → analyse it (departments, places, phrase) → retrieve (dense, lexical)
from the store → fuse (RRF or convex) → structure rules → abstain → hits. The store
(:mod:`index.stores.base`) only keeps and retrieves: a local FAISS + BM25 directory
(:class:`index.stores.local.LocalStore`) or a Milvus collection (:class:`index.stores.milvus.MilvusStore`).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from index.abstain import AbstainRule, NullCache
from index.answer import Answer, Hit, make_answer
from index.encoders.base import Embedder
from index.encoders.cache import embed_cached
from index.encoders.factory import make_embedder
from index.errors import IndexNotFoundError
from index.filters import Filters
from index.fuse import ALPHA, CANDIDATES, DEFAULT_MODE, RRF_K, GroupBy, Mode
from index.paths import DEFAULT_CORPUS, default_index_path
from index.pipeline import Result
from index.pipeline import run as run_pipeline
from index.query import QueryAnalyzer
from index.reading.conversation import Turn, read
from index.recorded import model_info, recorded_embedder, recorded_reranker
from index.rerank import DEPTH as RERANK_DEPTH
from index.rerank import Scorer
from index.sources import Source, as_chunks, checked_chunks
from index.stores.base import NoticeInfo, Store
from index.stores.target import DEFAULT_COLLECTION, build_store, connect_store, is_milvus, require_local
from ingest import Chunk

logger = logging.getLogger(__name__)


class Searcher:
    """Hybrid search over clause chunks in a store: dense + lexical, fused, with the structure rules.

    ``add`` and ``remove`` return the updated searcher. On a local directory the old searcher
    stays a snapshot of the index before the change; a Milvus collection is shared server state,
    so every searcher on it sees the change. Use the searcher they return.

    Example:
        >>> searcher = Searcher.open()                        # builds from data/notices the first time
        >>> hits = searcher.search("哪些部门负责12345热线", k=5)
        >>> next((h.label, h.lead) for h in hits if h.doc_id.startswith("000"))
        ('13', ['市行政审批服务局', '市数据局'])
    """

    def __init__(
        self, store: Store, embedder: Embedder, *, cache_dir: Path | None = None, reranker: Scorer | None = None
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.cache_dir = cache_dir
        #: The rerank stage's cross-encoder (None: no rerank stage).
        self.reranker = reranker
        self.abstain_rule = AbstainRule.from_settings(store.settings.get("abstain"))
        #: The corpus nulls of the abstain evidence, one per filter set (:class:`index.abstain.NullCache`).
        self.nulls = NullCache()
        #: The fusion's parameters (``python -m eval.fusion`` measures other values by setting them).
        self.alpha = ALPHA
        self.rrf_k = RRF_K

    def __len__(self) -> int:
        return len(self.store)

    @property
    def rerank_depth(self) -> int:
        """How many fused candidates the reranker reorders (its own ``depth``)."""
        return int(getattr(self.reranker, "depth", RERANK_DEPTH))

    @property
    def analyzer(self) -> QueryAnalyzer:
        """The store's query analyser (its departments and places)."""
        return self.store.analyzer

    def notices(self) -> list[NoticeInfo]:
        """The notices in the index."""
        return self.store.notices()

    def document(self, doc_id: str) -> tuple[NoticeInfo, list[Chunk]]:
        """One notice as the index holds it: its :class:`NoticeInfo` and its chunks in reading order.

        Raises:
            KeyError: for a doc_id not in the index.
        """
        info = next((n for n in self.store.notices() if n.doc_id == doc_id), None)
        if info is None:
            raise KeyError(f"not in the index: {doc_id!r}")
        return info, self.store.document(doc_id)

    def all_chunks(self) -> list[Chunk]:
        """Every chunk in the index, notice by notice in reading order."""
        return self.store.all_chunks()

    def version(self) -> str:
        """A short fingerprint of what the index holds: its notices, their chunk counts and file hashes.

        Feedback records it, so a vote can be matched with the index that gave the answer.
        """
        held = [(n.doc_id, n.chunks, n.sha256) for n in self.store.notices()]
        return hashlib.sha256(json.dumps(held, ensure_ascii=False).encode("utf-8")).hexdigest()[:12]

    # --- building and opening -------------------------------------------------------------

    @classmethod
    def build(
        cls,
        source: Source,
        target: str | Path | None = None,
        *,
        collection: str = DEFAULT_COLLECTION,
        token: str = "",
        embedder: Embedder | None = None,
        cache_dir: Path | None = None,
        show_progress: bool = False,
        dense_kind: str | None = None,
        reranker: Scorer | None = None,
        backend: str | None = None,
    ) -> Searcher:
        """Build an index from files/directories or from chunks.

        ``target`` is an index directory (written when given; None keeps the index in memory)
        or a Milvus URI, whose ``collection`` is created or replaced. Embeddings are cached by
        model and text as they are computed, so a rebuild only encodes new text and a killed
        build resumes. ``dense_kind`` ("flat", "hnsw" or "ivf") overrides the local choice by size.
        A ``reranker`` (:class:`index.rerank.Reranker`) is recorded in a local index's manifest
        and used by every search of it. Without an ``embedder``, the bundled model runs on
        ``backend`` (default :data:`index.encoders.base.DEFAULT_BACKEND`).

        Raises:
            ValueError: if there is nothing to index, chunk ids repeat, or the backend is unknown.
        """
        chunks = checked_chunks(as_chunks(source))
        embedder = embedder or make_embedder(None, backend)

        def encode(texts: list[str]) -> Any:
            return embed_cached(embedder, texts, cache_dir, show_progress)

        settings = {"alpha": ALPHA, "rrf_k": RRF_K, "candidates": CANDIDATES, "abstain": asdict(AbstainRule())}
        if reranker is not None and hasattr(reranker, "info"):
            settings["reranker"] = reranker.info()
        store = build_store(
            target, chunks, encode, model_info(embedder), settings, collection=collection, token=token,
            dense_kind=dense_kind,
        )  # fmt: skip
        return cls(store, embedder, cache_dir=cache_dir, reranker=reranker)

    @classmethod
    def open(
        cls,
        target: str | Path | None = None,
        *,
        collection: str = DEFAULT_COLLECTION,
        token: str = "",
        embedder: Embedder | None = None,
        build_if_missing: bool | None = None,
        corpus: Source | None = None,
        cache_dir: Path | None = None,
        show_progress: bool = False,
        reranker: Scorer | None = None,
        backend: str | None = None,
    ) -> Searcher:
        """Open an index directory or a Milvus collection; with no ``target``, the default directory.

        When the index does not exist and ``build_if_missing`` (default: only for the default
        directory), it is built from ``corpus`` (default: data/notices). Without an ``embedder``
        a local index is opened with the model it records (:mod:`index.recorded`), and its
        recorded reranker, if any, reorders the fused candidates (``reranker`` overrides it), on the
        encoder backend it records (``backend`` names one; another than the recorded one is refused).

        Raises:
            IndexNotFoundError: if there is no index there (the message says how to build one).
            IndexMismatchError: if it was built with another model or is damaged; the message
                names the mismatch and the command that rebuilds.
        """
        if build_if_missing is None:
            build_if_missing = target is None
        target = target if target is not None else default_index_path()
        if not build_if_missing and not is_milvus(target):
            require_local(target)  # said before any model is loaded
        if embedder is None:
            embedder = make_embedder(None, backend) if is_milvus(target) else recorded_embedder(Path(target), backend)
        try:
            store = connect_store(target, model_info(embedder), collection=collection, token=token)
        except IndexNotFoundError:
            if not build_if_missing:
                raise
            source = corpus if corpus is not None else DEFAULT_CORPUS
            logger.info("no index at %s yet: building it from %s", target, source)
            return cls.build(
                source, target, collection=collection, token=token, embedder=embedder,
                cache_dir=cache_dir, show_progress=show_progress, reranker=reranker,
            )  # fmt: skip
        if reranker is None:
            reranker = recorded_reranker(store.settings, target)
        return cls(store, embedder, cache_dir=cache_dir, reranker=reranker)

    # --- updates ------------------------------------------------------------------------

    def add(
        self,
        source: Source,
        *,
        replacing: Iterable[str] = (),
        cache_dir: Path | None = None,
        show_progress: bool = False,
    ) -> Searcher:
        """The searcher with these notices added (replacing notices with the same doc_id).

        ``replacing`` names other notices that the new ones replace (a changed file stored under
        a new doc_id): they are removed in the same change. Only the new text is encoded; the
        result answers as a full rebuild over the same chunks would. A local index with a path
        is saved in place (the base linked, the changes written).

        Raises:
            ValueError: if there is nothing readable to add, or the new chunks repeat an id.
            KeyError: naming ``replacing`` doc_ids that are not in the index (nothing is changed).
        """
        new = as_chunks(source)
        if not new:
            raise ValueError(f"nothing to add from {source!r}: no readable notices")
        checked_chunks(new)
        replacing = set(replacing)
        missing = replacing - {n.doc_id for n in self.store.notices()}
        if missing:
            raise KeyError(f"not in the index: {sorted(missing)}")
        folder = cache_dir or self.cache_dir

        def encode(texts: list[str]) -> Any:
            return embed_cached(self.embedder, texts, folder, show_progress)

        return Searcher(
            self.store.add(new, encode, replacing), self.embedder, cache_dir=self.cache_dir, reranker=self.reranker
        )

    def remove(self, doc_ids: Iterable[str]) -> Searcher:
        """The searcher without these notices.

        Raises:
            KeyError: naming doc_ids that are not in the index (nothing is changed).
            ValueError: if nothing would be left in the index.
        """
        doc_ids = set(doc_ids)
        missing = doc_ids - {n.doc_id for n in self.store.notices()}
        if missing:
            raise KeyError(f"not in the index: {sorted(missing)}")
        if len(doc_ids) == len(self.store.notices()):
            raise ValueError("removing every notice would leave the index empty; build a new one instead")
        return Searcher(self.store.remove(doc_ids), self.embedder, cache_dir=self.cache_dir, reranker=self.reranker)

    # --- searching ----------------------------------------------------------------------

    def search(
        self,
        query: str,
        k: int = 5,
        mode: Mode = DEFAULT_MODE,
        filters: Filters | None = None,
        group_by: GroupBy = None,
    ) -> list[Hit]:
        """Top ``k`` chunks for one query, best first (``search_batch([query])[0]``)."""
        return self.search_batch([query], k=k, mode=mode, filters=filters, group_by=group_by)[0]

    def search_batch(
        self,
        queries: Sequence[str],
        k: int = 5,
        mode: Mode = DEFAULT_MODE,
        filters: Filters | None = None,
        group_by: GroupBy = None,
    ) -> list[list[Hit]]:
        """Top ``k`` chunks for each query; queries are encoded in one batch.

        ``group_by="doc"`` keeps only the best chunk of each document (notice or passage), for
        passage-level benchmarks and document lists; by default items of one notice stand apart.

        Returns:
            One list per query, each best first (length ≤ k; shorter when filters leave fewer).

        Raises:
            TypeError: for a single string instead of a list, or a query that is not a string.
            ValueError: for k < 1, an unknown mode, an empty or over-long query, or unknown
                filter keys/values.
        """
        return [r.hits for r in self.run(queries, k, mode, filters, group_by=group_by)]

    def answer(
        self,
        query: str,
        k: int = 5,
        mode: Mode = DEFAULT_MODE,
        filters: Filters | None = None,
        group_by: GroupBy = None,
        history: Sequence[Turn | str | dict[str, Any]] | None = None,
    ) -> Answer:
        """Search, decide whether to abstain, and collect lead departments for responsibility questions.

        ``history``: the earlier turns of a conversation, oldest first (questions, or
        :class:`index.reading.conversation.Turn` records with the clauses each answer showed). A follow-up
        ("它由哪个部门牵头？") is read against the last one (:func:`index.reading.conversation.read`);
        the answer's ``reading`` says how.
        """
        reading = read(query, history)
        if not reading.follow_up:
            return self.answer_batch([query], k=k, mode=mode, filters=filters, group_by=group_by)[0]
        (result,) = self.run([reading.text], k + len(reading.exclude), mode, filters, True, group_by)
        result.hits = reading.arrange(result.hits)[:k]  # the clause pointed to first; none shown before
        answer = _answer(query, result)
        answer.reading = reading
        return answer

    def answer_batch(
        self,
        queries: Sequence[str],
        k: int = 5,
        mode: Mode = DEFAULT_MODE,
        filters: Filters | None = None,
        group_by: GroupBy = None,
    ) -> list[Answer]:
        """:meth:`answer` for several questions at once (each on its own: no history)."""
        results = self.run(queries, k, mode, filters, with_abstain=True, group_by=group_by)
        return [_answer(query, result) for query, result in zip(queries, results, strict=True)]

    def run(
        self,
        queries: Sequence[str],
        k: int = 5,
        mode: str = DEFAULT_MODE,
        filters: Filters | None = None,
        with_abstain: bool = False,
        group_by: GroupBy = None,
    ) -> list[Result]:
        """The pipeline (:func:`index.pipeline.run`): ranked hits, the abstain verdict when asked, timings."""
        return run_pipeline(self, queries, k, mode, filters, with_abstain, group_by)


def _answer(query: str, result: Result) -> Answer:
    """The answer to one searched question: its hits or refusal, leads and warnings."""
    info = result.info
    led_work_of = info.departments if info.asks_led_work else []
    return make_answer(
        query, result.hits, result.abstained, info.asks_responsibility, led_work_of, result.evidence,
        foreign_places=info.foreign_places,
    )  # fmt: skip
