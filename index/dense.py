"""Dense retrieval: inner product over L2-normalised vectors in FAISS (exact Flat, or HNSW when large)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

#: HNSW graph degree and build-time beam (faiss defaults are 32 / 40; 80 gives better recall).
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
#: HNSW search beam: at least the number of rows asked for.
HNSW_EF_SEARCH = 256


class DenseIndex:
    """Inner-product search over rows (views of chunks): exact ``IndexFlatIP`` or ``IndexHNSWFlat``.

    Both keep the full vectors, so exact scores are always available (:meth:`storage`);
    HNSW only changes which rows :meth:`search` looks at.

    Example:
        >>> index = DenseIndex(2).add(np.array([[1, 0], [0, 1]], dtype=np.float32))
        >>> index.search(np.array([[0.6, 0.8]], dtype=np.float32), 1)
        [[(1, 0.8...)]]
    """

    def __init__(self, dim: int, kind: str = "flat", ef_search: int = HNSW_EF_SEARCH) -> None:
        import faiss

        if kind not in ("flat", "hnsw"):
            raise ValueError(f"dense index kind {kind!r}: use 'flat' or 'hnsw'")
        self.dim, self.kind, self.ef_search = dim, kind, ef_search
        if kind == "flat":
            self._index = faiss.IndexFlatIP(dim)
        else:
            self._index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            self._index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION

    @property
    def params(self) -> dict[str, object]:
        """What the manifest records about this index."""
        if self.kind == "flat":
            return {"kind": "flat", "faiss": "IndexFlatIP"}
        return {
            "kind": "hnsw",
            "faiss": f"IndexHNSWFlat(M={HNSW_M})",
            "ef_construction": HNSW_EF_CONSTRUCTION,
            "ef_search": self.ef_search,
        }

    @property
    def size(self) -> int:
        """Number of vectors."""
        return int(self._index.ntotal)

    def add(self, vectors: np.ndarray) -> DenseIndex:
        """Append vectors (float32, shape (n, dim)); returns self."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dim:
            raise ValueError(f"vectors of shape {vectors.shape} do not fit an index of dimension {self.dim}")
        self._index.add(vectors)
        return self

    def vectors(self) -> np.ndarray:
        """A copy of all stored vectors, shape (size, dim)."""
        return np.array(self.storage())

    def storage(self) -> np.ndarray:
        """FAISS's own vector storage as a numpy view, shape (size, dim): no copy.

        The view is valid only while this index lives and is not modified; keep a reference
        to the index for as long as the view is used.
        """
        import faiss

        if self.size == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        flat = self._index if self.kind == "flat" else faiss.downcast_index(self._index.storage)
        return faiss.rev_swig_ptr(flat.get_xb(), self.size * self.dim).reshape(self.size, self.dim)

    def copy(self) -> DenseIndex:
        """An independent copy (FAISS ``clone_index``)."""
        import faiss

        copy = DenseIndex(self.dim, self.kind, self.ef_search)
        copy._index = faiss.clone_index(self._index)
        return copy

    def search(
        self, queries: np.ndarray, k: int, mask: np.ndarray | None = None, exclude: np.ndarray | None = None
    ) -> list[list[tuple[int, float]]]:
        """Top ``k`` (row, score) per query, best first; ``mask`` (bool per row) keeps True rows.

        With a mask, the scores are computed exactly over the kept rows only. ``exclude`` lists
        rows FAISS skips while searching (deleted rows), at no cost to the other rows' recall.
        """
        import faiss

        queries = np.ascontiguousarray(queries, dtype=np.float32)
        if self.size == 0 or k <= 0:
            return [[] for _ in range(len(queries))]
        if mask is not None:
            rows = np.flatnonzero(mask)
            if rows.size == 0:
                return [[] for _ in range(len(queries))]
            sub = self.storage()[rows] @ queries.T
            out = []
            for column in sub.T:
                take = np.argsort(-column, kind="stable")[:k]
                out.append([(int(rows[i]), float(column[i])) for i in take])
            return out
        params = None
        if self.kind == "hnsw":
            params = faiss.SearchParametersHNSW(efSearch=max(self.ef_search, k))
        if exclude is not None and len(exclude):
            batch = faiss.IDSelectorBatch(np.asarray(exclude, dtype=np.int64))
            selector = faiss.IDSelectorNot(batch)  # both kept referenced until the search is done
            params = params or faiss.SearchParameters()
            params.sel = selector
        scores, ids = self._index.search(queries, min(k, self.size), params=params)
        return [
            [(int(i), float(s)) for i, s in zip(row_ids, row_scores, strict=True) if i >= 0]
            for row_ids, row_scores in zip(ids, scores, strict=True)
        ]

    def save(self, path: Path) -> None:
        """Write the FAISS index file."""
        import faiss

        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path, dim: int, ef_search: int = HNSW_EF_SEARCH) -> DenseIndex:
        """Read a FAISS index file (Flat or HNSW), memory-mapped and read-only, and check its dimension.

        Mapping makes opening cost what the pages touched cost, not the file's size; the base is
        never changed in place (changes go to other rows), and a save writes a new file.
        """
        import faiss

        index = cls(dim, ef_search=ef_search)
        index._index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
        index.kind = "hnsw" if isinstance(index._index, faiss.IndexHNSW) else "flat"
        if index._index.d != dim:
            raise ValueError(f"{path}: FAISS index has dimension {index._index.d}, manifest says {dim}")
        return index
