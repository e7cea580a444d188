"""Hybrid search over clause chunks: dense (FAISS) + lexical (jieba, BM25), fused by RRF.

Example:
    >>> from index import Searcher
    >>> searcher = Searcher.load()
    >>> sorted(h.label for h in searcher.search("哪些部门负责12345热线", k=3))
    ['(十)', '(十)', '13']
"""

from index.embed import Embedder, SentenceTransformerEmbedder
from index.filters import Filters
from index.fuse import rrf
from index.milvus import MilvusSearcher
from index.searcher import MODES, Answer, Hit, Searcher, default_index_path
from index.store import IndexMismatchError, IndexNotFoundError

__all__ = [
    "MODES",
    "Answer",
    "Embedder",
    "Filters",
    "Hit",
    "IndexMismatchError",
    "IndexNotFoundError",
    "MilvusSearcher",
    "Searcher",
    "SentenceTransformerEmbedder",
    "default_index_path",
    "rrf",
]
