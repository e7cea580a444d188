"""Tokens for BM25 and the rules: jieba search mode over normalised text, with the corpus's own words.

Normalisation (NFKC, lower case) is shared by the corpus and the questions; the stopwords are
function and question words in Chinese and English.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

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
_SPACE = re.compile(r"\s")


#: Full-width ASCII forms and the ideographic space, as NFKC maps them (each to one character of class 0).
_WIDE = {code: unicodedata.normalize("NFKC", chr(code)) for code in (*range(0xFF01, 0xFF5F), 0x3000)}


def normalize_text(text: str) -> str:
    """NFKC (full-width → half-width), lower case; the form both corpus and queries are tokenised in.

    Chinese text is rarely in NFKC only because of its full-width punctuation; mapping those
    first and checking the rest (a quick check) is NFKC's result at ≈ half its cost (1.7× on
    55k lines of the wild and laws corpora, identical on every one):

    >>> normalize_text("（一）推进１２３４５热线，Ｈｏｔｌｉｎｅ　服务") == unicodedata.normalize(
    ...     "NFKC", "（一）推进１２３４５热线，Ｈｏｔｌｉｎｅ　服务").lower()
    True
    >>> normalize_text("ﬁ㎡①") == unicodedata.normalize("NFKC", "ﬁ㎡①")  # other forms: NFKC itself
    True
    """
    mapped = text.translate(_WIDE)
    if unicodedata.is_normalized("NFKC", mapped):
        return mapped.lower()
    return unicodedata.normalize("NFKC", text).lower()


def dictionary_word(word: str) -> str | None:
    r"""The form a corpus term takes in the tokenizer's dictionary, or None if it cannot be a word.

    A term with white space in it cannot be one: jieba never sees white space inside a word, and
    the index's lexicon (a word and its frequency per line) would read a term broken over lines
    (“…指南(2021\n版)” from a wild notice's title) as two other words when the index is opened.

    >>> dictionary_word("秦政通"), dictionary_word("指南(2021\n版)"), dictionary_word("a\tb"), dictionary_word("热")
    ('秦政通', None, None, None)
    """
    word = normalize_text(word).strip()
    return word if len(word) >= 2 and not _SPACE.search(word) else None


@lru_cache(maxsize=1)
def _base_dictionary() -> Any:
    """The jieba dictionary as shipped, loaded once and never changed (word frequencies are computed against it)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    base = jieba.Tokenizer()
    base.initialize()
    return base


class JiebaTokenizer:
    """Callable ``str -> list[str]``: jieba search-mode tokens without stopwords and punctuation.

    Terms from the corpus (department names, quoted terms such as “秦政通”, titles) are added
    to jieba's dictionary so they stay whole tokens. Each term's frequency is computed against
    jieba's own dictionary alone and the dictionary total is left as it is, so a term changes
    the tokens only of texts that contain it, whatever else is in the dictionary: that is what
    lets an index add a notice without re-tokenising the corpus.

    Example:
        >>> tok = JiebaTokenizer(["秦政通"])
        >>> tok("加快“秦政通”协同办公普及应用")
        ['加快', '政通', '秦政通', '协同', '办公', '普及', '应用']
    """

    def __init__(
        self,
        userwords: Iterable[str] = (),
        stopwords: Iterable[str] = STOPWORDS,
        frequencies: Mapping[str, int] | None = None,
    ) -> None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()  # its own copy of the shipped dictionary; the shared one only if needed
        self.userwords: list[str] = []
        self.stopwords = frozenset(stopwords)
        self._set_words({w for w in map(dictionary_word, userwords) if w}, set(), frequencies or {})

    def frequencies(self) -> dict[str, int]:
        """Each user word's frequency in the dictionary (saved with an index, so a load need not recompute them)."""
        return {word: int(self._jieba.FREQ.get(word, 0)) for word in self.userwords}

    def with_words(self, added: Iterable[str] = (), removed: Iterable[str] = ()) -> JiebaTokenizer:
        """A copy of this tokenizer with dictionary words added and removed (this one is unchanged)."""
        copy = JiebaTokenizer.__new__(JiebaTokenizer)
        copy._jieba = type(self._jieba)()
        copy._jieba.FREQ = dict(self._jieba.FREQ)
        copy._jieba.total = self._jieba.total
        copy._jieba.initialized = True
        copy.userwords = list(self.userwords)
        copy.stopwords = self.stopwords
        copy._set_words({w for w in map(dictionary_word, added) if w}, {w for w in map(dictionary_word, removed) if w})
        return copy

    def _set_words(self, added: set[str], removed: set[str], known: Mapping[str, int] | None = None) -> None:
        """Add and remove dictionary words (the shipped dictionary is loaded only for an unknown frequency).

        An index opened for search knows every word's frequency (saved with it), so a searcher
        holds one copy of jieba's dictionary, not two (≈ 40 MiB less).
        """
        freq = self._jieba.FREQ
        known = known or {}
        for word in removed - added:
            freq[word] = _base_dictionary().FREQ.get(word, 0)  # 0 is what jieba reads as "not a word"
        for word in added:
            freq[word] = known[word] if word in known else _base_dictionary().suggest_freq(word, False)
            for end in range(1, len(word)):
                freq.setdefault(word[:end], 0)  # jieba's prefix entries
        self.userwords = sorted((set(self.userwords) - removed) | added)

    def __call__(self, text: str) -> list[str]:
        """Tokens of ``text`` in order (search mode: long words also yield their parts)."""
        return self.normalized(normalize_text(text))

    def normalized(self, text: str) -> list[str]:
        """Tokens of a text already in :func:`normalize_text`'s form (what ``self(text)`` returns)."""
        tokens = []
        for token in self._jieba.cut_for_search(text):
            token = token.strip()
            if token and token not in self.stopwords and _TOKEN_OK.search(token):
                tokens.append(token)
        return tokens


def containing(texts: Sequence[str], words: set[str]) -> list[int]:
    """Positions of the texts that contain any of ``words`` (normalised forms)."""
    if not words:
        return []
    wanted = sorted({normalize_text(w) for w in words}, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(w) for w in wanted))
    return [i for i, text in enumerate(texts) if pattern.search(text)]
