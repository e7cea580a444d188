"""The search pipeline of one batch of questions over a searcher's store, and what it returns (:class:`Result`).

validate and analyse the questions → retrieve (dense, and BM25 beside it) → fuse (RRF, convex, or
passages for passage benchmarks) → rerank (when the index has a reranker) → structure rules →
one chunk per passage (when grouped) → the abstain evidence and verdict → hits, with the time
each stage took.
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

from index.abstain import Evidence, content_words, gather, seen_words
from index.answer import Hit
from index.filters import Filters
from index.fuse import CANDIDATES, FUSED, GROUPINGS, GroupBy, fuse, passage_convex
from index.query import QueryInfo, analyze_queries
from index.rank import apply_rules, one_per_doc
from index.rerank import rerank
from index.stores.base import Ranked, lexical_with_facts


@dataclass
class Result:
    """One searched question before it becomes an :class:`Answer`: the hits are kept even when it abstains.

    Attributes:
        hits: The ranked hits.
        abstained: The abstain rule's verdict.
        info: The query analysis.
        timings: Milliseconds per stage: ``analyse`` (checks, query analysis, filters, tokens),
            ``encode``, ``dense``, ``lexical``, ``rank`` (fusion, rules, hits) and ``abstain``
            (the retrieval only the abstain rule needed), each for the whole batch.
        evidence: What the abstain rule weighed (None when it was not asked).
    """

    hits: list[Hit]
    abstained: bool
    info: QueryInfo
    timings: dict[str, float] = field(default_factory=dict)
    evidence: Evidence | None = None


class Clock:
    """Milliseconds per named stage, accumulated."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        """Add the time since the last lap to stage ``name``."""
        now = time.perf_counter()
        self.laps[name] = self.laps.get(name, 0.0) + (now - self._last) * 1000
        self._last = now


class Owner(Protocol):
    """What the pipeline reads of the searcher that runs it (:class:`index.searcher.Searcher`)."""

    store: Any
    embedder: Any
    alpha: float
    rrf_k: int
    reranker: Any
    abstain_rule: Any
    nulls: Any

    @property
    def rerank_depth(self) -> int:
        """How many fused candidates the reranker reorders."""
        ...


#: BM25 runs beside encoding and vector search (docs/performance.md); a second question need not wait.
_BESIDE = ThreadPoolExecutor(max_workers=2, thread_name_prefix="bm25")


def placed(searcher: Owner, doc_id: str) -> bool:
    """The notice belongs to a province, city or county (by its title and issuer)."""
    library = searcher.store.analyzer.library
    return library is not None and library.placed(doc_id)


def run(
    searcher: Owner,
    queries: Sequence[str],
    k: int,
    mode: str,
    filters: Filters | None,
    with_abstain: bool,
    group_by: GroupBy,
) -> list[Result]:
    """Each query's ranked hits, the abstain verdict when asked, and stage timings."""
    if group_by not in GROUPINGS:
        raise ValueError(f"group_by={group_by!r}: choose None or 'doc'")
    clock = Clock()
    infos = analyze_queries(searcher.store.analyzer, queries, k, mode)
    where = searcher.store.where(filters)
    texts = [info.text for info in infos]
    tokens = [searcher.store.tokenizer(t) for t in texts]
    clock.lap("analyse")
    none: list[Ranked] = [[] for _ in texts]
    own_dense, own_lexical = mode != "bm25", mode != "dense"
    dense, lexical = none, none
    lexical_job = None
    if own_lexical or with_abstain:  # BM25 and its candidates' facts, while the question is encoded
        lexical_job = _BESIDE.submit(lexical_with_facts, searcher.store, tokens, CANDIDATES, where)
    if own_dense or with_abstain:
        vectors = searcher.embedder.encode(texts, query=True)
        clock.lap("encode" if own_dense else "abstain")
        dense = searcher.store.dense_search(vectors, CANDIDATES, where)
        clock.lap("dense" if own_dense else "abstain")
    if lexical_job is not None:
        lexical = lexical_job.result()
        clock.lap("lexical" if own_lexical else "abstain")
    ranked = [fuse(mode, d, lx, searcher.alpha, searcher.rrf_k) for d, lx in zip(dense, lexical, strict=True)]
    wanted: set[Hashable] = set()
    for candidates, lx in zip(ranked, lexical, strict=True):
        wanted.update(key for key, _ in (candidates if mode in FUSED or group_by else candidates[:k]))
        if with_abstain and lx:
            wanted.add(lx[0][0])
    facts = searcher.store.facts(wanted)
    if group_by == "doc" and mode == "convex":  # passages are what is judged: fuse passages, not chunks
        doc_of = {key: fact.chunk.doc_id for key, fact in facts.items()}
        present = [
            ([x for x in d if x[0] in doc_of], [x for x in lx if x[0] in doc_of])
            for d, lx in zip(dense, lexical, strict=True)
        ]
        ranked = [passage_convex(d, lx, searcher.alpha, doc_of) for d, lx in present]
    ranked = [[(key, score) for key, score in c if key in facts] for c in ranked]  # gone since (a shared store)
    words_of: list[list[str]] = [[] for _ in tokens]
    seen: set[str] = set()
    null, likeness = 0.0, [0.0] * len(texts)
    if with_abstain:  # the question's content words, and which of them any searched chunk holds
        words_of = [content_words(t, info.named_places) for t, info in zip(tokens, infos, strict=True)]
        seen = seen_words(searcher.store, (w for words in words_of for w in words), where)
        null = searcher.nulls.get(searcher.store, searcher.embedder, where, filters)
        likeness = searcher.nulls.likeness(searcher.embedder, vectors)
        clock.lap("abstain")
    if mode in FUSED and searcher.reranker is not None:
        texts_of = {key: facts[key].chunk.text for key in wanted if key in facts}
        ranked = [
            rerank(searcher.reranker, info.text, c, texts_of, searcher.rerank_depth)
            for info, c in zip(infos, ranked, strict=True)
        ]
        clock.lap("rerank")
    out = []
    for info, words, content, candidates, d, lx, like in zip(
        infos, tokens, words_of, ranked, dense, lexical, likeness, strict=True
    ):
        if mode in FUSED:
            candidates = apply_rules(candidates, facts, info)
        if group_by == "doc":
            candidates = one_per_doc(candidates, facts)
        hits = [Hit.of(facts[key], score, rank, words) for rank, (key, score) in enumerate(candidates[:k], 1)]
        evidence = gather(d, lx, content, facts, seen, null, like) if with_abstain else None
        abstained = evidence is not None and searcher.abstain_rule.abstains(info.text, evidence)
        if evidence is not None and info.foreign_places and hits and placed(searcher, hits[0].doc_id):
            abstained = True  # the best clause is another place's: it cannot answer for the place asked about
        out.append(Result(hits, abstained, info, evidence=evidence))
    clock.lap("rank")
    for result in out:
        result.timings = dict(clock.laps)
    return out
