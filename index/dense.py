"""Dense retrieval: inner product over L2-normalised vectors in FAISS (exact Flat, HNSW, or IVF with compact codes).

The IVF kind is for corpora whose float vectors should not live in memory: FAISS keeps 4-bit
product codes of each row's residual in inverted lists, scanned with its fast-scan (SIMD
look-up) kernels; the float32 vectors lie in a file beside it, memory-mapped, and each search
re-ranks its candidates exactly from that file, so the scores returned are exact cosines.
Indexes built before 2026-12-07 hold 8-bit scalar codes (memory-mapped); they open and search
as before. ``python -m eval.harness.ann`` measured the choice.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

#: HNSW graph degree and build-time beam (faiss defaults are 32 / 40; 80 gives better recall).
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
#: HNSW search beam: at least the number of rows asked for.
HNSW_EF_SEARCH = 256
#: IVF: lists probed per query. Recall@10 against exact followed the number of lists probed, not
#: their share, and the codes' precision (``python -m eval.harness.ann --threads 2``, 37k real vectors
#: replicated, 800 rows re-ranked as the pipeline asks): at 3.5M rows in 8,192 lists, 8-bit codes
#: 256 probed 0.985 in 15.8 ms; 4-bit codes of each dimension's residual 384 probed 0.991 in
#: 7.7 ms; 4-bit codes of two dimensions 0.976–0.978 (384–512 probed, 4.8–5.2 ms). So the lists are
#: many (:func:`ivf_lists`), codes are per dimension, and 384 lists are probed (256 for 8-bit codes).
IVF_NPROBE = 384
IVF_NPROBE_SQ8 = 256
#: Rows re-ranked exactly from the float vectors, at least (the pipeline asks 800: 100 chunks × 8).
#: 4-bit codes need depth: at 1M rows, two-dimension codes re-ranking 64 rows found 0.84 of the
#: top 10, re-ranking 800 found 0.98.
IVF_RERANK = 800
#: IVF training sample: FAISS wants ≥ 39 points per list; more costs time, not recall.
IVF_TRAIN_PER_LIST = 64
KINDS = ("flat", "hnsw", "ivf")


def ivf_lists(rows: int) -> int:
    """The number of inverted lists for ``rows`` vectors: ≈ 8√rows, a power of two, at least 64.

    >>> ivf_lists(1_000_000), ivf_lists(3_500_000), ivf_lists(1_000)
    (4096, 8192, 128)
    """
    return max(64, 1 << int(np.log2(8 * np.sqrt(max(rows, 1)))))


def ivf_nprobe(lists: int, codec: str = "fast-scan") -> int:
    """Lists probed per query: :data:`IVF_NPROBE` (:data:`IVF_NPROBE_SQ8` for 8-bit codes), or all of a small index's.

    An index built with fewer lists (≈ 4√rows, before 2026-12-07) is probed as deeply, so it
    keeps or gains recall (at 1M rows: 256 of 2,048 lists, 0.996 in 9.8 ms on an earlier pool).

    >>> ivf_nprobe(8192), ivf_nprobe(8192, "sq8"), ivf_nprobe(2048, "sq8"), ivf_nprobe(64)
    (384, 256, 256, 64)
    """
    return min(lists, IVF_NPROBE_SQ8 if codec == "sq8" else IVF_NPROBE)


def ivf_codes(dim: int) -> str:
    """The IVF codes for vectors of ``dim``: 4-bit codes of each dimension's residual (fast scan).

    >>> ivf_codes(384)
    'PQ384x4fsr'
    """
    return f"PQ{dim}x4fsr"


def vectors_path(index_path: Path) -> Path:
    """Where an IVF index's float32 vectors lie: ``dense.faiss`` → ``dense.vectors.npy``."""
    return Path(index_path).with_name(Path(index_path).stem + ".vectors.npy")


