"""The local store's dense side: one FAISS row per view of a chunk, tombstones and appended rows.

Row order is chunk by chunk, each chunk's whole text first, then its sentences. Rows of
deleted chunks stay in the FAISS base as tombstones (owner −1) until a compaction; rows of
added chunks are kept apart (``extra``) and scored exactly. A chunk's score is
``FULL_WEIGHT`` × its text's cosine + (1 − ``FULL_WEIGHT``) × its best row's cosine.
"""

from __future__ import annotations

import sys

import numpy as np

from index.dense import DenseIndex
from index.lexical import renumber
from index.views import FULL_WEIGHT

#: Up to this many live rows, every row is scored exactly (one matrix product).
EXACT_ROWS = 50_000
#: Rows asked from FAISS per query, per chunk wanted, above EXACT_ROWS (a chunk has several rows).
ROWS_PER_CHUNK = 8
#: Exact scoring works on blocks of this many queries (one BLAS call each).
QUERY_BLOCK = 64
#: Above this many vectors the FAISS index is HNSW instead of exact Flat: measured on 70k law-article
#: vectors, HNSW answered in 0.63 ms against 9.9 ms with recall@10 0.999 (docs/performance.md).
ANN_ROWS = EXACT_ROWS
#: Above this many vectors, IVF with 4-bit fast-scan codes and the float vectors memory-mapped
#: (``python -m eval.harness.ann``, 1M rows: HNSW-Flat builds in 272 s and holds 1.7 GiB in memory;
#: docs/performance.md, "A million clauses").
IVF_ROWS = 1_000_000


def dense_kind_for(rows: int) -> str:
    """The FAISS index kind for ``rows`` vectors: exact up to ANN_ROWS, HNSW up to IVF_ROWS, IVF beyond."""
    if rows > IVF_ROWS:
        return "ivf"
    return "hnsw" if rows > ANN_ROWS else "flat"


