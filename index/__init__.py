"""Hybrid search over clause chunks: one pipeline (dense + lexical, fused, structure rules) over a store.

The pipeline's modules sit here (searcher, query, filters, fuse, rank, rerank, answer, views,
tokenize, lexical, dense …); where chunks live is :mod:`index.stores`, what encodes them
:mod:`index.encoders`.

Example:
    >>> from index import Searcher
    >>> searcher = Searcher.open()
    >>> sorted(h.label for h in searcher.search("哪些部门负责12345热线", k=3))
    ['(三)', '(十)', '13']
"""

from index.answer import Answer, Hit
from index.encoders import BACKENDS, DEFAULT_BACKEND, Embedder, SentenceTransformerEmbedder, make_embedder
from index.errors import ExportError, IndexMismatchError, IndexNotFoundError, ModelFileError
from index.filters import Filters, filters_from
from index.fuse import DEFAULT_MODE, MODES, Mode, rrf
from index.paths import default_index_path
from index.pipeline import Result
from index.searcher import Searcher
from index.stores import NoticeInfo, Store

__all__ = [
    "BACKENDS",
    "DEFAULT_BACKEND",
    "DEFAULT_MODE",
    "MODES",
    "Answer",
    "Embedder",
    "ExportError",
    "Filters",
    "Hit",
    "IndexMismatchError",
    "IndexNotFoundError",
    "Mode",
    "ModelFileError",
    "NoticeInfo",
    "Result",
    "Searcher",
    "SentenceTransformerEmbedder",
    "Store",
    "default_index_path",
    "filters_from",
    "make_embedder",
    "rrf",
]