class DenseIndex:
    """Inner-product search over rows (views of chunks): exact ``IndexFlatIP``, ``IndexHNSWFlat`` or IVF.

    All three keep the full vectors, so exact scores are always available (:meth:`storage`);
    HNSW and IVF only change which rows :meth:`search` looks at (IVF re-ranks them exactly).

    Example:
        >>> index = DenseIndex(2).add(np.array([[1, 0], [0, 1]], dtype=np.float32))
        >>> index.search(np.array([[0.6, 0.8]], dtype=np.float32), 1)
        [[(1, 0.8...)]]
    """

    def __init__(self, dim: int, kind: str = "flat", ef_search: int = HNSW_EF_SEARCH, lists: int = 0) -> None:
        import faiss

        if kind not in KINDS:
            raise ValueError(f"dense index kind {kind!r}: use one of {', '.join(KINDS)}")
        self.dim, self.kind, self.ef_search = dim, kind, ef_search
        self._vectors = np.zeros((0, dim), dtype=np.float32)  # the IVF kind's float vectors (FAISS holds codes)
        if kind == "flat":
            self._index = faiss.IndexFlatIP(dim)
        elif kind == "hnsw":
            self._index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            self._index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        else:  # the lists are fixed when it is trained, on its first add (0: chosen by that add's size)
            self._lists = lists
            self._index = None

    @property
    def params(self) -> dict[str, object]:
        """What the manifest records about this index."""
        if self.kind == "flat":
            return {"kind": "flat", "faiss": "IndexFlatIP"}
        if self.kind == "ivf":
            if self._index is None:
                lists, codes = self._lists, ivf_codes(self.dim)
            else:
                lists, codes = self._index.nlist, _codes_of(self._index)
            codec = "sq8" if codes == "SQ8" else "fast-scan"
            nprobe = ivf_nprobe(lists, codec)
            return {"kind": "ivf", "faiss": f"IVF{lists},{codes}", "nprobe": nprobe, "rerank": IVF_RERANK}
        return {
            "kind": "hnsw",
            "faiss": f"IndexHNSWFlat(M={HNSW_M})",
            "ef_construction": HNSW_EF_CONSTRUCTION,
            "ef_search": self.ef_search,
        }

    @property
    def size(self) -> int:
        """Number of vectors."""
        return int(self._index.ntotal) if self._index is not None else 0

    def add(self, vectors: np.ndarray) -> DenseIndex:
        """Append vectors (float32, shape (n, dim)); returns self."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dim:
            raise ValueError(f"vectors of shape {vectors.shape} do not fit an index of dimension {self.dim}")
        if self.kind == "ivf":
            if self._index is None:
                self._index = _trained_ivf(vectors, self._lists or ivf_lists(len(vectors)))
            # the first add keeps the caller's array (a build hands over millions of rows: no second copy)
            self._vectors = np.concatenate([self._vectors, vectors]) if len(self._vectors) else vectors
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
        if self.kind == "ivf":
            return self._vectors
        flat = self._index if self.kind == "flat" else faiss.downcast_index(self._index.storage)
        return faiss.rev_swig_ptr(flat.get_xb(), self.size * self.dim).reshape(self.size, self.dim)

    def copy(self) -> DenseIndex:
        """An independent copy (FAISS ``clone_index``)."""
        import faiss

        copy = DenseIndex(self.dim, self.kind, self.ef_search)
        if self.kind == "ivf" and self._index is not None and not _clonable(self._index):
            # lists mapped from disk cannot be cloned: the same trained index, its rows encoded again
            copy._index = _empty_like(self._index)
            for start in range(0, self.size, 200_000):
                copy._index.add(np.ascontiguousarray(self._vectors[start : start + 200_000], dtype=np.float32))
        else:
            copy._index = faiss.clone_index(self._index) if self._index is not None else None
        # vectors mapped read-only from a file are shared, not read into memory (adds concatenate)
        copy._vectors = self._vectors if not self._vectors.flags.writeable else np.array(self._vectors)
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
        depth = k
        if self.kind == "hnsw":
            params = faiss.SearchParametersHNSW(efSearch=max(self.ef_search, k))
        elif self.kind == "ivf":
            depth = max(k, IVF_RERANK)
            if self.size <= depth:
                # every row is a candidate: all re-ranked (fast scan's 16-bit scores saturate for the
                # worst rows of a small index, and FAISS leaves those out: 24 of 29 rows returned)
                rows = np.arange(self.size) if exclude is None else np.setdiff1d(np.arange(self.size), exclude)
                return [self._rerank(query, rows, k) for query in queries]
            params = faiss.SearchParametersIVF(nprobe=self.params["nprobe"])
            # One question: its probed lists are scanned by FAISS's threads together (measured at
            # 3.5M rows, 2 threads, 8-bit codes: p50 16.6 → 11.9 ms; 1M rows, fast scan with
            # implementation 14: 2.9 → 1.8 ms, docs/experiments/fast_scan_threads.py); a batch: one thread per question.
            single = len(queries) == 1
            if isinstance(self._index, faiss.IndexIVFFastScan):
                self._index.implem = 14 if single else 0
            else:
                self._index.parallel_mode = 1 if single else 0
        if exclude is not None and len(exclude):
            batch = faiss.IDSelectorBatch(np.asarray(exclude, dtype=np.int64))
            selector = faiss.IDSelectorNot(batch)  # both kept referenced until the search is done
            params = params or faiss.SearchParameters()
            params.sel = selector
        scores, ids = self._index.search(queries, min(depth, self.size), params=params)
        if self.kind == "ivf":  # the codes' scores are approximate: re-rank from the float vectors
            return [self._rerank(query, row_ids[row_ids >= 0], k) for query, row_ids in zip(queries, ids, strict=True)]
        return [
            [(int(i), float(s)) for i, s in zip(row_ids, row_scores, strict=True) if i >= 0]
            for row_ids, row_scores in zip(ids, scores, strict=True)
        ]

    def _rerank(self, query: np.ndarray, rows: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The best ``k`` of ``rows`` by exact inner product with ``query`` (rows read in file order)."""
        rows = np.sort(rows)
        exact = self._vectors[rows] @ query
        order = np.lexsort((rows, -exact))[:k]
        return [(int(rows[i]), float(exact[i])) for i in order]

    def save(self, path: Path) -> None:
        """Write the FAISS index file (and, for IVF, the float vectors beside it: :func:`vectors_path`)."""
        import faiss

        faiss.write_index(self._index, str(path))
        if self.kind == "ivf":
            np.save(vectors_path(path), np.asarray(self._vectors, dtype=np.float32))

    @classmethod
    def load(cls, path: Path, dim: int, ef_search: int = HNSW_EF_SEARCH) -> DenseIndex:
        """Read a FAISS index file (Flat, HNSW or IVF), read-only, and check its dimension.

        Flat and HNSW storage and 8-bit IVF lists are memory-mapped: opening costs what the pages
        touched cost, not the file's size. Fast-scan IVF lists are read (FAISS cannot map their
        blocks; half a byte per dimension, 0.7 GiB at 3.5M rows); an IVF index's float vectors are
        always mapped. The base is never changed in place (changes go to other rows), and a save
        writes a new file.
        """
        import faiss

        index = cls(dim, ef_search=ef_search)
        index._index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
        if isinstance(index._index, faiss.IndexIVF):
            index.kind = "ivf"
            index._vectors = np.load(vectors_path(path), mmap_mode="r", allow_pickle=False)
            if index._vectors.shape != (index._index.ntotal, dim):
                shape, codes = index._vectors.shape, index._index.ntotal
                raise ValueError(f"{vectors_path(path)}: vectors of shape {shape} for {codes} codes")
        else:
            index.kind = "hnsw" if isinstance(index._index, faiss.IndexHNSW) else "flat"
        if index._index.d != dim:
            raise ValueError(f"{path}: FAISS index has dimension {index._index.d}, manifest says {dim}")
        return index


