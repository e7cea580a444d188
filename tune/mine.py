"""Hard negatives for tuning, mined with the index the model will serve: what the pipeline confuses.

For each training question the default pipeline ranks the corpus; the clauses it puts high that
are not labelled relevant are the negatives worth learning from. Two guards keep likely
*unlabelled* positives out (Moreira et al. 2024, NV-Retriever: "positive-aware" mining):

- ``skip``: the first ``skip`` non-relevant ranks are passed over;
- ``margin``: a candidate whose similarity to the question (the base model's clause vectors) is at
  least ``margin`` × the best relevant clause's similarity is passed over (0.95 in that paper).

Negatives a staff member gave (the citations of a 👎, those above a picked clause) come first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tune.data import Pair


@dataclass(frozen=True)
class Mined:
    """A training question with its positives and the negatives mined for it (chunk ids, best first)."""

    pair: Pair
    negatives: tuple[str, ...]


def mine(
    searcher: object,
    pairs: Sequence[Pair],
    *,
    count: int = 3,
    depth: int = 30,
    skip: int = 0,
    margin: float = 0.95,
    mode: str | None = None,
    batch: int = 64,
) -> list[Mined]:
    """Up to ``count`` hard negatives per pair from the searcher's top ``depth`` (see the module doc).

    Args:
        searcher: an :class:`index.Searcher` over the corpus the pairs point into.
        pairs: training pairs (their positives and given negatives are chunk ids of that corpus).
        count: negatives wanted per pair (given ones included).
        depth: how deep in the ranking to look.
        skip: non-relevant ranks passed over at the top.
        margin: relative similarity above which a candidate is taken for an unlabelled positive.
        mode: search mode (default: the searcher's default).
        batch: questions searched at once.

    Raises:
        ValueError: for count < 1, depth < 1, skip < 0 or a margin outside (0, 1].
    """
    from index.encoders.cache import embed_cached
    from index.fuse import DEFAULT_MODE

    if count < 1 or depth < 1 or skip < 0 or not 0 < margin <= 1:
        raise ValueError(f"bad mining settings: count={count}, depth={depth}, skip={skip}, margin={margin}")
    texts = {c.id: c.text for c in searcher.all_chunks()}
    embedder = searcher.embedder
    out: list[Mined] = []
    for start in range(0, len(pairs), batch):
        part = pairs[start : start + batch]
        ranked = searcher.search_batch([p.question for p in part], k=depth, mode=mode or DEFAULT_MODE)
        queries = embedder.encode([p.question for p in part], query=True)
        candidates_of = [
            [h.id for h in hits if h.id not in pair.positives and h.id not in pair.negatives][skip:]
            for pair, hits in zip(part, ranked, strict=True)
        ]
        needed = list(
            dict.fromkeys(i for pair, c in zip(part, candidates_of, strict=True) for i in (*pair.positives, *c))
        )
        vectors = embed_cached(embedder, [texts[i] for i in needed], getattr(searcher, "cache_dir", None))
        vector_of = dict(zip(needed, vectors, strict=True))  # one cache read per batch of questions
        for pair, candidates, q in zip(part, candidates_of, queries, strict=True):
            chosen = [n for n in pair.negatives if n in texts]
            if candidates:
                q = np.asarray(q, dtype=np.float32)
                ceiling = margin * max(float(vector_of[i] @ q) for i in pair.positives)
                chosen += [c for c in candidates if float(vector_of[c] @ q) < ceiling]
            out.append(Mined(pair, tuple(dict.fromkeys(chosen))[:count]))
    return out
