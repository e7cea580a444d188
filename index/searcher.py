"""The search entry point: ``Searcher.build / load / search / search_batch / answer``."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

import ingest
from index.cache import EmbeddingCache
from index.convert import cache_root
from index.corpus import CorpusStats
from index.dense import HNSW_EF_SEARCH, DenseIndex
from index.embed import Embedder, SentenceTransformerEmbedder
from index.filters import Filters, chunk_mask
from index.fuse import convex, rrf
from index.lexical import JiebaTokenizer, LexicalIndex, normalize_text, renumber
from index.query import QueryAnalyzer, QueryInfo, squash_text
from index.rank import AbstainRule, boost, diversify
from index.store import (
    BASE,
    CHUNKS,
    EXTRA_CHUNKS,
    FORMAT_VERSION,
    IndexMismatchError,
    IndexNotFoundError,
    atomic_directory,
    file_sha256,
    package_versions,
    read_manifest,
    read_manifest_raw,
    rebuild_hint,
    write_manifest,
)
from index.views import cite_label, context_text, item_title, sentence_views
from ingest import Chunk
from ingest.departments import lead_names

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
#: Changes are folded into a new base when extra and deleted rows pass this share of all rows
#: (and the index has more than COMPACT_MIN_ROWS): the save that follows writes the index whole.
COMPACT_SHARE = 0.1
COMPACT_MIN_ROWS = 1000
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
        leads: Per notice title, the (item label, lead departments) of the hits that name leads,
            departments in their canonical forms, generic units (各有关部门 …) left out.
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


@dataclass(frozen=True)
class _Base:
    """The part of an index written once and then only linked: chunks, FAISS index, BM25 postings.

    ``id`` names it on disk; ``chunks`` are all it was built with (deleted ones included).
    """

    id: str
    chunks: list[Chunk]
    sha256: str | None = None


class Searcher(SearchMethods):
    """Hybrid search over clause chunks: dense (FAISS) and lexical (jieba + BM25), fused by RRF.

    Notices are added and removed in place (:meth:`add`, :meth:`remove`): new text is encoded
    and appended, deleted chunks are tombstoned, and the searcher that results answers exactly
    as one built from scratch over the same chunks (with an exact dense index; HNSW graphs
    differ). On disk the index is a base written once plus the changes since; a save links the
    base and writes only the changes.

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
        *,
        extra: np.ndarray | None = None,
        origin: np.ndarray | None = None,
        base: _Base | None = None,
        stats: CorpusStats | None = None,
        derived: dict[str, list[str]] | None = None,
    ) -> None:
        self.chunks = chunks
        self.owners = owners  # per FAISS row, then per extra row: its chunk, or −1 when deleted
        self.dense = dense
        self.extra = extra if extra is not None else np.zeros((0, dense.dim), dtype=np.float32)
        self.lexical = lexical
        self.tokenizer = tokenizer
        self.embedder = embedder
        self.manifest = manifest
        self.path = path
        self._origin = origin if origin is not None else np.arange(len(chunks), dtype=np.int64)
        self._base = base or _Base(uuid.uuid4().hex, chunks)
        self.stats = stats or CorpusStats.of(chunks)
        self.abstain_rule = AbstainRule(**manifest.get("settings", {}).get("abstain", {}))
        self.analyzer = self.stats.analyzer()
        derived = derived or _derived(chunks)
        self._squashed, self._titles = derived["squashed"], derived["titles"]
        self._normalized, self._contexts = derived["normalized"], derived["contexts"]
        if len(owners) != dense.size + len(self.extra) or lexical.size != len(chunks):
            raise IndexMismatchError("vector or BM25 counts disagree with the chunks; rebuild the index")
        live = owners >= 0
        live_owners = owners[live]
        if len(live_owners) and (np.any(np.diff(live_owners) < 0) or np.unique(live_owners).size != len(chunks)):
            raise IndexMismatchError("vector owners are not grouped by chunk; rebuild the index")
        self._live_rows = live
        self._dead_rows = np.flatnonzero(~live)
        self._full_rows = np.flatnonzero(live)[np.searchsorted(live_owners, np.arange(len(chunks)))]
        self.vector_count = int(live.sum())  # live vectors (chunks and their sentences)
        self._exact: tuple[Any, np.ndarray | None, np.ndarray] | None = None  # see _exact_matrix

    def vectors(self) -> np.ndarray:
        """A copy of the live vectors in row order (chunk by chunk, each chunk's text first)."""
        return np.concatenate([self.dense.storage(), self.extra])[self._live_rows]

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
        stats = CorpusStats.of(chunks)
        tokenizer = JiebaTokenizer(stats.words)
        views, owners = _views(chunks, 0)
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
            "tokenizer": {"kind": "jieba.cut_for_search", "userwords": len(tokenizer.userwords)},
        }
        dense = DenseIndex(vectors.shape[1], dense_kind or ("hnsw" if len(views) > ANN_ROWS else "flat")).add(vectors)
        manifest["settings"]["dense_index"] = dense.params
        searcher = cls(chunks, dense, owners, lexical, tokenizer, embedder, manifest, stats=stats)
        if path is not None:
            searcher.save(path)
        return searcher

    def save(self, path: str | Path) -> Path:
        """Write the index directory atomically (a crash leaves the previous index intact).

        When ``path`` already holds this searcher's base, the base files are hard-linked into the
        new directory and only the changes since are written.
        """
        path = Path(path)
        base_hash = _base_at(path, self._base.id)
        manifest = self._manifest()
        with atomic_directory(path) as work:
            base = work / BASE
            if base_hash is not None:
                for item in (path / BASE).rglob("*"):
                    if item.is_file():
                        target = base / item.relative_to(path / BASE)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        _link(item, target)
            else:
                base.mkdir()
                with (base / "chunks.jsonl").open("w", encoding="utf-8") as handle:
                    for chunk in self._base.chunks:
                        handle.write(chunk.to_json() + "\n")
                self.dense.save(base / "dense.faiss")
                self.lexical.save_base(base / "lexical")
                base_hash = file_sha256(base / "chunks.jsonl")
            alive = np.zeros(len(self._base.chunks), dtype=bool)
            alive[self._origin[self._origin >= 0]] = True
            np.save(work / "chunks.alive.npy", alive)
            with (work / EXTRA_CHUNKS).open("w", encoding="utf-8") as handle:
                for chunk, origin in zip(self.chunks, self._origin, strict=True):
                    if origin < 0:
                        handle.write(chunk.to_json() + "\n")
            np.save(work / "owners.npy", self.owners)
            np.save(work / "dense.extra.npy", self.extra)
            self.lexical.save_changes(work / "lexical")
            (work / "lexicon.txt").write_text("\n".join(self.tokenizer.userwords) + "\n", encoding="utf-8")
            manifest["base"]["sha256"] = base_hash
            manifest["extra_hash"] = file_sha256(work / EXTRA_CHUNKS)
            write_manifest(work, manifest)
        self.manifest = manifest
        self._base = dataclasses.replace(self._base, sha256=base_hash)
        self.path = path
        return path

    def _manifest(self) -> dict[str, Any]:
        """The manifest describing this searcher's current state."""
        manifest = dict(self.manifest)
        manifest.update(
            format_version=FORMAT_VERSION,
            chunk_count=len(self.chunks),
            vector_count=self.vector_count,
            documents=sorted(self.stats.places),
            base={
                "id": self._base.id,
                "chunks": len(self._base.chunks),
                "rows": self.dense.size,
                "sha256": self._base.sha256,
            },
            changes={
                "added_chunks": int((self._origin < 0).sum()),
                "deleted_chunks": len(self._base.chunks) - int((self._origin >= 0).sum()),
                "extra_rows": len(self.extra),
                "dead_rows": len(self._dead_rows),
                "bm25_extra_docs": self.lexical.extra_count,
            },
        )
        return manifest

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
        try:
            base_chunks = _read_chunks(folder / CHUNKS)
            alive = np.load(folder / "chunks.alive.npy", allow_pickle=False)
            added = _read_chunks(folder / EXTRA_CHUNKS)
            owners = np.load(folder / "owners.npy", allow_pickle=False)
            extra = np.load(folder / "dense.extra.npy", allow_pickle=False)
            ef_search = manifest["settings"]["dense_index"].get("ef_search", HNSW_EF_SEARCH)
            dense = DenseIndex.load(folder / BASE / "dense.faiss", model["dim"], ef_search=ef_search)
            lexical = LexicalIndex.load(folder / BASE / "lexical", folder / "lexical")
            words = (folder / "lexicon.txt").read_text(encoding="utf-8").split("\n")
        except (OSError, ValueError, KeyError) as exc:
            raise IndexMismatchError(f"{folder} is damaged ({exc}); rebuild with: {rebuild_hint(folder)}") from exc
        if len(alive) != len(base_chunks) or extra.shape[1:] != (model["dim"],):
            raise IndexMismatchError(f"{folder}: its files disagree; rebuild with: {rebuild_hint(folder)}")
        chunks = [c for c, keep in zip(base_chunks, alive, strict=True) if keep] + added
        if len(chunks) != manifest["chunk_count"] or len(owners) != dense.size + len(extra):
            raise IndexMismatchError(
                f"{folder}: vector and chunk counts disagree with the manifest; rebuild with: {rebuild_hint(folder)}"
            )
        origin = np.concatenate([np.flatnonzero(alive), np.full(len(added), -1)]).astype(np.int64)
        base = _Base(manifest["base"]["id"], base_chunks, manifest["base"]["sha256"])
        tokenizer = JiebaTokenizer(w for w in words if w)
        return cls(
            chunks, dense, owners, lexical, tokenizer, embedder, manifest, folder, extra=extra, origin=origin, base=base
        )

    # --- updates ------------------------------------------------------------------------

    def add(
        self,
        source: str | Path | Iterable[str | Path] | Sequence[Chunk],
        *,
        cache_dir: Path | None = None,
        show_progress: bool = False,
    ) -> Searcher:
        """A new searcher with these notices added (replacing notices with the same doc_id).

        Only the new text is encoded; nothing old is re-encoded or rebuilt. The result answers
        as a full rebuild over the same chunks would. Saved in place when this searcher has a
        path (the base is linked, only the changes are written). This searcher is unchanged.

        Raises:
            ValueError: if there is nothing readable to add, or the new chunks repeat an id.
        """
        new = _as_chunks(source)
        if not new:
            raise ValueError(f"nothing to add from {source!r}: no readable notices")
        return self._updated({c.doc_id for c in new}, new, cache_dir, show_progress)

    def remove(self, doc_ids: Iterable[str], *, cache_dir: Path | None = None) -> Searcher:
        """A new searcher without these notices; saved in place when this searcher has a path.

        Raises:
            KeyError: naming doc_ids that are not in the index (nothing is changed).
            ValueError: if nothing would be left in the index.
        """
        doc_ids = set(doc_ids)
        missing = doc_ids - set(self.stats.places)
        if missing:
            raise KeyError(f"not in the index: {sorted(missing)}")
        return self._updated(doc_ids, [], cache_dir, False)

    def _updated(
        self, removed_docs: set[str], new: list[Chunk], cache_dir: Path | None, show_progress: bool
    ) -> Searcher:
        keep = np.array([c.doc_id not in removed_docs for c in self.chunks], dtype=bool)
        removed = np.flatnonzero(~keep)
        kept = [c for c, k in zip(self.chunks, keep, strict=True) if k]
        chunks = corpus_chunks(kept + new)
        stats, appeared, gone = self.stats.updated([self.chunks[i] for i in removed], new)
        tokenizer = self.tokenizer.with_words(appeared, gone) if appeared or gone else self.tokenizer

        # BM25: kept chunks whose text holds a word that entered or left the dictionary are re-tokenised
        contexts = [t for t, k in zip(self._contexts, keep, strict=True) if k]
        replaced = {j: tokenizer(context_text(kept[j])) for j in _containing(contexts, appeared | gone)}
        lexical = self.lexical.updated(removed, replaced, [tokenizer(context_text(c)) for c in new])

        # dense: deleted base rows become tombstones, deleted extra rows go, new rows are appended
        views, view_owners = _views(new, len(kept))
        owners = renumber(self.owners, removed)
        base_rows = self.dense.size
        kept_extra = owners[base_rows:] >= 0
        vectors = _embed(self.embedder, views, cache_dir, show_progress) if views else self.extra[:0]
        extra = np.concatenate([self.extra[kept_extra], vectors.astype(np.float32)])
        owners = np.concatenate([owners[:base_rows], owners[base_rows:][kept_extra], view_owners])
        origin = np.concatenate([self._origin[keep], np.full(len(new), -1, dtype=np.int64)])

        derived = {name: [v for v, k in zip(vs, keep, strict=True) if k] for name, vs in self._derived().items()}
        for name, values in _derived(new).items():
            derived[name] += values
        searcher = Searcher(
            chunks, self.dense, owners, lexical, tokenizer, self.embedder, dict(self.manifest), self.path,
            extra=extra, origin=origin, base=self._base, stats=stats, derived=derived,
        )  # fmt: skip
        if searcher._wants_compaction():
            searcher = searcher.compacted()
        if self.path is not None:
            searcher.save(self.path)
        return searcher

    def _derived(self) -> dict[str, list[str]]:
        return {
            "squashed": self._squashed,
            "titles": self._titles,
            "normalized": self._normalized,
            "contexts": self._contexts,
        }

    def _wants_compaction(self) -> bool:
        """True when the changes since the base have grown past :data:`COMPACT_SHARE` of the index."""
        rows = len(self.owners)
        return len(self.extra) + len(self._dead_rows) > COMPACT_SHARE * rows and rows > COMPACT_MIN_ROWS

    def compacted(self) -> Searcher:
        """The same index with its changes folded into a new base (what a save then writes whole).

        An exact index is rebuilt from its live vectors; an HNSW graph takes the extra vectors
        in a copy, and is rebuilt from the live vectors only when over :data:`COMPACT_SHARE` of
        its rows are deleted. Nothing is re-encoded or re-tokenised.
        """
        if self.dense.kind == "hnsw" and len(self._dead_rows) <= COMPACT_SHARE * len(self.owners):
            dense = self.dense.copy().add(self.extra)
            owners = self.owners
        else:
            dense = DenseIndex(self.dense.dim, self.dense.kind, self.dense.ef_search).add(self.vectors())
            owners = self.owners[self._live_rows]
        return Searcher(
            self.chunks, dense, owners, self.lexical.compacted(), self.tokenizer, self.embedder,
            dict(self.manifest), self.path, stats=self.stats, derived=self._derived(),
        )  # fmt: skip

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
        rows_mask = None
        if mask is not None:
            rows_mask = self._live_rows & mask[np.maximum(self.owners, 0)]
        if self.vector_count <= EXACT_ROWS:
            exact_rows = self._exact_matrix()[1]
            if rows_mask is not None and exact_rows is not None:
                rows_mask = rows_mask[exact_rows]
            per_query = []
            for start in range(0, len(texts), 64):  # (rows × 64) blocks: one BLAS call each
                scores = self._score_rows(queries[start : start + 64])
                if rows_mask is not None:
                    scores[~rows_mask] = -np.inf
                per_query += [self._aggregate_all(scores[:, j]) for j in range(scores.shape[1])]
            return per_query
        base = self.dense.size
        base_mask = rows_mask[:base] if rows_mask is not None else None
        exclude = self._dead_rows[self._dead_rows < base] if base_mask is None else None
        found = self.dense.search(queries, min(base, DENSE_ROWS), base_mask, exclude=exclude)
        if len(self.extra):  # rows added since the base: scored exactly, merged by score
            extra_scores = self.extra @ queries.T
            if rows_mask is not None:
                extra_scores[~rows_mask[base:]] = -np.inf
            for j, hits in enumerate(found):
                column = extra_scores[:, j]
                top = np.argsort(-column, kind="stable")[:DENSE_ROWS]
                merged = hits + [(base + int(i), float(column[i])) for i in top if np.isfinite(column[i])]
                found[j] = sorted(merged, key=lambda rs: (-rs[1], rs[0]))[:DENSE_ROWS]
        return [
            self._aggregate(np.array([r for r, _ in f], dtype=np.int64), np.array([s for _, s in f], dtype=np.float32))
            for f in found
        ]

    def _score_rows(self, queries: np.ndarray) -> np.ndarray:
        """Inner products of every live vector with the queries, shape (live rows, queries).

        Computed with torch, on the same thread pool as the encoder: a numpy (OpenBLAS) product
        leaves OpenBLAS threads spinning that then starve the next encode on a 2-core machine
        (measured: 114 ms per answer on MSGABench instead of 29 ms).
        """
        import torch

        with torch.inference_mode():
            return (self._exact_matrix()[0] @ torch.from_numpy(np.ascontiguousarray(queries.T))).numpy()

    def _exact_matrix(self) -> tuple[Any, np.ndarray | None]:
        """The live vectors as one torch matrix, and which rows they are (None: all of FAISS's).

        Without changes it is a view of FAISS's storage; after changes the live rows are
        gathered in chunk order, the same matrix a fresh build would hold. Made on first use.
        """
        if self._exact is None:
            import torch

            vectors, rows, full = self.dense.storage(), None, self._full_rows
            if len(self.extra) or len(self._dead_rows):
                rows = np.flatnonzero(self._live_rows)
                vectors = np.concatenate([vectors, self.extra])[rows]
                full = np.searchsorted(rows, self._full_rows)
            self._exact = (torch.from_numpy(np.ascontiguousarray(vectors)), rows, full)
        return self._exact[0], self._exact[1]

    def _aggregate_all(self, scores: np.ndarray) -> list[tuple[int, float]]:
        """Exact chunk scores from every live row's score (a chunk's rows are contiguous, whole chunk first)."""
        first = self._exact[2]  # set by _score_rows, which gave these scores
        full = scores[first]
        best = np.maximum.reduceat(scores, first)
        combined = FULL_WEIGHT * full + (1 - FULL_WEIGHT) * best
        finite = np.flatnonzero(np.isfinite(combined))
        if finite.size > CANDIDATES:
            finite = finite[np.argpartition(-combined[finite], CANDIDATES - 1)[:CANDIDATES]]
        order = finite[np.lexsort((finite, -combined[finite]))]
        return [(int(i), float(combined[i])) for i in order]

    def _aggregate(self, rows: np.ndarray, scores: np.ndarray) -> list[tuple[int, float]]:
        """Chunk score = FULL_WEIGHT × whole-chunk cosine + (1 − FULL_WEIGHT) × best view cosine."""
        keep = np.isfinite(scores) & (self.owners[rows] >= 0) if rows.size else np.zeros(0, dtype=bool)
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
            text = self._contexts[lexical[0][0]]
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
        named = lead_names(hit.lead)  # canonical forms; generic units are not departments
        if named:
            leads.setdefault(hit.title or hit.notice_title, []).append((hit.label, named))
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


