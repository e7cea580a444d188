"""Hybrid search over clause chunks: one pipeline (dense + lexical, fused, structure rules) over a store.

Stores: a local FAISS + BM25 directory, or a Milvus collection.

Example:
    >>> from index import Searcher
    >>> searcher = Searcher.open()
    >>> sorted(h.label for h in searcher.search("哪些部门负责12345热线", k=3))
    ['(十)', '(十)', '13']
"""

from index.answer import Answer, Hit
from index.embed import Embedder, SentenceTransformerEmbedder
from index.filters import Filters
from index.fuse import rrf
from index.layout import IndexMismatchError, IndexNotFoundError
from index.paths import default_index_path
from index.searcher import DEFAULT_MODE, MODES, Result, Searcher
from index.store import NoticeInfo, Store

__all__ = [
    "DEFAULT_MODE",
    "MODES",
    "Answer",
    "Embedder",
    "Filters",
    "Hit",
    "IndexMismatchError",
    "IndexNotFoundError",
    "NoticeInfo",
    "Result",
    "Searcher",
    "SentenceTransformerEmbedder",
    "Store",
    "default_index_path",
    "rrf",
]
