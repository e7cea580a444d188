"""Where chunks, their vectors and their postings live: the store protocol and its two implementations.

A local index directory (:class:`LocalStore`: FAISS + BM25, written atomically) or a Milvus
collection (:class:`MilvusStore`); :func:`build_store` and :func:`connect_store` choose by target.
"""

from index.stores.base import Facts, NoticeInfo, Ranked, Store
from index.stores.local import LocalStore
from index.stores.milvus import MilvusStore
from index.stores.target import DEFAULT_COLLECTION, build_store, connect_store, is_milvus, require_local

__all__ = [
    "DEFAULT_COLLECTION",
    "Facts",
    "LocalStore",
    "MilvusStore",
    "NoticeInfo",
    "Ranked",
    "Store",
    "build_store",
    "connect_store",
    "is_milvus",
    "require_local",
]