def _views(chunks: Sequence[Chunk], first: int) -> tuple[list[str], np.ndarray]:
    """What is embedded for each chunk (its text, then its sentences) and the chunk number of each."""
    views: list[str] = []
    owners: list[int] = []
    for n, chunk in enumerate(chunks):
        for view in [chunk.text, *sentence_views(chunk)]:
            views.append(view)
            owners.append(first + n)
    return views, np.asarray(owners, dtype=np.int64)


def _derived(chunks: Sequence[Chunk]) -> dict[str, list[str]]:
    """Per-chunk strings the ranking rules and the abstain rule read."""
    return {
        "squashed": [squash_text(c.text) for c in chunks],
        "titles": [normalize_text(item_title(c)) for c in chunks],
        "normalized": [normalize_text(c.text) for c in chunks],
        "contexts": [normalize_text(context_text(c)) for c in chunks],
    }


def _containing(texts: Sequence[str], words: set[str]) -> list[int]:
    """Positions of the texts that contain any of ``words``."""
    if not words:
        return []
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    return [i for i, text in enumerate(texts) if pattern.search(text)]


def _read_chunks(path: Path) -> list[Chunk]:
    return [Chunk.from_dict(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _base_at(path: Path, base_id: str) -> str | None:
    """The base's chunk hash if the index at ``path`` holds the base with this id, else None.

    A save links a base it finds there instead of writing it again.
    """
    try:
        base = read_manifest_raw(path).get("base", {})
    except (OSError, ValueError):
        return None
    return base.get("sha256") if base.get("id") == base_id and (path / CHUNKS).is_file() else None


def _link(source: Path, target: Path) -> None:
    """Hard-link ``source`` to ``target`` (copy where the file system cannot link)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
