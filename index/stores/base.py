"""The store protocol: where chunks, their vectors and their postings live.

:class:`index.Searcher` runs the pipeline (question checks, query analysis, fusion,
structure rules, abstention) once, over any store. A store only keeps and retrieves:

- ``dense_search(queries, k, where)``: per query vector, the top ``k`` chunks by the dense score
  (``FULL_WEIGHT`` × the whole clause's cosine + the rest × its best sentence's), as
  (key, score) pairs, best first. Keys are the store's own handles for chunks.
- ``lexical_search(tokens, k, where)``: per tokenised query, the top ``k`` chunks by BM25.
- ``where(filters)``: the filters checked (the same errors on every store, see
  :func:`index.filters.check_filters`) and compiled to the store's own form (a mask, an
  expression); None for no filter.
- ``facts(keys)``: what the rules and the hits need of those chunks (:class:`Facts`).
- ``add(chunks, encode)`` / ``remove(doc_ids)``: the updated store. The local directory
  returns a new store and leaves this one as it was (a snapshot); a Milvus collection is
  shared server state, so the change is seen by every client of it: always use the store
  (and the searcher) that these return.
- ``notices()``, ``all_chunks()``, ``stats``, ``tokenizer``, ``settings``, ``describe()``.

Two implementations: :class:`index.stores.local.LocalStore` (a FAISS + BM25 directory) and
:class:`index.stores.milvus.MilvusStore` (a Milvus collection).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

import numpy as np

from index.corpus import CorpusStats
from index.query import QueryAnalyzer, squash_text
from index.tokenize import JiebaTokenizer, normalize_text
from index.views import context_text, item_title
from ingest import Chunk

#: Encodes passages (the store's new views) into normalised vectors, through the embedding cache.
Encode = Callable[[list[str]], np.ndarray]
Ranked = list[tuple[Hashable, float]]


class Facts:
    """One chunk and the strings the structure rules, the abstain rule and the hits read of it.

    Each string is derived when first read and kept: a question reads the titles of its ≈ 200
    candidates but the texts of its few hits, and NFKC over every candidate's whole text cost
    ≈ 17 ms a question (a million clauses, where few candidates were seen before).
    """

    def __init__(self, chunk: Chunk) -> None:
        self.chunk = chunk

    @classmethod
    def of(cls, chunk: Chunk) -> Facts:
        """The facts of a chunk (strings derived when first read)."""
        return cls(chunk)

    @cached_property
    def squashed(self) -> str:
        """:func:`index.query.squash_text` of the text (verbatim-phrase rule)."""
        return squash_text(self.chunk.text)

    @cached_property
    def title(self) -> str:
        """The normalised item title (title rule)."""
        return normalize_text(item_title(self.chunk))

    @cached_property
    def normalized(self) -> str:
        """The normalised text (matched terms)."""
        return normalize_text(self.chunk.text)

    @cached_property
    def context(self) -> str:
        """The normalised context text (the abstain rule's token coverage)."""
        return normalize_text(context_text(self.chunk))


class FactField(Mapping[Hashable, str]):
    """One string of each chunk's facts, by chunk key, derived only for the keys read."""

    def __init__(self, facts: Mapping[Hashable, Facts], field: str) -> None:
        self.facts, self.field = facts, field

    def __getitem__(self, key: Hashable) -> str:
        return getattr(self.facts[key], self.field)

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self.facts)

    def __len__(self) -> int:
        return len(self.facts)


@dataclass(frozen=True)
class NoticeInfo:
    """A notice in a store: what the library table, the dropdowns and the filter checks read.

    Attributes:
        doc_id: The notice's id.
        title: Its title.
        issuer: Its issuing body ("" when unknown).
        date: Its date as written (ISO or raw, "" when unknown).
        chunks: How many chunks it has.
        leads: Every lead department its items name, as written.
        sha256: The uploaded file's content hash ("" for notices not uploaded through the app).
    """

    doc_id: str
    title: str
    issuer: str
    date: str
    chunks: int
    leads: tuple[str, ...]
    sha256: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {**self.__dict__, "leads": list(self.leads)}


def notice_info(doc: Sequence[Chunk]) -> NoticeInfo:
    """The :class:`NoticeInfo` of one notice's chunks."""
    first = doc[0]
    leads = tuple(dict.fromkeys(d for c in doc for d in c.lead))
    return NoticeInfo(
        first.doc_id,
        first.notice_title or first.title,
        first.issuer or "",
        first.date or "",
        len(doc),
        leads,
        str(first.metadata.get("sha256", "")),
    )


class Store(Protocol):
    """What :class:`index.Searcher` needs of a store (see the module docstring)."""

    stats: CorpusStats
    tokenizer: JiebaTokenizer
    analyzer: QueryAnalyzer
    settings: dict[str, Any]

    def __len__(self) -> int:
        """The number of chunks."""
        ...

    def describe(self) -> dict[str, Any]:
        """Where the store is and what it holds."""
        ...

    def where(self, filters: Mapping[str, Any] | None) -> Any:
        """The filters checked and compiled to the store's own form; None or "" for none."""
        ...

    def dense_search(self, queries: np.ndarray, k: int, where: Any) -> list[Ranked]:
        """Per query vector, the top ``k`` (key, dense score) pairs, best first."""
        ...

    def lexical_search(self, tokens: Sequence[list[str]], k: int, where: Any) -> list[Ranked]:
        """Per tokenised query, the top ``k`` (key, BM25 score) pairs, best first."""
        ...

    def facts(self, keys: Iterable[Hashable]) -> dict[Hashable, Facts]:
        """The :class:`Facts` of these keys."""
        ...

    def notices(self) -> list[NoticeInfo]:
        """The notices in the store."""
        ...

    def all_chunks(self) -> list[Chunk]:
        """Every chunk, notice by notice."""
        ...

    def document(self, doc_id: str) -> list[Chunk]:
        """One notice's chunks in reading order ([] for a doc_id not in the store)."""
        ...

    def add(self, chunks: list[Chunk], encode: Encode, replacing: Collection[str] = ()) -> Store:
        """The store with these chunks' notices added (same doc_id: replaced) and ``replacing`` removed."""
        ...

    def remove(self, doc_ids: set[str]) -> Store:
        """The store without these notices."""
        ...


def lexical_with_facts(store: Store, tokens: Sequence[list[str]], k: int, where: Any) -> list[Ranked]:
    """BM25's top ``k`` per question, their facts derived on the way.

    Run beside the question's encoding and vector search (ONNX Runtime and FAISS free the GIL):
    the lexical candidates' chunks are decoded while the CPU would otherwise wait.
    """
    lexical = store.lexical_search(tokens, k, where)
    store.facts({key for ranked in lexical for key, _ in ranked})
    return lexical
