"""Comparisons of the notices of a library: by doc_id, with the library's own encoder, one at a time, remembered.

A comparison encodes both notices' bodies (through the index's embedding cache, so a notice
already indexed mostly costs a cache read) and solves one assignment; the app and the JSON API
share one :class:`Comparer`, which keeps the last :data:`KEEP` results for the index now
answering and runs one comparison at a time (two cores are not for a queue of encoders).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from web.changes.compare import Comparison, Encode, compare
from web.changes.series import earlier_notices

#: How many comparisons are remembered.
KEEP = 16


def encoder_of(searcher: Any) -> Encode:
    """Passage vectors through the searcher's encoder and its embedding cache."""
    from index.encoders.cache import embed_cached

    return lambda texts: embed_cached(searcher.embedder, texts, searcher.cache_dir)


def compare_documents(document: Callable[[str], tuple[Any, Sequence[Any]]], encode: Encode, before: str,
                      after: str) -> Comparison:  # fmt: skip
    """Compare two notices fetched by ``document`` (doc_id → (NoticeInfo, chunks)), titled as the library has them.

    Raises:
        KeyError: naming the doc_id that ``document`` does not know.
    """
    docs = []
    for doc_id in (before, after):
        try:
            docs.append(document(doc_id))
        except KeyError:
            raise KeyError(doc_id) from None
    (a_info, a), (b_info, b) = docs
    result = compare((before, a), (after, b), encode)
    return Comparison(result.before.titled(a_info), result.after.titled(b_info), result.rows)


class Comparer:
    """Compares two notices of a library (anything with ``searcher`` and ``document(doc_id)``)."""

    def __init__(self, library: Any) -> None:
        self.library = library
        self._lock = threading.Lock()
        self._done: OrderedDict[tuple[int, str, str], Comparison] = OrderedDict()

    def compare(self, before: str, after: str) -> Comparison:
        """The comparison of notice ``before`` (the earlier) with ``after``.

        Raises:
            KeyError: naming a doc_id that is not in the library.
            ValueError: if the two are one notice, or one has too many items.
        """
        if before == after:
            raise ValueError("请选择两份不同的通知进行对比")
        searcher = self.library.searcher
        key = (id(searcher), before, after)
        with self._lock:
            if key in self._done:
                self._done.move_to_end(key)
                return self._done[key]
            result = compare_documents(self.library.document, encoder_of(searcher), before, after)
            self._done[key] = result
            while len(self._done) > KEEP:
                self._done.popitem(last=False)
            return result

    def earlier(self, doc_id: str) -> list[Any]:
        """The library's earlier notices of the same series as ``doc_id``, latest first (none for an unknown id)."""
        notices = self.library.searcher.notices()
        mine = [n for n in notices if n.doc_id == doc_id]
        return earlier_notices(mine[0], notices) if mine else []


_COMPARERS: weakref.WeakKeyDictionary[Any, Comparer] = weakref.WeakKeyDictionary()
_MAKING = threading.Lock()


def comparer_for(library: Any) -> Comparer:
    """The one :class:`Comparer` of a library (shared by the chat and the JSON API)."""
    with _MAKING:
        if library not in _COMPARERS:
            _COMPARERS[library] = Comparer(library)
        return _COMPARERS[library]
