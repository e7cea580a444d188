"""Structure-aware re-ordering of fused candidates (the abstention rule is in :mod:`index.abstain`).

Each function is small and pure: it takes scores and chunk facts and says why it moves a
candidate. The hybrid mode applies them after rank fusion; "dense" and "bm25" stay pure.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

from index.query import QueryInfo, squash_text
from index.stores.base import FactField, Facts, Ranked
from index.tokenize import normalize_text
from index.views import item_title
from ingest import Chunk
from ingest.departments import lead_names

#: Added to the fused score of an item led by a department the query names (ranks it first).
LEAD_BONUS = 1.0
#: Fused-score factor for chunks of notices the query's place names point to.
SCOPE_FACTOR = 1.5
#: Fused-score factor for a chunk containing the whole query verbatim (punctuation aside).
PHRASE_FACTOR = 1.5
#: Fused-score factor for an item whose own title ("(一)牵头部门。") the question quotes.
TITLE_FACTOR = 1.5
#: Each earlier pick from the same notice divides a chunk's score by (1 + DIVERSITY × picks).
DIVERSITY = 0.5


def boost(
    candidates: Sequence[tuple[int, float]],
    chunks: Sequence[Chunk],
    info: QueryInfo,
    squashed: Sequence[str] | None = None,
    titles: Sequence[str] | None = None,
) -> list[tuple[int, float]]:
    """Apply the department, place, phrase and title rules to fused (chunk, score) pairs; best first.

    - A question about what a named department leads ("市数据局牵头负责哪些工作"), or who
      is responsible for something while naming a department, puts the items that the
      department leads first (+ :data:`LEAD_BONUS`).
    - Place names in the query ("汉台区…", "经开区…") that point to some notices only raise
      those notices' chunks by :data:`SCOPE_FACTOR`.
    - A chunk that contains the whole query, punctuation aside ("双随机一公开" in
      "“双随机、一公开”监管"), is raised by :data:`PHRASE_FACTOR`.
    - An item whose opening title the question contains ("…牵头部门有哪些职责" and
      "(一)牵头部门。负责…") is raised by :data:`TITLE_FACTOR`.

    ``squashed`` and ``titles`` are the chunks' :func:`squash_text` forms and normalised item
    titles, precomputed by the caller; they are derived here when not given.
    """
    if squashed is None:
        squashed = [squash_text(c.text) for c in chunks]
    if titles is None:
        titles = [normalize_text(item_title(c)) for c in chunks]
    query = normalize_text(info.text)
    asks_about_department = bool(info.departments) and (info.asks_led_work or info.asks_responsibility)
    out = []
    for index, score in candidates:
        chunk = chunks[index]
        if asks_about_department and set(info.departments) & set(lead_names(chunk.lead)):
            score += LEAD_BONUS
        if info.doc_scope and chunk.doc_id in info.doc_scope:
            score *= SCOPE_FACTOR
        if len(info.phrase) >= 3 and info.phrase in squashed[index]:
            score *= PHRASE_FACTOR
        if titles[index] and titles[index] in query:
            score *= TITLE_FACTOR
        out.append((index, score))
    return sorted(out, key=lambda kv: -kv[1])


def diversify(candidates: Sequence[tuple[int, float]], chunks: Sequence[Chunk]) -> list[tuple[int, float]]:
    """Greedy re-ordering that spreads picks over notices ("各地是如何…" questions).

    At each step the candidate with the best score divided by (1 + DIVERSITY × picks already
    made from its notice) is taken; its original score is kept for display.
    """
    remaining = list(candidates)
    picked: list[tuple[int, float]] = []
    per_doc: dict[str, int] = {}
    while remaining:
        best = max(
            range(len(remaining)),
            key=lambda j: (remaining[j][1] / (1 + DIVERSITY * per_doc.get(chunks[remaining[j][0]].doc_id, 0)), -j),
        )
        index, score = remaining.pop(best)
        per_doc[chunks[index].doc_id] = per_doc.get(chunks[index].doc_id, 0) + 1
        picked.append((index, score))
    return picked


def one_per_doc(ranked: Ranked, facts: Mapping[Hashable, Facts]) -> Ranked:
    """The best-ranked chunk of each document, in rank order."""
    seen: set[str] = set()
    out = []
    for key, score in ranked:
        doc_id = facts[key].chunk.doc_id
        if doc_id not in seen:
            seen.add(doc_id)
            out.append((key, score))
    return out


def apply_rules(candidates: Ranked, facts: Mapping[Hashable, Facts], info: QueryInfo) -> Ranked:
    """The hybrid mode's rules: :func:`boost`, then :func:`diversify` for cross-notice questions."""
    chunks = {key: facts[key].chunk for key, _ in candidates}
    squashed = FactField(facts, "squashed")  # read only when the question has a phrase
    titles = {key: facts[key].title for key, _ in candidates}
    ranked = boost(candidates, chunks, info, squashed, titles)  # type: ignore[arg-type]
    return diversify(ranked, chunks) if info.cross_doc else ranked  # type: ignore[arg-type]
