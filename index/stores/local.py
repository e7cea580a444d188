"""The local store: an index directory with FAISS vectors (:mod:`index.stores.rows`) and BM25 postings.

On disk it is a base written once plus the changes since (:mod:`index.stores.layout`); a save links
the base and writes only the changes, atomically. Changes make a new store and leave the old
one as it was, so a reader keeps a consistent snapshot while an update runs.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.corpus import CorpusStats
from index.dense import DenseIndex
from index.errors import IndexMismatchError
from index.filters import check_filters, chunk_mask
from index.lexical import LexicalIndex
from index.sources import checked_chunks
from index.stores.base import Encode, Facts, NoticeInfo, Ranked
from index.stores.chunk_file import LazyChunks
from index.stores.layout import FORMAT_VERSION
from index.stores.local_files import LocalBase, StoreFiles
from index.stores.notices import NoticeTable
from index.stores.pairs import PairSignatures
from index.stores.removals import KEY as REMOVED
from index.stores.rows import DenseRows, dense_kind_for
from index.tokenize import JiebaTokenizer, containing, normalize_text
from index.views import chunk_views, context_text
from ingest import Chunk

#: Changes are folded into a new base when extra and deleted rows pass this share of all rows
#: (and the index has more than COMPACT_MIN_ROWS): the save that follows writes the index whole.
COMPACT_SHARE = 0.1
COMPACT_MIN_ROWS = 1000
#: Chunk facts kept between questions (then dropped and derived again as asked for).
FACTS_KEPT = 50_000
#: The manifest's ``chunk_ids`` when every chunk id is ``<doc_id>#…`` (ids of different notices cannot meet).
ID_FORM = "notice#"


class LocalStore(StoreFiles):
    """Chunks, their view vectors (FAISS) and their BM25 postings, in memory and in a directory.

    Keys are chunk numbers (positions in :attr:`chunks`).
    """

    def __init__(
        self,
        chunks: Sequence[Chunk],
        rows: DenseRows,
        lexical: LexicalIndex,
        tokenizer: JiebaTokenizer,
        manifest: dict[str, Any],
        path: Path | None = None,
        *,
        origin: np.ndarray | None = None,
        base: LocalBase | None = None,
        stats: CorpusStats | None = None,
        facts: dict[int, Facts] | None = None,
        table: NoticeTable | None = None,
    ) -> None:
        self.chunks = chunks
        self.rows = rows
        self.lexical = lexical
        self.tokenizer = tokenizer
        self.manifest = manifest
        self.settings: dict[str, Any] = manifest.get("settings", {})
        self.path = path
        self._origin = origin if origin is not None else np.arange(len(chunks), dtype=np.int64)
        self._base = base or LocalBase(uuid.uuid4().hex, chunks)
        self.stats = stats or CorpusStats.of(chunks)
        self.analyzer = self.stats.analyzer()
        self._facts: dict[int, Facts] = facts if facts is not None else {}  # derived when first asked for
        self._table = table  # derived from the chunks when first asked for, if not given
        if rows.chunks != len(chunks) or lexical.size != len(chunks):
            raise IndexMismatchError("vector or BM25 counts disagree with the chunks; rebuild the index")

    def __len__(self) -> int:
        return len(self.chunks)

    @property
    def dense_index(self) -> DenseIndex:
        """The FAISS index of the base rows."""
        return self.rows.dense

    def describe(self) -> dict[str, Any]:
        """Where the store is and what it holds (for messages and reports)."""
        return {"store": "local", "path": str(self.path) if self.path else None, "chunks": len(self.chunks)}

    # --- building -----------------------------------------------------------------------------

    @classmethod
    def build(
        cls, chunks: list[Chunk], encode: Encode, manifest: dict[str, Any], dense_kind: str | None = None
    ) -> LocalStore:
        """A store of these (checked) chunks; ``manifest`` carries the model and settings."""
        stats = CorpusStats.of(chunks)
        tokenizer = JiebaTokenizer(stats.words)
        views, owners = chunk_views(chunks)
        vectors = encode(views)
        contexts = [normalize_text(context_text(c)) for c in chunks]
        lexical = LexicalIndex().build([tokenizer.normalized(c) for c in contexts])
        base = LocalBase(uuid.uuid4().hex, chunks, pairs=PairSignatures.of(contexts, len(chunks)))
        del contexts
        dense = DenseIndex(vectors.shape[1], dense_kind or dense_kind_for(len(views))).add(vectors)
        manifest = {
            "format_version": FORMAT_VERSION,
            **manifest,
            "tokenizer": {"kind": "jieba.cut_for_search", "userwords": len(tokenizer.userwords)},
            "chunk_ids": ID_FORM if all(c.id.startswith(f"{c.doc_id}#") for c in chunks) else "any",
        }
        manifest["settings"] = {**manifest.get("settings", {}), "dense_index": dense.params}
        rows = DenseRows(dense, owners, None, len(chunks))
        return cls(chunks, rows, lexical, tokenizer, manifest, base=base, stats=stats)

    # --- searching ----------------------------------------------------------------------------

    def where(self, filters: Mapping[str, Any] | None) -> np.ndarray | None:
        """The filters checked and compiled to a chunk mask (None: no filter)."""
        spec = check_filters(dict(filters) if filters else None, self.notices())
        return chunk_mask(self.chunks, spec) if spec else None

    def dense_search(self, queries: np.ndarray, k: int, where: np.ndarray | None) -> list[Ranked]:
        """Top ``k`` chunks per query vector by their views' cosines."""
        return self.rows.search(queries, k, where)  # type: ignore[return-value]

    def lexical_search(self, tokens: Sequence[list[str]], k: int, where: np.ndarray | None) -> list[Ranked]:
        """Top ``k`` chunks per tokenised query by BM25 (positive scores only)."""
        return [self.lexical.search(t, k, where) for t in tokens]  # type: ignore[misc]

    def facts(self, keys: Iterable[Hashable]) -> dict[Hashable, Facts]:
        """The chunks (and derived strings) of these chunk numbers."""
        return {key: self._fact(key) for key in keys}  # type: ignore[arg-type]

    def _fact(self, number: int) -> Facts:
        found = self._facts.get(number)
        if found is None:
            if len(self._facts) >= FACTS_KEPT:  # a long-running server over a large index stays bounded
                self._facts = {}
            found = self._facts[number] = Facts.of(self.chunks[number])
        return found

    def notices(self) -> list[NoticeInfo]:
        """The notices in the store, in order of first appearance."""
        return self._notice_table().infos

    def _notice_table(self) -> NoticeTable:
        if self._table is None:
            self._table = NoticeTable.of(self.chunks)
        return self._table

    def all_chunks(self) -> list[Chunk]:
        """Every chunk, in order."""
        return list(self.chunks)

    # --- changes ------------------------------------------------------------------------------

    def document(self, doc_id: str) -> list[Chunk]:
        """One notice's chunks in reading order ([] for a doc_id not in the store)."""
        return [self.chunks[n] for n in self._notice_table().numbers({doc_id}).tolist()]

    def add(self, chunks: list[Chunk], encode: Encode, replacing: Collection[str] = ()) -> LocalStore:
        """A new store with these chunks' notices added and ``replacing`` removed, in one change.

        A notice whose doc_id is already here is replaced by the new chunks.
        """
        return self._updated({c.doc_id for c in chunks} | set(replacing), chunks, encode)

    def remove(self, doc_ids: set[str]) -> LocalStore:
        """A new store without these notices (the caller checked that they are here)."""
        return self._updated(doc_ids, [], None)

    def _updated(self, removed_docs: set[str], new: list[Chunk], encode: Encode | None) -> LocalStore:
        table = self._notice_table()
        removed = table.numbers(removed_docs)
        keep = np.ones(len(self.chunks), dtype=bool)
        keep[removed] = False
        kept_count = len(self.chunks) - len(removed)
        chunks = _kept_then(self.chunks, keep, new)
        manifest = dict(self.manifest)
        manifest["chunk_ids"] = self._checked_ids(chunks, new)
        # tombstones: what a repair must not bring back (a notice added, or added again, is not one)
        manifest[REMOVED] = sorted((set(manifest.get(REMOVED, [])) | removed_docs) - {c.doc_id for c in new})
        stats, appeared, gone = self.stats.updated([self.chunks[i] for i in removed.tolist()], new)
        tokenizer = self.tokenizer.with_words(appeared, gone) if appeared or gone else self.tokenizer

        # BM25: kept chunks whose text holds a word that entered or left the dictionary are re-tokenised
        renumbered = np.cumsum(keep) - 1  # old chunk number → new
        changed = appeared | gone
        holding = self._holding(changed, keep) if changed else []
        replaced = {int(renumbered[i]): tokenizer(context_text(self.chunks[i])) for i in holding}
        kept_facts = {int(renumbered[i]): facts for i, facts in self._facts.items() if keep[i]}
        lexical = self.lexical.updated(removed, replaced, [tokenizer(context_text(c)) for c in new])

        views, view_owners = chunk_views(new, kept_count)
        vectors = encode(views) if views and encode else self.rows.extra[:0]
        rows = self.rows.updated(removed, vectors, view_owners, len(chunks))
        origin = np.concatenate([self._origin[keep], np.full(len(new), -1, dtype=np.int64)])
        store = LocalStore(
            chunks, rows, lexical, tokenizer, manifest, self.path, origin=origin, base=self._base,
            stats=stats, facts=kept_facts, table=table.updated(removed_docs, new),
        )  # fmt: skip
        if store._wants_compaction():
            store = store.compacted()
        if self.path is not None:
            store.save(self.path)
        return store

    def _checked_ids(self, chunks: Sequence[Chunk], new: Sequence[Chunk]) -> str:
        """Check that chunk ids stay unique after a change; the manifest's ``chunk_ids`` that follows.

        When every id in the store is its notice's doc_id, "#", then more (``"notice#"``, as
        :mod:`ingest` makes them) and so are the new ones, the new notices' ids cannot meet the
        kept ones and only the new ones are compared; otherwise every id is.

        Raises:
            ValueError: naming an id that would occur twice.
        """
        prefixed = all(c.id.startswith(f"{c.doc_id}#") for c in new)
        if prefixed and self.manifest.get("chunk_ids") == ID_FORM:
            return ID_FORM
        checked_chunks(list(chunks))
        return ID_FORM if prefixed and all(c.id.startswith(f"{c.doc_id}#") for c in chunks) else "any"

    def _holding(self, words: set[str], keep: np.ndarray) -> list[int]:
        """The chunk numbers where ``keep`` is True whose normalised context text contains one of ``words``.

        Only the base chunks whose pair signatures allow a word, and the chunks added since the
        base, are read.
        """
        from_base = self._origin >= 0
        maybe = np.zeros(len(self.chunks), dtype=bool)
        wanted = sorted({normalize_text(w) for w in words})  # as containing() compares them
        maybe[from_base] = np.isin(self._origin[from_base], self._base_pairs().candidates(wanted))
        numbers = np.flatnonzero((maybe | ~from_base) & keep).tolist()
        contexts = [
            self._facts[n].context if n in self._facts else normalize_text(context_text(self.chunks[n]))
            for n in numbers
        ]
        return [numbers[j] for j in containing(contexts, words)]

    def _base_pairs(self) -> PairSignatures:
        """The base chunks' pair signatures (derived from their texts if the base was saved without them)."""
        if self._base.pairs is None:
            contexts = (normalize_text(context_text(c)) for c in self._base.chunks)
            self._base = dataclasses.replace(self._base, pairs=PairSignatures.of(contexts, len(self._base.chunks)))
        return self._base.pairs  # type: ignore[return-value]

    def _wants_compaction(self) -> bool:
        """True when the changes since the base have grown past :data:`COMPACT_SHARE` of the index."""
        rows = len(self.rows.owners)
        return self.rows.changes() > COMPACT_SHARE * rows and rows > COMPACT_MIN_ROWS

    def compacted(self) -> LocalStore:
        """The same index with its changes folded into a new base (what a save then writes whole).

        Nothing is re-encoded or re-tokenised; the kept chunks' pair signatures are copied and
        only the chunks added since the base are read to sign them.
        """
        pairs = None
        if self._base.pairs is not None:  # else derived from the new base when first needed
            pairs = PairSignatures.rebased(
                self._base.pairs, self._origin, lambda n: normalize_text(context_text(self.chunks[n]))
            )
        return LocalStore(
            self.chunks, self.rows.compacted(COMPACT_SHARE), self.lexical.compacted(), self.tokenizer,
            dict(self.manifest), self.path, base=LocalBase(uuid.uuid4().hex, self.chunks, pairs=pairs),
            stats=self.stats, facts=self._facts, table=self._table,
        )  # fmt: skip


def _kept_then(chunks: Sequence[Chunk], keep: np.ndarray, new: list[Chunk]) -> Sequence[Chunk]:
    """The chunks where ``keep`` is True, then ``new``; lines of a chunk file stay undecoded."""
    if isinstance(chunks, LazyChunks):
        head = len(chunks.rows)
        tail = [c for c, k in zip(chunks.tail, keep[head:].tolist(), strict=True) if k]
        return LazyChunks(chunks.lines, chunks.rows[keep[:head]], tail + new)
    return [c for c, k in zip(chunks, keep.tolist(), strict=True) if k] + new