class DenseRows:
    """Vectors of chunk views with their owners; chunk-level top-k under a chunk mask.

    Args:
        dense: The FAISS base (rows written when the base was).
        owners: Per base row, then per extra row: its chunk number, or −1 for a tombstone.
        extra: Vectors added since the base, in owner order.
        chunks: The number of live chunks.

    Raises:
        ValueError: when owners and vectors disagree (the caller names the rebuild command).
    """

    def __init__(self, dense: DenseIndex, owners: np.ndarray, extra: np.ndarray | None, chunks: int) -> None:
        self.dense = dense
        self.owners = owners
        self.extra = extra if extra is not None else np.zeros((0, dense.dim), dtype=np.float32)
        self.chunks = chunks
        if len(owners) != dense.size + len(self.extra):
            raise ValueError("vector counts disagree with their owners")
        live = owners >= 0
        live_owners = owners[live]
        if len(live_owners):
            steps = np.diff(live_owners)  # grouped: never down; each chunk once (counted without hashing 3.5M rows)
            if np.any(steps < 0) or np.count_nonzero(steps) + 1 != chunks:
                raise ValueError("vector owners are not grouped by chunk")
        self.live = live
        self.dead = np.flatnonzero(~live)
        self.full_rows = np.flatnonzero(live)[np.searchsorted(live_owners, np.arange(chunks))]
        self.count = int(live.sum())  # live vectors (chunks and their sentences)
        self._exact: tuple[np.ndarray, np.ndarray | None, np.ndarray] | None = None  # see _exact_matrix

    def vectors(self) -> np.ndarray:
        """A copy of the live vectors in row order (chunk by chunk, each chunk's text first)."""
        return np.concatenate([self.dense.storage(), self.extra])[self.live]

    # --- changes -----------------------------------------------------------------------------

    def updated(self, removed: np.ndarray, vectors: np.ndarray, owners: np.ndarray, chunks: int) -> DenseRows:
        """Rows with the chunks numbered ``removed`` gone and ``vectors`` (owned by ``owners``) appended.

        Deleted base rows become tombstones; deleted extra rows go; chunk numbers are renumbered.
        """
        renumbered = renumber(self.owners, removed)
        base = self.dense.size
        kept_extra = renumbered[base:] >= 0
        extra = np.concatenate([self.extra[kept_extra], vectors.astype(np.float32)])
        owners = np.concatenate([renumbered[:base], renumbered[base:][kept_extra], owners])
        return DenseRows(self.dense, owners, extra, chunks)

    def changes(self) -> int:
        """Rows added or deleted since the base."""
        return len(self.extra) + len(self.dead)

    def compacted(self, share: float) -> DenseRows:
        """The same rows in a new base.

        An exact index is rebuilt from its live vectors; an HNSW graph or IVF lists take the extra
        vectors in a copy, and are rebuilt only when over ``share`` of their rows are deleted.
        """
        if self.dense.kind in ("hnsw", "ivf") and len(self.dead) <= share * len(self.owners):
            return DenseRows(self.dense.copy().add(self.extra), self.owners, None, self.chunks)
        dense = DenseIndex(self.dense.dim, self.dense.kind, self.dense.ef_search).add(self.vectors())
        return DenseRows(dense, self.owners[self.live], None, self.chunks)

    # --- searching ---------------------------------------------------------------------------

    def search(self, queries: np.ndarray, k: int, mask: np.ndarray | None) -> list[list[tuple[int, float]]]:
        """Per query, the top ``k`` (chunk number, score) pairs, best first; ``mask`` keeps True chunks."""
        rows_mask = None
        if mask is not None:
            rows_mask = self.live & mask[np.maximum(self.owners, 0)]
        if self.count <= EXACT_ROWS:
            exact_rows = self._exact_matrix()[1]
            if rows_mask is not None and exact_rows is not None:
                rows_mask = rows_mask[exact_rows]
            out = []
            for start in range(0, len(queries), QUERY_BLOCK):
                scores = self._score_rows(queries[start : start + QUERY_BLOCK])
                if rows_mask is not None:
                    scores[~rows_mask] = -np.inf
                out += [self._aggregate_all(scores[:, j], k) for j in range(scores.shape[1])]
            return out
        wanted = k * ROWS_PER_CHUNK
        base = self.dense.size
        base_mask = rows_mask[:base] if rows_mask is not None else None
        exclude = self.dead[self.dead < base] if base_mask is None else None
        found = self.dense.search(queries, min(base, wanted), base_mask, exclude=exclude)
        if len(self.extra):  # rows added since the base: scored exactly, merged by score
            extra_scores = self.extra @ queries.T
            if rows_mask is not None:
                extra_scores[~rows_mask[base:]] = -np.inf
            for j, hits in enumerate(found):
                column = extra_scores[:, j]
                top = np.argsort(-column, kind="stable")[:wanted]
                merged = hits + [(base + int(i), float(column[i])) for i in top if np.isfinite(column[i])]
                found[j] = sorted(merged, key=lambda rs: (-rs[1], rs[0]))[:wanted]
        return [
            self._aggregate(
                np.array([r for r, _ in f], dtype=np.int64), np.array([s for _, s in f], dtype=np.float32), k
            )
            for f in found
        ]

    def _score_rows(self, queries: np.ndarray) -> np.ndarray:
        """Inner products of every live vector with the queries, shape (live rows, queries).

        numpy's product, unless torch is already loaded (the torch encoder backend): then
        torch's, on the encoder's own thread pool, since OpenBLAS threads left spinning after a
        numpy product starved the next torch encode on a 2-core machine (114 ms per answer on
        MSGABench instead of 29 ms). With onnxruntime, numpy is the faster of the two
        (``docs/experiments/exact_scores.py``, MSGABench's 41k rows: p50 11–13 ms against 17–20 ms)
        and the query path loads no torch.
        """
        matrix = self._exact_matrix()[0]
        block = np.ascontiguousarray(queries.T, dtype=np.float32)
        torch = sys.modules.get("torch")
        if torch is None:
            return matrix @ block
        with torch.inference_mode():
            return (torch.from_numpy(matrix) @ torch.from_numpy(block)).numpy()

    def _exact_matrix(self) -> tuple[np.ndarray, np.ndarray | None]:
        """The live vectors as one matrix, and which rows they are (None: all of FAISS's).

        Without changes it is a view of FAISS's storage; after changes the live rows are
        gathered in chunk order, the same matrix a fresh build would hold. Made on first use.
        """
        if self._exact is None:
            vectors, rows, full = self.dense.storage(), None, self.full_rows
            if len(self.extra) or len(self.dead):
                rows = np.flatnonzero(self.live)
                vectors = np.concatenate([vectors, self.extra])[rows]
                full = np.searchsorted(rows, self.full_rows)
            matrix = np.ascontiguousarray(vectors, dtype=np.float32)
            if not matrix.flags.writeable:  # an IVF index's mapped file: torch wants memory of its own
                matrix = matrix.copy()
            self._exact = (matrix, rows, full)
        return self._exact[0], self._exact[1]

    def _aggregate_all(self, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Exact chunk scores from every live row's score (a chunk's rows are contiguous, whole chunk first)."""
        assert self._exact is not None  # set by _score_rows, which gave these scores
        first = self._exact[2]
        full = scores[first]
        best = np.maximum.reduceat(scores, first)
        combined = FULL_WEIGHT * full + (1 - FULL_WEIGHT) * best
        finite = np.flatnonzero(np.isfinite(combined))
        if finite.size > k:
            finite = finite[np.argpartition(-combined[finite], k - 1)[:k]]
        order = finite[np.lexsort((finite, -combined[finite]))]
        return [(int(i), float(combined[i])) for i in order]

    def _aggregate(self, rows: np.ndarray, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Chunk scores from the rows FAISS returned (a chunk whose text row is missing takes the floor)."""
        keep = np.isfinite(scores) & (self.owners[rows] >= 0) if rows.size else np.zeros(0, dtype=bool)
        rows, scores = rows[keep], scores[keep]
        if rows.size == 0:
            return []
        owners = self.owners[rows]
        seen, slot = np.unique(owners, return_inverse=True)  # arrays per chunk found, not per chunk (1M at scale)
        best = np.full(len(seen), -np.inf, dtype=np.float32)
        np.maximum.at(best, slot, scores)
        full = np.full(len(seen), -np.inf, dtype=np.float32)
        is_full = self.full_rows[owners] == rows
        full[slot[is_full]] = scores[is_full]
        floor = float(scores.min())
        full_seen = np.where(np.isfinite(full), full, floor)
        combined = FULL_WEIGHT * full_seen + (1 - FULL_WEIGHT) * best
        order = np.lexsort((seen, -combined))[:k]
        return [(int(seen[j]), float(combined[j])) for j in order]
