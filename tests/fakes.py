"""Test doubles: a keyword embedder that needs no model (one-hot over a fixed vocabulary)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

KEYWORDS = ("热线", "12345", "数据", "信用", "审批", "监管", "企业", "开办", "公开", "培训", "天气", "周末")


class KeywordEmbedder:
    """Vectors count keyword occurrences (plus a constant dimension), L2-normalised.

    A query and a passage sharing keywords get a high cosine; the constant keeps every
    vector non-zero. ``calls`` records every batch encoded, to check what was re-encoded.
    """

    name = "fake-keywords"
    dim = len(KEYWORDS) + 1

    def __init__(self, fingerprint: str = "fake-keywords-v1") -> None:
        self.fingerprint = fingerprint
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str], *, query: bool = False, show_progress: bool = False) -> np.ndarray:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i, :-1] = [text.count(k) for k in KEYWORDS]
            out[i, -1] = 0.1
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def filter_mask(chunks: list, filters: dict) -> object:
    """The local store's mask for filters, checked against these chunks' notices as every store checks them."""
    from index.filters import check_filters, chunk_mask
    from index.stores.notices import NoticeTable

    return chunk_mask(chunks, check_filters(filters, NoticeTable.of(chunks).infos))  # type: ignore[arg-type]
