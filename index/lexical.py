"""Lexical retrieval: jieba tokens (with a user dictionary from the corpus) scored by BM25 (bm25s)."""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

#: Function words and question words that carry no topic (Chinese and English).
_CHINESE_STOPWORDS = (
    "的 了 和 与 及 或 是 在 对 等 把 被 将 从 向 于 以 之 其 为 由 并 且 而 也 都 要 又 就 这 那 该 各 个 些 "
    "哪 哪些 哪个 哪里 哪儿 什么 怎么 怎样 怎么样 如何 多少 多久 多长 几 几次 谁 吗 呢 吧 啊 呀 么 能 能不能 可以 "
    "有 有没有 是否 是不是 会 会不会 请问 一下 我 我们 你 你们 他 她 它 他们 有关 相关 进行"
)
_ENGLISH_STOPWORDS = (
    "the a an of to in on for and or is are was were be by with what which who whom whose how when where why "
    "does do did can could should would will this that these those it its from at as about into"
)
#: Function words and question words that carry no topic (Chinese and English).
STOPWORDS = frozenset(f"{_CHINESE_STOPWORDS} {_ENGLISH_STOPWORDS}".split(" "))
_TOKEN_OK = re.compile(r"[\w]", re.UNICODE)


def normalize_text(text: str) -> str:
    """NFKC (full-width → half-width), lower case; the form both corpus and queries are tokenised in."""
    return unicodedata.normalize("NFKC", text).lower()


class JiebaTokenizer:
    """Callable ``str -> list[str]``: jieba search-mode tokens without stopwords and punctuation.

    Terms from the corpus (department names, quoted terms such as “秦政通”, titles) are added
    to jieba's dictionary so they stay whole tokens.

    Example:
        >>> tok = JiebaTokenizer(["秦政通"])
        >>> tok("加快“秦政通”协同办公普及应用")
        ['加快', '政通', '秦政通', '协同', '办公', '普及', '应用']
    """

    def __init__(self, userwords: Iterable[str] = (), stopwords: Iterable[str] = STOPWORDS) -> None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        self.userwords = sorted({normalize_text(w).strip() for w in userwords if w and w.strip()})
        for word in self.userwords:
            if len(word) >= 2 and " " not in word:
                self._jieba.add_word(word)
        self.stopwords = frozenset(stopwords)

    def __call__(self, text: str) -> list[str]:
        """Tokens of ``text`` in order (search mode: long words also yield their parts)."""
        tokens = []
        for token in self._jieba.cut_for_search(normalize_text(text)):
            token = token.strip()
            if token and token not in self.stopwords and _TOKEN_OK.search(token):
                tokens.append(token)
        return tokens


class LexicalIndex:
    """BM25 over token lists (bm25s, sparse matrices, saved as .npy + JSON, no pickle)."""

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self._bm25 = None
        self.vocab: dict[str, int] = {}
        self.size = 0

    def build(self, docs: Sequence[list[str]]) -> LexicalIndex:
        """Index tokenised documents (position i is document i)."""
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets its own logger to DEBUG
        self.size = len(docs)
        self._bm25 = bm25s.BM25(k1=self.k1, b=self.b)
        self._bm25.index(list(map(list, docs)), show_progress=False)
        self.vocab = dict(self._bm25.vocab_dict)
        return self

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every document for one query (zeros when no token is known)."""
        ids = [self.vocab[t] for t in tokens if t in self.vocab]
        if not ids or self._bm25 is None:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(ids), dtype=np.float32)

    def search(self, tokens: Sequence[str], k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top ``k`` (document, score) pairs with a positive score, best first; ``mask`` keeps True rows."""
        scores = self.scores(tokens)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        return top_k(scores, k)

    def save(self, folder: Path) -> None:
        """Write the BM25 arrays and parameters into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        if self._bm25 is not None:
            self._bm25.save(str(folder), show_progress=False)
        (folder / "lexical.json").write_text(
            json.dumps({"size": self.size, "k1": self.k1, "b": self.b}), encoding="utf-8"
        )

    @classmethod
    def load(cls, folder: Path, mmap: bool = False) -> LexicalIndex:
        """Read an index written by :meth:`save`."""
        import bm25s

        info = json.loads((folder / "lexical.json").read_text(encoding="utf-8"))
        index = cls(info["k1"], info["b"])
        index.size = info["size"]
        if (folder / "params.index.json").is_file():
            index._bm25 = bm25s.BM25.load(str(folder), mmap=mmap, show_progress=False)
            index.vocab = dict(index._bm25.vocab_dict)
        return index


def top_k(scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """Indices of the ``k`` largest positive scores, best first (ties by index)."""
    positive = np.flatnonzero(scores > 0)
    if positive.size == 0 or k <= 0:
        return []
    if positive.size > k:
        part = np.argpartition(-scores[positive], k - 1)[:k]
        positive = positive[part]
    order = sorted(positive.tolist(), key=lambda i: (-float(scores[i]), i))
    return [(i, float(scores[i])) for i in order]