def _codes_of(index: object) -> str:
    """The codes an IVF index holds, as a FAISS factory names them: ``PQ384x4fsr`` or ``SQ8``."""
    import faiss

    if isinstance(index, faiss.IndexIVFPQFastScan):
        return f"PQ{index.pq.M}x4fs" + ("r" if index.by_residual else "")
    return "SQ8"


def _clonable(index: object) -> bool:
    """False for an IVF index whose lists are mapped from its file (FAISS cannot clone those)."""
    import faiss

    lists = faiss.downcast_InvertedLists(faiss.extract_index_ivf(index).invlists)
    return not isinstance(lists, faiss.OnDiskInvertedLists)


def ivf_sq8_over(index: object) -> object:
    """A new IVF index with 8-bit codes over a copy of ``index``'s trained coarse quantizer, and no rows.

    Its codec is untrained: :meth:`train` trains only the codec, the lists being fixed.
    """
    import faiss

    ivf = faiss.extract_index_ivf(index)
    quantizer = faiss.clone_index(ivf.quantizer)
    empty = faiss.IndexIVFScalarQuantizer(quantizer, ivf.d, ivf.nlist, faiss.ScalarQuantizer.QT_8bit, ivf.metric_type)
    quantizer.this.disown()  # the new index owns (and frees) its quantizer
    empty.own_fields = True
    return empty


def _empty_like(index: object) -> object:
    """A new IVF-SQ8 index with ``index``'s trained coarse quantizer and codec, and no rows."""
    import faiss

    empty = ivf_sq8_over(index)
    empty.sq = faiss.downcast_index(faiss.extract_index_ivf(index)).sq
    empty.is_trained = True
    return empty


def _trained_ivf(vectors: np.ndarray, lists: int) -> object:
    """An IVF index with fast-scan codes (:func:`ivf_codes`), trained on a fixed sample of ``vectors`` (seeded)."""
    import faiss

    lists = max(1, min(lists, len(vectors) // 39))  # FAISS wants ≥ 39 training points a list
    factory = f"IVF{lists},{ivf_codes(vectors.shape[1])}"
    index = faiss.index_factory(vectors.shape[1], factory, faiss.METRIC_INNER_PRODUCT)
    size = min(len(vectors), lists * IVF_TRAIN_PER_LIST)
    sample = vectors[np.sort(np.random.default_rng(0).choice(len(vectors), size, replace=False))]
    index.train(sample)
    return index
