"""The search entry point: ``Searcher.build / load / search / search_batch / answer``."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

import ingest
from index.cache import EmbeddingCache
from index.convert import cache_root
from index.dense import HNSW_EF_SEARCH, DenseIndex
from index.embed import Embedder, SentenceTransformerEmbedder
from index.filters import Filters, chunk_mask
from index.fuse import convex, rrf
from index.lexical import JiebaTokenizer, LexicalIndex, normalize_text
from index.query import QueryAnalyzer, QueryInfo, place_names, squash_text
from index.rank import AbstainRule, boost, diversify
from index.store import (
    CHUNKS,
    FORMAT_VERSION,
    IndexMismatchError,
    IndexNotFoundError,
    atomic_directory,
    file_sha256,
    package_versions,
    read_manifest,
    rebuild_hint,
    write_manifest,
)
from index.views import cite_label, context_text, item_title, sentence_views, vocabulary
from ingest import Chunk

logger = logging.getLogger(__name__)

Mode = Literal["hybrid", "convex", "dense", "bm25"]
#: hybrid: RRF of dense and lexical, then the structure rules; convex: the same with a convex
#: combination of normalised scores instead of RRF; dense, bm25: one retriever, no rules.
MODES: tuple[str, ...] = ("hybrid", "convex", "dense", "bm25")
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT / "data" / "notices"
DEFAULT_INDEX = ROOT / "build" / "index"


def default_index_path() -> Path:
    """Where ``Searcher.load()`` looks: ``$POLICY_QA_INDEX``, else ``build/index`` in the project."""
    return Path(os.environ.get("POLICY_QA_INDEX") or DEFAULT_INDEX)


_CHUNK_FIELDS = [f.name for f in dataclasses.fields(Chunk)]
#: Candidates taken from each retriever before fusion.
CANDIDATES = 100
#: Weight of the whole-chunk vector against its best sentence in the dense score.
FULL_WEIGHT = 0.5
#: Weight of the dense scores in the convex mode (the lexical ones get 1 − ALPHA).
ALPHA = 0.7
#: RRF constant (Cormack et al. 2009).
RRF_K = 60
#: Above this many vectors, dense scores come from the top rows FAISS returns.
EXACT_ROWS = 50_000
#: Above this many vectors the FAISS index is HNSW instead of exact Flat: measured on 70k law-article
#: vectors, HNSW answered in 0.63 ms against 9.9 ms with recall@10 0.999 (README, Performance).
ANN_ROWS = EXACT_ROWS
#: Rows asked from FAISS per query above EXACT_ROWS (a chunk has several rows: it and its sentences).
DENSE_ROWS = CANDIDATES * 8
#: Texts encoded (and saved to the embedding cache) per step of a build: a killed build loses
#: at most this many, and resumes from the cache.
EMBED_BATCH = 256
#: Longest question accepted, in characters (a pasted paragraph fits; a pasted notice does not).
MAX_QUERY_CHARS = 2000


@dataclass
class Hit(Chunk):
    """A retrieved chunk: every chunk field plus its score, rank and matched terms.

    Attributes:
        score: The fused (or single-retriever) score; higher is better.
        rank: Position in the result list, from 1.
        matched: The query's terms found in the text, longest first.
    """

    score: float = 0.0
    rank: int = 0
    matched: list[str] = field(default_factory=list)


@dataclass
class Answer:
    """The hits for a question, whether the search abstained, and who leads what.

    Attributes:
        query: The question as asked.
        hits: Retrieved chunks, best first (empty when abstained).
        abstained: True when no clause matches well enough to answer.
        asks_responsibility: The question asks which department is responsible.
        leads: Per notice title, the (item label, lead departments) of the hits that name leads.
    """

    query: str
    hits: list[Hit]
    abstained: bool
    asks_responsibility: bool
    leads: dict[str, list[tuple[str, list[str]]]] = field(default_factory=dict)

    def lead_line(self) -> str:
        """A line per notice naming its lead departments, e.g. "…要点：市行政审批服务局、市数据局牵头（第13项）"."""
        parts = []
        for notice, items in self.leads.items():
            described = "；".join(f"{'、'.join(lead)}牵头{_label_note(label)}" for label, lead in items)
            parts.append(f"{notice}：{described}")
        return "\n".join(parts)


def _label_note(label: str) -> str:
    """How a label reads in a lead line: 13 → （第13项）, (十) → （十）, 第五条 → （第五条）."""
    cited = cite_label(label)
    return cited if not cited or cited.startswith("（") else f"（{cited}）"


class SearchMethods:
    """``search``, ``search_batch`` and ``answer`` for a backend that implements ``_run``.

    ``_run(queries, k, mode, filters, with_abstain)`` returns, per query, its hits (None when
    it abstained) and its :class:`QueryInfo`; both backends (FAISS and Milvus) share the rest.
    """

    def _run(
        self, queries: Sequence[str], k: int, mode: str, filters: Filters | None, with_abstain: bool = False
    ) -> list[tuple[Any, QueryInfo]]:
        raise NotImplementedError

    def search(self, query: str, k: int = 5, mode: Mode = "hybrid", filters: Filters | None = None) -> list[Hit]:
        """Top ``k`` chunks for one query, best first (``search_batch([query])[0]``)."""
        return self.search_batch([query], k=k, mode=mode, filters=filters)[0]

    def search_batch(
        self, queries: Sequence[str], k: int = 5, mode: Mode = "hybrid", filters: Filters | None = None
    ) -> list[list[Hit]]:
        """Top ``k`` chunks for each query; queries are encoded in one batch.

        Returns:
            One list per query, each best first (length ≤ k; shorter when filters leave fewer).

        Raises:
            ValueError: for k < 1, an unknown mode, or unknown filter keys/values.
        """
        return [hits for hits, _ in self._run(queries, k, mode, filters)]

    def answer(self, query: str, k: int = 5, mode: Mode = "hybrid", filters: Filters | None = None) -> Answer:
        """Search, decide whether to abstain, and collect lead departments for responsibility questions."""
        ((hits, info),) = self._run([query], k, mode, filters, with_abstain=True)
        return make_answer(query, hits, info)


class Searcher(SearchMethods):
    """Hybrid search over clause chunks: dense (FAISS) and lexical (jieba + BM25), fused by RRF.

    Example:
        >>> searcher = Searcher.load()                        # builds from data/notices the first time
        >>> hits = searcher.search("哪些部门负责12345热线", k=5)
        >>> next((h.label, h.lead) for h in hits if h.doc_id.startswith("000"))
        ('13', ['市行政审批服务局', '市数据局'])
    """

    def __init__(
        self,
        chunks: list[Chunk],
        dense: DenseIndex,
        owners: np.ndarray,
        lexical: LexicalIndex,
        tokenizer: JiebaTokenizer,
        embedder: Embedder,
        manifest: dict[str, Any],
        path: Path | None = None,
    ) -> None:
        self.chunks = chunks
        self.owners = owners
        self.dense = dense
        self._vectors = dense.storage()  # a view of FAISS's storage (self.dense keeps it alive): held once
        self._torch_vectors: Any = None
        self.lexical = lexical
        self.tokenizer = tokenizer
        self.embedder = embedder
        self.manifest = manifest
        self.path = path
        self.abstain_rule = AbstainRule(**manifest.get("settings", {}).get("abstain", {}))
        vocab = vocabulary(chunks)
        scope: dict[str, set[str]] = {}
        for chunk in chunks:
            for source in (chunk.title, chunk.notice_title, chunk.issuer or ""):
                for place in place_names(source):
                    scope.setdefault(place, set()).add(chunk.doc_id)
        self.analyzer = QueryAnalyzer(vocab["departments"], scope, {c.doc_id for c in chunks})
        self._squashed = [squash_text(c.text) for c in chunks]
        self._titles = [normalize_text(item_title(c)) for c in chunks]
        self._normalized = [normalize_text(c.text) for c in chunks]
        if len(owners) and (np.any(np.diff(owners) < 0) or np.unique(owners).size != len(chunks)):
            raise IndexMismatchError("vector owners are not grouped by chunk; rebuild the index")
        self._full_rows = np.searchsorted(owners, np.arange(len(chunks)))  # first row of each chunk

    # --- building and loading -----------------------------------------------------------

    @classmethod
    def build(
        cls,
        source: str | Path | Iterable[str | Path] | Sequence[Chunk],
        path: str | Path | None = None,
        *,
        embedder: Embedder | None = None,
        cache_dir: Path | None = None,
        show_progress: bool = False,
        dense_kind: str | None = None,
    ) -> Searcher:
        """Build an index from files/directories or from chunks, and save it when ``path`` is given.

        Embeddings are cached by model and text as they are computed, so a rebuild or an update
        only encodes new text and a killed build resumes. ``dense_kind`` ("flat" or "hnsw")
        overrides the choice by size (HNSW above :data:`ANN_ROWS` vectors).

        Raises:
            ValueError: if there is nothing to index or chunk ids repeat.
        """
        chunks = corpus_chunks(source)
        embedder = embedder or SentenceTransformerEmbedder()
        started = time.time()
        vocab = vocabulary(chunks)
        userwords = sorted(vocab["departments"] | vocab["terms"] | vocab["titles"])
        tokenizer = JiebaTokenizer(userwords)
        views, owners = [], []
        for i, chunk in enumerate(chunks):
            for view in [chunk.text, *sentence_views(chunk)]:
                views.append(view)
                owners.append(i)
        vectors = _embed(embedder, views, cache_dir, show_progress)
        lexical = LexicalIndex().build([tokenizer(context_text(c)) for c in chunks])
        manifest = {
            "format_version": FORMAT_VERSION,
            "model": {
                "name": embedder.name,
                "fingerprint": embedder.fingerprint,
                "dim": embedder.dim,
                "prompts": getattr(embedder, "prompts", {}),
                "normalized": True,
            },
            "chunk_count": len(chunks),
            "vector_count": len(views),
            "documents": sorted({c.doc_id for c in chunks}),
            "packages": package_versions(),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "build_seconds": round(time.time() - started, 2),
            "settings": {
                "alpha": ALPHA,
                "full_weight": FULL_WEIGHT,
                "rrf_k": RRF_K,
                "candidates": CANDIDATES,
                "abstain": asdict(AbstainRule()),
            },
            "tokenizer": {"kind": "jieba.cut_for_search", "userwords": len(userwords)},
        }
        dense = DenseIndex(vectors.shape[1], dense_kind or ("hnsw" if len(views) > ANN_ROWS else "flat")).add(vectors)
        manifest["settings"]["dense_index"] = dense.params
        searcher = cls(chunks, dense, np.asarray(owners, dtype=np.int64), lexical, tokenizer, embedder, manifest)
        if path is not None:
            searcher.save(path)
        return searcher

    def save(self, path: str | Path) -> Path:
        """Write the index directory atomically (a crash leaves the previous index intact)."""
        path = Path(path)
        with atomic_directory(path) as work:
            with (work / CHUNKS).open("w", encoding="utf-8") as handle:
                for chunk in self.chunks:
                    handle.write(chunk.to_json() + "\n")
            np.save(work / "owners.npy", self.owners)
            self.dense.save(work / "dense.faiss")
            self.lexical.save(work / "lexical")
            (work / "lexicon.txt").write_text("\n".join(self.tokenizer.userwords) + "\n", encoding="utf-8")
            self.manifest["corpus_hash"] = file_sha256(work / CHUNKS)
            write_manifest(work, self.manifest)
        self.path = path
        return path

    @classmethod
    def load(
        cls,
        path: str | Path | None = None,
        *,
        embedder: Embedder | None = None,
        build_if_missing: bool | None = None,
        show_progress: bool = False,
    ) -> Searcher:
        """Load an index directory; with no ``path``, the default one, built from data/notices on first use.

        Raises:
            IndexNotFoundError: if there is no index at an explicitly given ``path``.
            IndexMismatchError: if the index was built with another model or is damaged; the
                message names the mismatch and the command that rebuilds.
        """
        folder = Path(path) if path is not None else default_index_path()
        if build_if_missing is None:
            build_if_missing = path is None
        try:
            manifest = read_manifest(folder)
        except IndexNotFoundError:
            if not build_if_missing:
                raise
            logger.info("no index at %s yet: building it from %s", folder, DEFAULT_CORPUS)
            return cls.build(DEFAULT_CORPUS, folder, embedder=embedder, show_progress=show_progress)
        embedder = embedder or SentenceTransformerEmbedder()
        model = manifest["model"]
        if model["fingerprint"] != embedder.fingerprint or model["dim"] != embedder.dim:
            raise IndexMismatchError(
                f"{folder} was built with model {model['name']} (sha256 {model['fingerprint'][:12]}…, "
                f"dimension {model['dim']}); this run uses {embedder.name} (sha256 {embedder.fingerprint[:12]}…, "
                f"dimension {embedder.dim}). Rebuild with: {rebuild_hint(folder)} [--model PATH]"
            )
        chunks = [
            Chunk.from_dict(json.loads(line))
            for line in (folder / CHUNKS).read_text(encoding="utf-8").splitlines()
            if line
        ]
        owners = np.load(folder / "owners.npy", allow_pickle=False)
        dense_params = manifest.get("settings", {}).get("dense_index", {})
        ef_search = dense_params.get("ef_search", HNSW_EF_SEARCH) if isinstance(dense_params, dict) else HNSW_EF_SEARCH
        dense = DenseIndex.load(folder / "dense.faiss", model["dim"], ef_search=ef_search)
        if dense.size != len(owners) or len(chunks) != manifest["chunk_count"]:
            raise IndexMismatchError(
                f"{folder}: vector and chunk counts disagree with the manifest; rebuild with: {rebuild_hint(folder)}"
            )
        words = (folder / "lexicon.txt").read_text(encoding="utf-8").split("\n")
        lexical = LexicalIndex.load(folder / "lexical")
        return cls(chunks, dense, owners, lexical, JiebaTokenizer(w for w in words if w), embedder, manifest, folder)

    # --- updates ------------------------------------------------------------------------

    def add(
        self,
        source: str | Path | Iterable[str | Path] | Sequence[Chunk],
        *,
        cache_dir: Path | None = None,
        show_progress: bool = False,
    ) -> Searcher:
        """A new searcher with these notices added (replacing notices with the same doc_id).

        Only new or changed text is encoded (embedding cache); the result equals a full
        rebuild over the same chunks. Saved in place when this searcher has a path.
        """
        new = _as_chunks(source)
        replaced = {c.doc_id for c in new}
        kept = [c for c in self.chunks if c.doc_id not in replaced]
        return self._rebuild(kept + new, cache_dir, show_progress)

    def remove(self, doc_ids: Iterable[str], *, cache_dir: Path | None = None) -> Searcher:
        """A new searcher without these notices; saved in place when this searcher has a path.

        Raises:
            KeyError: naming doc_ids that are not in the index (nothing is changed).
        """
        doc_ids = set(doc_ids)
        missing = doc_ids - {c.doc_id for c in self.chunks}
        if missing:
            raise KeyError(f"not in the index: {sorted(missing)}")
        return self._rebuild([c for c in self.chunks if c.doc_id not in doc_ids], cache_dir, False)

    def _rebuild(self, chunks: list[Chunk], cache_dir: Path | None, show_progress: bool) -> Searcher:
        built = Searcher.build(chunks, None, embedder=self.embedder, cache_dir=cache_dir, show_progress=show_progress)
        if self.path is not None:
            built.save(self.path)
        return built

    # --- searching (search, search_batch and answer come from SearchMethods) -------------

    def _run(
        self, queries: Sequence[str], k: int, mode: str, filters: Filters | None, with_abstain: bool = False
    ) -> list[tuple[Any, QueryInfo]]:
        infos = analyze_queries(self.analyzer, queries, k, mode, MODES)
        mask = chunk_mask(self.chunks, filters) if filters else None
        texts = [info.text for info in infos]
        dense_lists: list[list[tuple[int, float]]] = [[] for _ in texts]
        if mode != "bm25" or with_abstain:
            dense_lists = self._dense(texts, mask)
        out = []
        for info, dense in zip(infos, dense_lists, strict=True):
            tokens = self.tokenizer(info.text)
            lexical = self.lexical.search(tokens, CANDIDATES, mask) if mode != "dense" or with_abstain else []
            if mode == "dense":
                ranked = dense
            elif mode == "bm25":
                ranked = lexical
            else:
                if mode == "hybrid":
                    fused = rrf([[i for i, _ in dense], [i for i, _ in lexical]], k=RRF_K)
                else:
                    fused = convex(dense, lexical, ALPHA)
                ranked = boost(fused, self.chunks, info, self._squashed, self._titles)  # type: ignore[arg-type]
                if info.cross_doc:
                    ranked = diversify(ranked, self.chunks)
            hits = [self._hit(i, s, r, tokens) for r, (i, s) in enumerate(ranked[:k], 1)]
            if with_abstain and self._abstains(info.text, dense, lexical, tokens):
                out.append((None, info))
            else:
                out.append((hits, info))
        return out

    def _dense(self, texts: list[str], mask: np.ndarray | None) -> list[list[tuple[int, float]]]:
        queries = self.embedder.encode(texts, query=True)
        rows_mask = mask[self.owners] if mask is not None else None
        size = self.dense.size
        if size <= EXACT_ROWS:
            per_query = []
            for start in range(0, len(texts), 64):  # (rows × 64) blocks: one BLAS call each
                scores = self._score_rows(queries[start : start + 64])
                if rows_mask is not None:
                    scores[~rows_mask] = -np.inf
                per_query += [self._aggregate_all(scores[:, j]) for j in range(scores.shape[1])]
        else:
            found = self.dense.search(queries, min(size, DENSE_ROWS), rows_mask)
            per_query = [
                self._aggregate(
                    np.array([r for r, _ in f], dtype=np.int64), np.array([s for _, s in f], dtype=np.float32)
                )
                for f in found
            ]
        return per_query

    def _score_rows(self, queries: np.ndarray) -> np.ndarray:
        """Inner products of every stored vector with the queries, shape (rows, queries).

        Computed with torch, on the same thread pool as the encoder: a numpy (OpenBLAS) product
        leaves OpenBLAS threads spinning that then starve the next encode on a 2-core machine
        (measured: 114 ms per answer on MSGABench instead of 29 ms).
        """
        import torch

        if self._torch_vectors is None:
            self._torch_vectors = torch.from_numpy(self._vectors)
        with torch.inference_mode():
            return (self._torch_vectors @ torch.from_numpy(np.ascontiguousarray(queries.T))).numpy()

    def _aggregate_all(self, scores: np.ndarray) -> list[tuple[int, float]]:
        """Exact chunk scores from every row's score (a chunk's rows are contiguous, whole chunk first)."""
        full = scores[self._full_rows]
        best = np.maximum.reduceat(scores, self._full_rows)
        combined = FULL_WEIGHT * full + (1 - FULL_WEIGHT) * best
        finite = np.flatnonzero(np.isfinite(combined))
        if finite.size > CANDIDATES:
            finite = finite[np.argpartition(-combined[finite], CANDIDATES - 1)[:CANDIDATES]]
        order = finite[np.lexsort((finite, -combined[finite]))]
        return [(int(i), float(combined[i])) for i in order]

    def _aggregate(self, rows: np.ndarray, scores: np.ndarray) -> list[tuple[int, float]]:
        """Chunk score = FULL_WEIGHT × whole-chunk cosine + (1 − FULL_WEIGHT) × best view cosine."""
        keep = np.isfinite(scores)
        rows, scores = rows[keep], scores[keep]
        if rows.size == 0:
            return []
        owners = self.owners[rows]
        best = np.full(len(self.chunks), -np.inf, dtype=np.float32)
        np.maximum.at(best, owners, scores)
        full = np.full(len(self.chunks), -np.inf, dtype=np.float32)
        is_full = self._full_rows[owners] == rows
        full[owners[is_full]] = scores[is_full]
        seen = np.unique(owners)
        floor = float(scores.min())
        full_seen = np.where(np.isfinite(full[seen]), full[seen], floor)
        combined = FULL_WEIGHT * full_seen + (1 - FULL_WEIGHT) * best[seen]
        order = np.lexsort((seen, -combined))[:CANDIDATES]
        return [(int(seen[j]), float(combined[j])) for j in order]

    def _abstains(
        self, query: str, dense: list[tuple[int, float]], lexical: list[tuple[int, float]], tokens: list[str]
    ) -> bool:
        best_dense = dense[0][1] if dense else 0.0
        coverage = 0.0
        if lexical and tokens:
            text = normalize_text(context_text(self.chunks[lexical[0][0]]))
            coverage = sum(1 for t in set(tokens) if t in text) / len(set(tokens))
        return self.abstain_rule.abstains(query, best_dense, coverage)

    def _hit(self, index: int, score: float, rank: int, tokens: list[str]) -> Hit:
        chunk = self.chunks[index]
        text = self._normalized[index]
        matched = sorted({t for t in tokens if t in text}, key=lambda t: (-len(t), t))
        fields = {name: getattr(chunk, name) for name in _CHUNK_FIELDS}
        fields.update(
            section=list(chunk.section),
            lead=list(chunk.lead),
            support=list(chunk.support),
            metadata=dict(chunk.metadata),
        )
        return Hit(**fields, score=round(float(score), 6), rank=rank, matched=matched)


def analyze_queries(
    analyzer: QueryAnalyzer, queries: Sequence[str], k: int, mode: str, modes: Sequence[str]
) -> list[QueryInfo]:
    """Check a search's arguments and analyse its queries (every backend does this first).

    Raises:
        TypeError: for a single string instead of a list, or a query that is not a string.
        ValueError: for k < 1, an unknown mode, a query over :data:`MAX_QUERY_CHARS`, or one
            with no letters or digits once invisible characters are gone; naming the query.
    """
    if isinstance(queries, str):
        raise TypeError("search_batch takes a list of queries; use search() for one")
    if not isinstance(k, int) or k < 1:
        raise ValueError(f"k={k!r}: ask for at least one result (k ≥ 1)")
    if mode not in modes:
        raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(modes)}")
    for number, query in enumerate(queries, 1):
        if not isinstance(query, str):
            raise TypeError(f"query {number} is a {type(query).__name__}, not a string")
        if len(query) > MAX_QUERY_CHARS:
            raise ValueError(f"query {number} is {len(query):,} characters long; ask in at most {MAX_QUERY_CHARS:,}")
    infos = [analyzer(q) for q in queries]
    for number, info in enumerate(infos, 1):
        if not squash_text(info.text):
            raise ValueError(f"query {number} is empty (no letters or digits): ask a question")
    return infos


def make_answer(query: str, hits: list[Hit] | None, info: QueryInfo) -> Answer:
    """The Answer for one searched query: abstained when ``hits`` is None; leads per notice."""
    leads: dict[str, list[tuple[str, list[str]]]] = {}
    for hit in hits or []:
        if hit.lead:
            leads.setdefault(hit.title or hit.notice_title, []).append((hit.label, hit.lead))
    return Answer(query, hits or [], hits is None, info.asks_responsibility, leads)


def corpus_chunks(source: str | Path | Iterable[str | Path] | Sequence[Chunk]) -> list[Chunk]:
    """The chunks to build an index from, checked.

    Raises:
        ValueError: if there is nothing to index or chunk ids repeat.
    """
    chunks = _as_chunks(source)
    if not chunks:
        raise ValueError(f"nothing to index in {source!r}: no readable notices")
    seen: set[str] = set()
    for chunk in chunks:
        if chunk.id in seen:
            raise ValueError(f"chunk id {chunk.id!r} occurs twice; each notice must be indexed once")
        seen.add(chunk.id)
    return chunks


def _as_chunks(source: str | Path | Iterable[str | Path] | Sequence[Chunk]) -> list[Chunk]:
    if isinstance(source, (str, Path)):
        return ingest.load(source)
    items = list(source)
    if items and all(isinstance(c, Chunk) for c in items):
        return items  # type: ignore[return-value]
    return ingest.load(items)  # type: ignore[arg-type]


def _embed(embedder: Embedder, texts: list[str], cache_dir: Path | None, show_progress: bool) -> np.ndarray:
    folder = Path(cache_dir) if cache_dir is not None else cache_root() / "embeddings"
    cache = EmbeddingCache(folder / f"{embedder.fingerprint[:24]}-{embedder.dim}.sqlite", embedder.dim)
    bar = None
    if show_progress:
        from tqdm import tqdm

        bar = tqdm(total=len(texts), desc="embedding", unit="text")
    try:
        return cache.embed(
            texts, lambda batch: embedder.encode(batch), batch=EMBED_BATCH, progress=bar.update if bar else None
        )
    finally:
        cache.close()
        if bar is not None:
            bar.close()
