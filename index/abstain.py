"""When to refuse: the evidence a question has in the corpus, and the rule that weighs it.

Fused scores are normalised per question, so the best hit of any question looks strong. The
rule reads signals that mean the same thing across questions and corpora instead
(docs/search.md, "Abstention"):

- the **cosine over the null**: the best dense view's raw cosine less the *null* of the corpus
  searched, the mean best cosine that everyday questions no notice answers reach in it
  (:data:`NULL_QUESTIONS`, ``index/null_questions.txt``). A large corpus gives any question a
  higher best cosine than five notices do; over the null, the same bar holds for both;
- the **gap**: how far the best cosine stands above the mean of the dense candidates';
- the **coverage**: the share of the question's content words found in the best BM25 hit;
- the **likeness** to the null questions: the best cosine less the mean of the question's three
  best cosines with them (is it nearer the corpus, or nearer everyday chatter?).

The **unseen words** (content words no searched chunk holds) are named in a refusal as words, and
weighed by nothing: a lay word the notices do not use is not a missing subject.

Content words are the BM25 tokens without question and function words, and without a token
contained in a longer one of the same question (jieba's search mode gives 公积, 积金 and 公积金).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

from index.stores.base import Facts, Ranked

#: Everyday questions that no policy notice answers: the corpus's null (see the module docstring).
#: Written for this purpose; none is a question of any evaluation set.
NULL_QUESTIONS: tuple[str, ...] = tuple(
    line.strip()
    for line in (Path(__file__).with_name("null_questions.txt")).read_text(encoding="utf-8").splitlines()
    if line.strip()
)

_QUESTION_WORDS = (
    "怎么 怎么办 怎样 怎么样 如何 什么 哪些 哪个 哪里 哪儿 哪几 哪几种 几种 几个 几天 几次 多少 多久 多长 "
    "是否 能否 能不能 不能 可不可以 可以 需要 要 吗 呢 去 有没有 是不是 会不会 应该 为什么 谁 该 请问 一下 "
    "由谁 部门 单位 牵头 负责 主管 责任"
)
#: Question and function words beyond the BM25 stopwords that say nothing about the topic (nor
#: the words that ask who is responsible: which department leads is the question's form, not its subject).
QUESTION_WORDS = frozenset(_QUESTION_WORDS.split(" "))


def content_words(tokens: Iterable[str], places: Iterable[str] = ()) -> list[str]:
    """A question's content words: no question words, no place names, no token inside a longer one, each once.

    A place says where, not what: "今天汉中的天气怎么样" is not half covered by a notice of 汉中.

    >>> content_words(["公积", "积金", "公积金", "贷款", "怎么办", "贷款"])
    ['公积金', '贷款']
    >>> content_words(["今天", "汉中", "天气", "怎么样"], places=["汉中"])
    ['今天', '天气']
    """
    where = [p for p in places if p]
    words = [t for t in dict.fromkeys(tokens) if t not in QUESTION_WORDS and not any(t in p for p in where)]
    return [w for w in words if not any(w != other and w in other for other in words)]


@dataclass(frozen=True)
class Evidence:
    """What the corpus offers one question.

    Attributes:
        best_dense: The best dense cosine (raw, not normalised).
        coverage: The share of content words in the best BM25 hit's text and context.
        unseen: The content words no searched chunk holds.
        words: How many content words the question has.
        dense_gap: The best dense cosine less the mean of the dense candidates': how far the best
            stands out of the crowd (a question about nothing here finds a flat crowd).
        lexical_peak: The best BM25 score in standard deviations above the mean of the BM25 candidates'.
        agreement: 1 / the rank of the best dense chunk in the BM25 candidates (0 when not among them).
        null: The corpus's null: the mean best cosine of :data:`NULL_QUESTIONS` in what was searched.
        likeness: How like the null questions the question is: the mean of its three best cosines with them.
    """

    best_dense: float
    coverage: float
    unseen: tuple[str, ...] = ()
    words: int = 0
    dense_gap: float = 0.0
    lexical_peak: float = 0.0
    agreement: float = 0.0
    null: float = 0.0
    likeness: float = 0.0

    @property
    def over_likeness(self) -> float:
        """The best dense cosine less the question's likeness to the null questions: nearer the corpus, or chatter?"""
        return self.best_dense - self.likeness

    @property
    def over_null(self) -> float:
        """The best dense cosine less the corpus's null (the best cosine itself when no null was measured)."""
        return self.best_dense - self.null

    @property
    def unseen_share(self) -> float:
        """The share of content words the corpus never uses (0 for a question without any)."""
        return len(self.unseen) / self.words if self.words else 0.0


def gather(
    dense: Ranked,
    lexical: Ranked,
    words: Sequence[str],
    facts: Mapping[Hashable, Facts],
    seen: Iterable[str],
    null: float = 0.0,
    likeness: float = 0.0,
) -> Evidence:
    """The evidence for one question from its ranked lists, its content words and the words the corpus holds.

    ``facts`` must hold the best BM25 hit's key (else its coverage counts as 0); ``seen`` holds
    the content words that occur in at least one searched chunk.
    """
    best_dense = dense[0][1] if dense else 0.0
    top = facts.get(lexical[0][0]) if lexical else None
    coverage = sum(1 for w in words if w in top.context) / len(words) if top is not None and words else 0.0
    known = set(seen)
    gap = float(best_dense - np.mean([s for _, s in dense])) if dense else 0.0
    scores = np.array([s for _, s in lexical], dtype=float)
    peak = float((scores[0] - scores.mean()) / scores.std()) if scores.size > 1 and scores.std() > 0 else 0.0
    rank = next((n for n, (key, _) in enumerate(lexical, 1) if dense and key == dense[0][0]), 0)
    return Evidence(
        float(best_dense), coverage, tuple(w for w in words if w not in known), len(words),
        dense_gap=gap, lexical_peak=peak, agreement=1.0 / rank if rank else 0.0, null=null, likeness=likeness,
    )  # fmt: skip


