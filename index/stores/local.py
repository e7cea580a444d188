"""The local store: an index directory with FAISS vectors (:mod:`index.stores.rows`) and BM25 postings.

On disk it is a base written once plus the changes since (:mod:`index.stores.layout`); a save links
the base and writes only the changes, atomically. Changes make a new store and leave the old
one as it was, so a reader keeps a consistent snapshot while an update runs.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.corpus import CorpusStats
from index.dense import HNSW_EF_SEARCH, DenseIndex
from index.encoders.base import check_backend
from index.errors import IndexMismatchError
from index.filters import check_filters, chunk_mask
from index.lexical import LexicalIndex
from index.paths import file_sha256
from index.sources import checked_chunks
from index.stores import checksums
from index.stores.base import Encode, Facts, NoticeInfo, Ranked, notice_infos
from index.stores.chunk_file import ChunkLines, LazyChunks
from index.stores.layout import (
    BASE,
    CHUNKS,
    EXTRA_CHUNKS,
    FORMAT_VERSION,
    atomic_directory,
    base_hash_at,
    link_file,
    read_manifest,
    rebuild_hint,
    write_manifest,
)
from index.stores.rows import DenseRows, dense_kind_for
from index.stores.writer import check_generation, disk_generation, new_generation, writer_lock
from index.tokenize import JiebaTokenizer, containing
from index.views import chunk_views, context_text
from ingest import Chunk

#: The corpus statistics and the notice list as of the last save (read at load, not recomputed).
STATS = "stats.json"
NOTICES = "notices.json"
#: Changes are folded into a new base when extra and deleted rows pass this share of all rows
#: (and the index has more than COMPACT_MIN_ROWS): the save that follows writes the index whole.
COMPACT_SHARE = 0.1
COMPACT_MIN_ROWS = 1000


@dataclass(frozen=True)
class _Base:
    """The part of an index written once and then only linked: chunks, FAISS index, BM25 postings.

    ``id`` names it on disk; ``chunks`` are all it was built with (deleted ones included).
    """

    id: str
    chunks: Sequence[Chunk]
    sha256: str | None = None


class LocalStore:
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
        base: _Base | None = None,
        stats: CorpusStats | None = None,
        facts: dict[int, Facts] | None = None,
        notices: list[NoticeInfo] | None = None,
    ) -> None:
        self.chunks = chunks
        self.rows = rows
        self.lexical = lexical
        self.tokenizer = tokenizer
        self.manifest = manifest
        self.settings: dict[str, Any] = manifest.get("settings", {})
        self.path = path
        self._origin = origin if origin is not None else np.arange(len(chunks), dtype=np.int64)
        self._base = base or _Base(uuid.uuid4().hex, chunks)
        self.stats = stats or CorpusStats.of(chunks)
        self.analyzer = self.stats.analyzer()
        self._facts: dict[int, Facts] = facts if facts is not None else {}  # derived when first asked for
        self._notices: list[NoticeInfo] | None = notices
        self._documents: dict[str, list[int]] | None = None
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
        lexical = LexicalIndex().build([tokenizer(context_text(c)) for c in chunks])
        dense = DenseIndex(vectors.shape[1], dense_kind or dense_kind_for(len(views))).add(vectors)
        manifest = {
            "format_version": FORMAT_VERSION,
            **manifest,
            "tokenizer": {"kind": "jieba.cut_for_search", "userwords": len(tokenizer.userwords)},
        }
        manifest["settings"] = {**manifest.get("settings", {}), "dense_index": dense.params}
        return cls(chunks, DenseRows(dense, owners, None, len(chunks)), lexical, tokenizer, manifest, stats=stats)

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
            found = self._facts[number] = Facts.of(self.chunks[number])
        return found

    def notices(self) -> list[NoticeInfo]:
        """The notices in the store, in order of first appearance."""
        if self._notices is None:
            self._notices = notice_infos(self.chunks)
        return self._notices

    def all_chunks(self) -> list[Chunk]:
        """Every chunk, in order."""
        return list(self.chunks)

    # --- changes ------------------------------------------------------------------------------

    def document(self, doc_id: str) -> list[Chunk]:
        """One notice's chunks in reading order ([] for a doc_id not in the store)."""
        if self._documents is None:
            documents: dict[str, list[int]] = {}
            for number, chunk in enumerate(self.chunks):
                documents.setdefault(chunk.doc_id, []).append(number)
            self._documents = documents
        return [self.chunks[n] for n in self._documents.get(doc_id, [])]

    def add(self, chunks: list[Chunk], encode: Encode, replacing: Collection[str] = ()) -> LocalStore:
        """A new store with these chunks' notices added and ``replacing`` removed, in one change.

        A notice whose doc_id is already here is replaced by the new chunks.
        """
        return self._updated({c.doc_id for c in chunks} | set(replacing), chunks, encode)

    def remove(self, doc_ids: set[str]) -> LocalStore:
        """A new store without these notices (the caller checked that they are here)."""
        return self._updated(doc_ids, [], None)

    def _updated(self, removed_docs: set[str], new: list[Chunk], encode: Encode | None) -> LocalStore:
        keep = np.array([c.doc_id not in removed_docs for c in self.chunks], dtype=bool)
        removed = np.flatnonzero(~keep)
        kept = [c for c, k in zip(self.chunks, keep, strict=True) if k]
        chunks = checked_chunks(kept + new)
        stats, appeared, gone = self.stats.updated([self.chunks[i] for i in removed], new)
        tokenizer = self.tokenizer.with_words(appeared, gone) if appeared or gone else self.tokenizer

        # BM25: kept chunks whose text holds a word that entered or left the dictionary are re-tokenised
        kept_numbers = np.flatnonzero(keep).tolist()
        changed = appeared | gone
        contexts = [self._fact(i).context for i in kept_numbers] if changed else []
        replaced = {j: tokenizer(context_text(kept[j])) for j in containing(contexts, changed)}
        kept_facts = {j: self._facts[i] for j, i in enumerate(kept_numbers) if i in self._facts}
        lexical = self.lexical.updated(removed, replaced, [tokenizer(context_text(c)) for c in new])

        views, view_owners = chunk_views(new, len(kept))
        vectors = encode(views) if views and encode else self.rows.extra[:0]
        rows = self.rows.updated(removed, vectors, view_owners, len(chunks))
        origin = np.concatenate([self._origin[keep], np.full(len(new), -1, dtype=np.int64)])
        store = LocalStore(
            chunks, rows, lexical, tokenizer, dict(self.manifest), self.path,
            origin=origin, base=self._base, stats=stats, facts=kept_facts,
        )  # fmt: skip
        if store._wants_compaction():
            store = store.compacted()
        if self.path is not None:
            store.save(self.path)
        return store

    def _wants_compaction(self) -> bool:
        """True when the changes since the base have grown past :data:`COMPACT_SHARE` of the index."""
        rows = len(self.rows.owners)
        return self.rows.changes() > COMPACT_SHARE * rows and rows > COMPACT_MIN_ROWS

    def compacted(self) -> LocalStore:
        """The same index with its changes folded into a new base (what a save then writes whole).

        Nothing is re-encoded or re-tokenised.
        """
        return LocalStore(
            self.chunks, self.rows.compacted(COMPACT_SHARE), self.lexical.compacted(), self.tokenizer,
            dict(self.manifest), self.path, stats=self.stats, facts=self._facts,
        )  # fmt: skip

    # --- files --------------------------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Write the index directory atomically (a crash leaves the previous index intact).

        When ``path`` already holds this store's base, the base files are hard-linked into the
        new directory and only the changes since are written.
        """
        path = Path(path)
        with writer_lock(path):
            self._save(path)
        return path

    def _save(self, path: Path) -> None:
        """:meth:`save` under the writer lock: refused if another writer saved since this store was loaded."""
        same = self.path is not None and Path(self.path).absolute() == path.absolute()
        check_generation(path, disk_generation(path), self.manifest.get("generation") if same else None)
        base_hash = base_hash_at(path, self._base.id)
        manifest = self._manifest()
        manifest["generation"] = new_generation()
        with atomic_directory(path) as work:
            base = work / BASE
            linked_base = base_hash is not None
            if linked_base:
                for item in (path / BASE).rglob("*"):
                    if item.is_file():
                        target = base / item.relative_to(path / BASE)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        link_file(item, target)
            else:
                base.mkdir()
                with (base / "chunks.jsonl").open("w", encoding="utf-8") as handle:
                    for chunk in self._base.chunks:
                        handle.write(chunk.to_json() + "\n")
                self.rows.dense.save(base / "dense.faiss")
                self.lexical.save_base(base / "lexical")
                base_hash = file_sha256(base / "chunks.jsonl")
            alive = np.zeros(len(self._base.chunks), dtype=bool)
            alive[self._origin[self._origin >= 0]] = True
            np.save(work / "chunks.alive.npy", alive)
            with (work / EXTRA_CHUNKS).open("w", encoding="utf-8") as handle:
                for number in np.flatnonzero(self._origin < 0).tolist():  # only these: the rest is in the base
                    handle.write(self.chunks[number].to_json() + "\n")
            np.save(work / "owners.npy", self.rows.owners)
            self.stats.save(work / STATS)
            notices = [n.to_dict() for n in self.notices()]
            (work / NOTICES).write_text(json.dumps(notices, ensure_ascii=False), encoding="utf-8")
            np.save(work / "dense.extra.npy", self.rows.extra)
            self.lexical.save_changes(work / "lexical")
            lexicon = "".join(f"{w}\t{f}\n" for w, f in self.tokenizer.frequencies().items())  # word, jieba frequency
            (work / "lexicon.txt").write_text(lexicon, encoding="utf-8")
            manifest["base"]["sha256"] = base_hash
            manifest["extra_hash"] = file_sha256(work / EXTRA_CHUNKS)
            linked = self.manifest.get("files", {}) if linked_base else {}
            manifest["files"] = checksums.record(work, {k: v for k, v in linked.items() if k.startswith(f"{BASE}/")})
            write_manifest(work, manifest)
        self.manifest = manifest
        self._base = dataclasses.replace(self._base, sha256=base_hash)
        self.path = path

    def _manifest(self) -> dict[str, Any]:
        """The manifest describing this store's current state."""
        manifest = dict(self.manifest)
        manifest.update(
            format_version=FORMAT_VERSION,
            chunk_count=len(self.chunks),
            vector_count=self.rows.count,
            documents=sorted(self.stats.places),
            base={"id": self._base.id, "chunks": len(self._base.chunks), "rows": self.rows.dense.size,
                  "sha256": self._base.sha256},
            changes={
                "added_chunks": int((self._origin < 0).sum()),
                "deleted_chunks": len(self._base.chunks) - int((self._origin >= 0).sum()),
                "extra_rows": len(self.rows.extra),
                "dead_rows": len(self.rows.dead),
                "bm25_extra_docs": self.lexical.extra_count,
            },
        )  # fmt: skip
        return manifest

    @classmethod
    def load(cls, folder: Path, model: Mapping[str, Any]) -> LocalStore:
        """Open an index directory built with ``model`` (name, fingerprint, dim).

        Raises:
            IndexNotFoundError: if there is no index at ``folder``.
            IndexMismatchError: if the index was built with another model or is damaged; the
                message names the mismatch and the command that rebuilds.
        """
        manifest = read_manifest(folder)
        checksums.verify(folder, manifest.get("files", {}), rebuild_hint(folder))  # before FAISS or NumPy reads a byte
        built = manifest["model"]
        if built["fingerprint"] != model["fingerprint"] or built["dim"] != model["dim"]:
            raise IndexMismatchError(
                f"{folder} was built with model {built['name']} (sha256 {built['fingerprint'][:12]}…, "
                f"dimension {built['dim']}); this run uses {model['name']} (sha256 {model['fingerprint'][:12]}…, "
                f"dimension {model['dim']}). Rebuild with: {rebuild_hint(folder)} [--model PATH]"
            )
        check_backend(built, model, str(folder), rebuild_hint(folder))
        try:
            base_chunks = LazyChunks(ChunkLines(folder / CHUNKS))
            alive = np.load(folder / "chunks.alive.npy", allow_pickle=False)
            added = _read_chunks(folder / EXTRA_CHUNKS)
            owners = np.load(folder / "owners.npy", allow_pickle=False)
            extra = np.load(folder / "dense.extra.npy", allow_pickle=False)
            ef_search = manifest["settings"]["dense_index"].get("ef_search", HNSW_EF_SEARCH)
            dense = DenseIndex.load(folder / BASE / "dense.faiss", built["dim"], ef_search=ef_search)
            lexical = LexicalIndex.load(folder / BASE / "lexical", folder / "lexical")
            lines = (folder / "lexicon.txt").read_text(encoding="utf-8").split("\n")
            lexicon = [line.partition("\t") for line in lines]
            frequencies = {word: int(f) for word, _, f in lexicon if f}  # indexes saved before hold words only
            stats = CorpusStats.load(folder / STATS) if (folder / STATS).is_file() else None
            notices = _read_notices(folder / NOTICES)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IndexMismatchError(f"{folder} is damaged ({exc}); rebuild with: {rebuild_hint(folder)}") from exc
        if len(alive) != len(base_chunks) or extra.shape[1:] != (built["dim"],):
            raise IndexMismatchError(f"{folder}: its files disagree; rebuild with: {rebuild_hint(folder)}")
        chunks = LazyChunks(base_chunks.lines, np.flatnonzero(alive), added)
        if len(chunks) != manifest["chunk_count"] or len(owners) != dense.size + len(extra):
            raise IndexMismatchError(
                f"{folder}: vector and chunk counts disagree with the manifest; rebuild with: {rebuild_hint(folder)}"
            )
        try:
            rows = DenseRows(dense, owners, extra, len(chunks))
        except ValueError as exc:
            raise IndexMismatchError(f"{folder}: {exc}; rebuild with: {rebuild_hint(folder)}") from exc
        origin = np.concatenate([np.flatnonzero(alive), np.full(len(added), -1)]).astype(np.int64)
        base = _Base(manifest["base"]["id"], base_chunks, manifest["base"]["sha256"])
        tokenizer = JiebaTokenizer((word for word, _, _ in lexicon if word), frequencies=frequencies)
        return cls(
            chunks, rows, lexical, tokenizer, manifest, folder, origin=origin, base=base, stats=stats, notices=notices
        )  # type: ignore[arg-type]


def _read_notices(path: Path) -> list[NoticeInfo] | None:
    """The notices a save recorded (None for an index saved before they were)."""
    if not path.is_file():
        return None
    return [NoticeInfo(**{**n, "leads": tuple(n["leads"])}) for n in json.loads(path.read_text(encoding="utf-8"))]


def _read_chunks(path: Path) -> list[Chunk]:
    return [Chunk.from_dict(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line]
