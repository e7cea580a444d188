"""When to refuse: the evidence a question has in the corpus, and the rule that weighs it.

Fused scores are normalised per question, so the best hit of any question looks strong. The
rule reads signals that mean the same thing across questions instead (docs/search.md,
"Abstention"):

- the **raw cosine** of the best dense view;
- the **coverage**: the share of the question's content words found in the best BM25 hit;
- the **unseen words**: content words no searched chunk holds at all (a question about 护照
  over notices that never mention 护照). They also name what is missing in the refusal.

Content words are the BM25 tokens without question and function words, and without a token
contained in a longer one of the same question (jieba's search mode gives 公积, 积金 and 公积金).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from index.stores.base import Facts, Ranked

_QUESTION_WORDS = (
    "怎么 怎么办 怎样 怎么样 如何 什么 哪些 哪个 哪里 哪儿 哪几 哪几种 几种 几个 几天 几次 多少 多久 多长 "
    "是否 能否 能不能 不能 可不可以 可以 需要 要 吗 呢 去 有没有 是不是 会不会 应该 为什么 谁 该 请问 一下 "
    "由谁 部门 单位 牵头 负责 主管 责任"
)
#: Question and function words beyond the BM25 stopwords that say nothing about the topic (nor
#: the words that ask who is responsible: which department leads is the question's form, not its subject).
QUESTION_WORDS = frozenset(_QUESTION_WORDS.split(" "))


def content_words(tokens: Iterable[str]) -> list[str]:
    """A question's content words: no question words, no token inside a longer one, each once.

    >>> content_words(["公积", "积金", "公积金", "贷款", "怎么办", "贷款"])
    ['公积金', '贷款']
    """
    words = [t for t in dict.fromkeys(tokens) if t not in QUESTION_WORDS]
    return [w for w in words if not any(w != other and w in other for other in words)]


@dataclass(frozen=True)
class Evidence:
    """What the corpus offers one question.

    Attributes:
        best_dense: The best dense cosine (raw, not normalised).
        coverage: The share of content words in the best BM25 hit's text and context.
        unseen: The content words no searched chunk holds.
        words: How many content words the question has.
    """

    best_dense: float
    coverage: float
    unseen: tuple[str, ...] = ()
    words: int = 0

    @property
    def unseen_share(self) -> float:
        """The share of content words the corpus never uses (0 for a question without any)."""
        return len(self.unseen) / self.words if self.words else 0.0


def gather(
    dense: Ranked, lexical: Ranked, words: Sequence[str], facts: Mapping[Hashable, Facts], seen: Iterable[str]
) -> Evidence:
    """The evidence for one question from its ranked lists, its content words and the words the corpus holds.

    ``facts`` must hold the best BM25 hit's key (else its coverage counts as 0); ``seen`` holds
    the content words that occur in at least one searched chunk.
    """
    best_dense = dense[0][1] if dense else 0.0
    top = facts.get(lexical[0][0]) if lexical else None
    coverage = sum(1 for w in words if w in top.context) / len(words) if top is not None and words else 0.0
    known = set(seen)
    return Evidence(float(best_dense), coverage, tuple(w for w in words if w not in known), len(words))


def seen_words(store: Any, words: Iterable[str], where: Any) -> set[str]:
    """The words that at least one chunk under ``where`` holds: one single-word BM25 probe each, any store."""
    probe = sorted(set(words))
    found = store.lexical_search([[w] for w in probe], 1, where) if probe else []
    return {w for w, hits in zip(probe, found, strict=True) if hits}


@dataclass(frozen=True)
class AbstainRule:
    """Refuse when neither retriever finds real support, or the question's words are not in the corpus.

    Chosen by ``python -m eval.abstain`` on one half of six question sets and reported on the
    other (docs/search.md, "Abstention"). e5's cosines are lower across languages, so a
    question written in Latin letters has its own dense bar and no unseen-word test (a Chinese
    corpus holds no English words).

    Attributes:
        min_dense: Refuse when the best dense cosine is below this …
        min_coverage: … and the best BM25 hit holds less than this share of the content words;
        max_unseen: or when this share of the content words (or more) is unseen …
        unseen_dense: … and the best dense cosine is below this.
        min_dense_latin: The dense bar for a question in Latin letters (with ``min_coverage``).
    """

    min_dense: float = 0.8775
    min_coverage: float = 0.8
    max_unseen: float = 0.34
    unseen_dense: float = 0.915
    min_dense_latin: float = 0.785

    @classmethod
    def from_settings(cls, stored: Mapping[str, Any] | None) -> AbstainRule:
        """The rule an index records, or today's when it records another rule's fields (an older index)."""
        names = {f.name for f in fields(cls)}
        if stored and set(stored) == names:
            return cls(**stored)
        return cls()

    def abstains(self, query: str, evidence: Evidence) -> bool:
        """True when the evidence does not support an answer."""
        weak = evidence.coverage < self.min_coverage
        if is_latin(query):
            return evidence.best_dense < self.min_dense_latin and weak
        if evidence.unseen_share >= self.max_unseen and evidence.best_dense < self.unseen_dense:
            return True
        return evidence.best_dense < self.min_dense and weak


def is_latin(text: str) -> bool:
    """Mostly Latin letters (an English question), as opposed to CJK.

    >>> is_latin("How long does it take to register a new company?"), is_latin("Python里怎么安装numpy")
    (True, False)
    """
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return latin > 3 * cjk