def corpus_null(store: Any, vectors: np.ndarray, where: Any) -> float:
    """The null of what ``where`` selects: the mean best cosine of the null questions' vectors (0 for no chunk)."""
    ranked = store.dense_search(vectors, 1, where)
    best = [r[0][1] for r in ranked if r]
    return float(np.mean(best)) if best else 0.0


#: How many of the null questions' best cosines a question's likeness to them averages.
LIKENESS_TOP = 3


def null_likeness(queries: np.ndarray, null_vectors: np.ndarray) -> list[float]:
    """Per question vector, the mean of its :data:`LIKENESS_TOP` best cosines with the null questions' vectors."""
    if not len(queries) or not len(null_vectors):
        return [0.0] * len(queries)
    cosines = np.sort(queries @ null_vectors.T, axis=1)[:, -LIKENESS_TOP:]
    return [float(v) for v in cosines.mean(axis=1)]


class NullCache:
    """A searcher's nulls, one per filter set (a filter changes what is searched), the newest few kept.

    The null questions are encoded once per searcher; a null costs one dense search of them.
    """

    KEPT = 64

    def __init__(self) -> None:
        self._vectors: np.ndarray | None = None
        self._nulls: dict[str, float] = {}

    def vectors(self, embedder: Any) -> np.ndarray:
        """The null questions' vectors (encoded once)."""
        if self._vectors is None:
            self._vectors = np.asarray(embedder.encode(list(NULL_QUESTIONS), query=True), dtype=np.float32)
        return self._vectors

    def likeness(self, embedder: Any, queries: np.ndarray) -> list[float]:
        """Per question vector, the mean of its :data:`LIKENESS_TOP` best cosines with the null questions."""
        return null_likeness(np.asarray(queries, dtype=np.float32), self.vectors(embedder))

    def get(self, store: Any, embedder: Any, where: Any, filters: Any) -> float:
        """The null of ``store`` under ``where`` (``filters`` is its key)."""
        import json

        key = json.dumps(filters, sort_keys=True, ensure_ascii=False, default=str)
        if key not in self._nulls:
            self.vectors(embedder)
            if len(self._nulls) >= self.KEPT:
                self._nulls.pop(next(iter(self._nulls)))
            self._nulls[key] = corpus_null(store, self._vectors, where)
        return self._nulls[key]


def seen_words(store: Any, words: Iterable[str], where: Any) -> set[str]:
    """The words that at least one chunk under ``where`` holds: one single-word BM25 probe each, any store."""
    probe = sorted(set(words))
    found = store.lexical_search([[w] for w in probe], 1, where) if probe else []
    return {w for w, hits in zip(probe, found, strict=True) if hits}


#: The features the rule weighs, in the order of its weights.
FEATURES = ("over_null", "dense_gap", "coverage", "over_likeness")


@dataclass(frozen=True)
class AbstainRule:
    """Refuse when the evidence's score is below zero: a logistic model over :data:`FEATURES`.

    Fitted by ``python -m eval.abstain`` on answerable questions and on questions no notice
    answers (everyday ones, and other corpora's questions asked of each corpus), leaving each
    corpus out in turn to see that it holds on one it never saw (docs/search.md, "Abstention");
    the weights here are the fit on all of them, the threshold folded into ``bias``.

    Attributes:
        over_null: Weight of the best cosine over the corpus's null.
        dense_gap: Weight of the best cosine's lead over the dense candidates' mean.
        coverage: Weight of the share of content words in the best BM25 hit.
        over_likeness: Weight of the best cosine over the question's likeness to the null questions.
        bias: The constant, with the threshold in it.
        latin_offset: Added to the cosine over the null for a question in Latin letters: e5's
            cosines across languages are lower by about this much.
    """

    over_null: float = 72.413
    dense_gap: float = 64.948
    coverage: float = 2.354
    over_likeness: float = -3.559
    bias: float = -4.298
    latin_offset: float = 0.0925

    @classmethod
    def from_settings(cls, stored: Mapping[str, Any] | None) -> AbstainRule:
        """The rule an index records, or today's when it records another rule's fields (an older index)."""
        names = {f.name for f in fields(cls)}
        if stored and set(stored) == names:
            return cls(**stored)
        return cls()

    def features(self, query: str, evidence: Evidence) -> tuple[float, ...]:
        """The evidence as the rule reads it (:data:`FEATURES`), the Latin offset applied."""
        over = evidence.over_null + (self.latin_offset if is_latin(query) else 0.0)
        return over, evidence.dense_gap, evidence.coverage, evidence.over_likeness

    def score(self, query: str, evidence: Evidence) -> float:
        """The evidence for an answer: above 0 it answers, below it refuses."""
        weights = (self.over_null, self.dense_gap, self.coverage, self.over_likeness)
        return self.bias + sum(w * x for w, x in zip(weights, self.features(query, evidence), strict=True))

    def abstains(self, query: str, evidence: Evidence) -> bool:
        """True when the evidence does not support an answer.

        A clause that holds every content word of the question (two or more) is always evidence
        enough, whatever the encoder says: on the eight benchmarks of ``python -m eval.abstain``
        438 answerable questions have one and no off-topic question does.
        """
        if evidence.words >= 2 and evidence.coverage >= 1.0:
            return False
        return self.score(query, evidence) < 0


def is_latin(text: str) -> bool:
    """Mostly Latin letters (an English question), as opposed to CJK.

    >>> is_latin("How long does it take to register a new company?"), is_latin("Python里怎么安装numpy")
    (True, False)
    """
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return latin > 3 * cjk
