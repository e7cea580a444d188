"""The local store's directory: a base written once and linked after, the changes since, checked when opened.

:class:`StoreFiles` is the part of :class:`index.stores.local.LocalStore` that writes and reads
its directory (:mod:`index.stores.layout` for the layout, :mod:`index.stores.checksums` for the
checks); :class:`LocalBase` is the part of a store written once.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.corpus import CorpusStats
from index.dense import HNSW_EF_SEARCH, DenseIndex
from index.encoders.base import check_backend
from index.errors import IndexMismatchError
from index.lexical import LexicalIndex
from index.paths import file_sha256
from index.stores import checksums
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
from index.stores.notices import NoticeTable
from index.stores.pairs import PairSignatures
from index.stores.removals import KEY as REMOVED
from index.stores.removals import read_removed, write_removed
from index.stores.rows import DenseRows
from index.stores.writer import check_generation, disk_generation, new_generation, writer_lock
from index.tokenize import JiebaTokenizer
from ingest import Chunk

#: The corpus statistics as of the last save (read at load, not recomputed).
STATS = "stats.json"
#: The base chunks' character-pair signatures (:mod:`index.stores.pairs`), inside the base folder.
PAIRS = "pairs.npy"


@dataclass(frozen=True)
class LocalBase:
    """The part of an index written once and then only linked: chunks, FAISS index, BM25 postings.

    ``id`` names it on disk; ``chunks`` are all it was built with (deleted ones included);
    ``pairs`` are their contexts' character-pair signatures (derived when first needed if None).
    """

    id: str
    chunks: Sequence[Chunk]
    sha256: str | None = None
    pairs: PairSignatures | None = None


class StoreFiles:
    """Saving and opening a local store's directory (mixed into :class:`~index.stores.local.LocalStore`)."""

    chunks: Sequence[Chunk]
    rows: DenseRows
    lexical: LexicalIndex
    tokenizer: JiebaTokenizer
    manifest: dict[str, Any]
    path: Path | None
    stats: CorpusStats
    _origin: np.ndarray
    _base: LocalBase

    def _notice_table(self) -> NoticeTable:
        raise NotImplementedError

    def _base_pairs(self) -> PairSignatures:
        raise NotImplementedError

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
        held = set(manifest["documents"])  # a tombstone never names a notice the index holds
        removed = sorted((read_removed(path) | set(manifest.get(REMOVED, []))) - held)
        manifest[REMOVED] = removed
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
                with (base / "chunks.jsonl").open("wb") as handle:
                    if isinstance(self._base.chunks, LazyChunks):
                        self._base.chunks.write_lines(handle)  # lines already encoded are copied
                    else:
                        for chunk in self._base.chunks:
                            handle.write(chunk.to_json().encode("utf-8") + b"\n")
                self.rows.dense.save(base / "dense.faiss")
                self.lexical.save_base(base / "lexical")
                self._base_pairs().save(base / PAIRS)
                base_hash = file_sha256(base / "chunks.jsonl")
            alive = np.zeros(len(self._base.chunks), dtype=bool)
            alive[self._origin[self._origin >= 0]] = True
            np.save(work / "chunks.alive.npy", alive)
            with (work / EXTRA_CHUNKS).open("w", encoding="utf-8") as handle:
                for number in np.flatnonzero(self._origin < 0).tolist():  # only these: the rest is in the base
                    handle.write(self.chunks[number].to_json() + "\n")
            np.save(work / "owners.npy", self.rows.owners)
            self.stats.save(work / STATS)
            self._notice_table().save(work)
            np.save(work / "dense.extra.npy", self.rows.extra)
            self.lexical.save_changes(work / "lexical")
            lexicon = "".join(f"{w}\t{f}\n" for w, f in self.tokenizer.frequencies().items())  # word, jieba frequency
            (work / "lexicon.txt").write_text(lexicon, encoding="utf-8")
            manifest["base"]["sha256"] = base_hash
            manifest["extra_hash"] = file_sha256(work / EXTRA_CHUNKS)
            linked = self.manifest.get("files", {}) if linked_base else {}
            manifest["files"] = checksums.record(work, {k: v for k, v in linked.items() if k.startswith(f"{BASE}/")})
            write_manifest(work, manifest)
        write_removed(path, removed)  # beside the directory too: it outlives a deleted manifest
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
    def load(cls, folder: Path, model: Mapping[str, Any]) -> Any:
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
            added = read_chunks(folder / EXTRA_CHUNKS)
            owners = np.load(folder / "owners.npy", allow_pickle=False)
            extra = np.load(folder / "dense.extra.npy", allow_pickle=False)
            ef_search = manifest["settings"]["dense_index"].get("ef_search", HNSW_EF_SEARCH)
            dense = DenseIndex.load(folder / BASE / "dense.faiss", built["dim"], ef_search=ef_search)
            lexical = LexicalIndex.load(folder / BASE / "lexical", folder / "lexical")
            lines = (folder / "lexicon.txt").read_text(encoding="utf-8").split("\n")
            lexicon = [line.partition("\t") for line in lines]
            frequencies = {word: int(f) for word, _, f in lexicon if f}  # indexes saved before hold words only
            stats = CorpusStats.load(folder / STATS) if (folder / STATS).is_file() else None
            table = NoticeTable.load(folder, manifest["chunk_count"])
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
        pairs_file = folder / BASE / PAIRS
        try:
            pairs = PairSignatures.load(pairs_file, len(base_chunks)) if pairs_file.is_file() else None
        except ValueError as exc:
            raise IndexMismatchError(f"{folder}: {exc}; rebuild with: {rebuild_hint(folder)}") from exc
        base = LocalBase(manifest["base"]["id"], base_chunks, manifest["base"]["sha256"], pairs)
        tokenizer = JiebaTokenizer((word for word, _, _ in lexicon if word), frequencies=frequencies)
        return cls(
            chunks, rows, lexical, tokenizer, manifest, folder, origin=origin, base=base, stats=stats, table=table
        )  # type: ignore[call-arg]


def read_chunks(path: Path) -> list[Chunk]:
    """The chunks of a JSON-lines file, decoded."""
    return [Chunk.from_dict(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line]
