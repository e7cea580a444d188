"""The relevance rule of the gold questions: which retrieved chunks answer which entries.

A chunk answers a ``relevant`` entry ``{"doc": D, "quote": Q}`` when its ``doc_id`` is D and
its text, NFKC-normalised with all white space removed, contains Q normalised the same way.
An entry without ``quote`` is answered by any chunk of D. Each entry counts once, at the best
rank at which it is answered. ``"relevant": []`` marks an unanswerable question. An entry may
carry a ``grade`` (default 1): nDCG's gain, as graded qrels give (:mod:`eval.beir`).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

_WS = re.compile(r"\s+")


def norm(text: str) -> str:
    r"""NFKC, then every white-space character removed.

    >>> norm("企业开办 时限\n压减至１个工作日")
    '企业开办时限压减至1个工作日'
    """
    return _WS.sub("", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True)
class Entry:
    """One relevant entry: a document, optionally a quote that must appear, and its grade (nDCG's gain)."""

    doc: str
    quote: str | None = None
    grade: int = 1

    def answered_by(self, doc_id: str, normalized_text: str) -> bool:
        """True when a chunk with this doc id and (normalised) text answers the entry."""
        return doc_id == self.doc and (self.quote is None or norm(self.quote) in normalized_text)


@dataclass
class Question:
    """A gold question."""

    id: str
    query: str
    kind: str = ""
    relevant: list[Entry] = field(default_factory=list)

    @property
    def answerable(self) -> bool:
        """False for questions the corpus cannot answer."""
        return bool(self.relevant)


def load_questions(path: str | Path) -> list[Question]:
    """Read a question file (JSON Lines: id, query, kind, relevant).

    Raises:
        ValueError: naming the file and line of a malformed question.
    """
    questions = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8-sig").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            entries = [Entry(str(e["doc"]), e.get("quote"), int(e.get("grade", 1))) for e in record.get("relevant", [])]
            questions.append(Question(str(record["id"]), str(record["query"]), str(record.get("kind", "")), entries))
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError, ValueError) as exc:
            raise ValueError(
                f"{path}:{number}: not a question record ({exc}); "
                'expected {"id", "query", "relevant": [{"doc", "quote"?, "grade"?}]}'
            ) from exc
    return questions


def answered_ranks(question: Question, ranked: Sequence[tuple[str, str]]) -> list[int | None]:
    """For each entry, the best (1-based) rank of a chunk answering it, or None.

    Args:
        question: The gold question.
        ranked: The retrieved chunks as (doc_id, text), best first.
    """
    texts = [(doc, norm(text)) for doc, text in ranked]
    ranks: list[int | None] = []
    for entry in question.relevant:
        ranks.append(next((r for r, (doc, text) in enumerate(texts, 1) if entry.answered_by(doc, text)), None))
    return ranks


def qrels_for(questions: Iterable[Question], chunks: Iterable[tuple[str, str, str]]) -> dict[str, dict[str, int]]:
    """Chunk-level qrels ``{qid: {chunk_id: grade}}``: every chunk that answers some entry (its best grade).

    For tools that judge chunks (trec_eval, ranx); the entry-level metrics of this project
    count each entry once instead.
    """
    chunks = [(cid, doc, norm(text)) for cid, doc, text in chunks]
    out: dict[str, dict[str, int]] = {}
    for q in questions:
        out[q.id] = {}
        for cid, doc, text in chunks:
            grades = [e.grade for e in q.relevant if e.answered_by(doc, text)]
            if grades:
                out[q.id][cid] = max(grades)
    return out


def passage_qrels(questions: Iterable[Question]) -> dict[str, dict[str, int]]:
    """Passage-level qrels ``{qid: {doc: grade}}``, for runs grouped by document (quotes ignored)."""
    out: dict[str, dict[str, int]] = {}
    for q in questions:
        out[q.id] = {}
        for e in q.relevant:
            out[q.id][e.doc] = max(e.grade, out[q.id].get(e.doc, 0))
    return out


def grouping(choice: str, questions: Sequence[Question]) -> str | None:
    """The ``group_by`` a benchmark is measured with: "doc", None, or for "auto" "doc" when it is passage-level.

    A benchmark is passage-level when every relevant entry names a document and no quote: a
    second chunk of a passage already ranked adds nothing to it and only pushes others down.

    >>> passage = Question("q", "问", relevant=[Entry("p1")])
    >>> clause = Question("q", "问", relevant=[Entry("d", "引文")])
    >>> grouping("auto", [passage]), grouping("auto", [clause]), grouping("none", [passage])
    ('doc', None, None)
    """
    if choice == "auto":
        passage_level = bool(questions) and all(not e.quote for q in questions for e in q.relevant)
        return "doc" if passage_level else None
    return None if choice == "none" else choice
