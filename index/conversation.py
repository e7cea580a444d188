"""Follow-up questions: a question read against the turn before it.

Staff ask in turns: "秦政通是什么", then "它由哪个部门牵头？什么时候完成？". Alone, the second
question names nothing to search for. :func:`read` tells what kind of follow-up a question is and
writes it out in full from the previous turn's question (as it was read) before it is searched:

- **pronoun**: it points back (它, 这项工作, 该项, 上述, 此事 …): the pointer becomes the previous
  question's subject: "秦政通由哪个部门牵头？什么时候完成？";
- **ellipsis**: it names no subject of its own ("什么时候完成？", "谁牵头？", "有什么要求"): the
  previous subject is put before it: "秦政通，什么时候完成？";
- **switch**: it asks the same of another subject ("那简易注销呢" after "企业开办要多久"): the
  previous question is asked of the new subject: "简易注销要多久";
- **more**: it asks for more of the same ("还有哪些？", "其他的呢"): the previous question is
  searched again and the clauses already shown are left out.

Any other question stands alone, whatever came before. The previous turn's answered clause is
carried too: the searcher ranks it first among equals for a pronoun or an ellipsis, since that is
what "它" points to.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, TypeVar

#: How many earlier turns a reading looks at (the last one that is not itself empty).
MAX_HISTORY = 20
#: A turn's question is cut to this many characters (history comes from clients).
MAX_TURN_CHARS = 500


class _Ranked(Protocol):
    id: str
    rank: int


H = TypeVar("H", bound=_Ranked)

_POINTER = re.compile(
    r"^(?:那么?|那这个|请问)?(它们|它|这项工作|这项任务|这项改革|这件事|这个事|这个工作|这个|这项|这些|该项工作|该项|该工作|该事项|"
    r"此项工作|此项|此事|上述工作|上述|以上工作|前面说的|刚才说的|那个|那项)"
)
_INNER_POINTER = re.compile(r"(它们|它|这项工作|这项任务|这件事|该项工作|该项|此项工作|此项|上述工作)")
_MORE = re.compile(
    r"^(?:那)?(?:还有(?:哪些|什么|别的|其他的?|吗|呢|没有)|其他的?(?:呢|还有吗|有哪些)|别的呢|另外还有|再多(?:给|列)?几条)"
)
#: What a question asks, not what it is about: taken out to find its subject, or to see that it has none.
_ASKING_WORDS = [
    "是什么",
    "是啥",
    "什么意思",
    "指什么",
    "有哪些",
    "有什么",
    "哪些",
    "什么",
    "怎么办",
    "怎么样",
    "怎么做",
    "怎么",
    "如何",
    "要求",
    "具体",
    "内容",
    "措施",
    "由哪个部门",
    "由哪些部门",
    "哪个部门",
    "哪些部门",
    "由谁",
    "谁来",
    "谁",
    "牵头",
    "负责",
    "配合",
    "部门",
    "单位",
    "主管",
    "什么时候",
    "何时",
    "几时",
    "多久",
    "多少",
    "几次",
    "几天",
    "几个",
    "期限",
    "时限",
    "截止",
    "完成",
    "落实",
    "推进",
    "开展",
    "做到",
    "进展",
    "时间",
    "吗",
    "呢",
    "吧",
    "啊",
    "呀",
    "了",
    "的",
    "是",
    "有",
    "要",
    "能",
    "可以",
    "需要",
    "请问",
    "一下",
    "和",
    "与",
    "及",
    "还",
    "又",
    "都",
    "也",
    "再",
]
_ASKING = re.compile("|".join(sorted(_ASKING_WORDS, key=len, reverse=True)))
_SWITCH = re.compile(r"^(?:那么?|那如果是|如果是|换成)?(?P<subject>.{2,20}?)(?:呢|怎么样|又如何|也一样吗)$")
_PUNCT = re.compile(r"[\s，。？！?!,.;；：:、“”\"'（）()]+")


@dataclass(frozen=True)
class Turn:
    """One earlier turn: its question as it was read, and the clauses its answer showed.

    Attributes:
        query: The question as read (a follow-up written out in full).
        chunk_ids: The clauses the answer showed, best first (the first is what "它" points to).
    """

    query: str
    chunk_ids: tuple[str, ...] = ()

    @classmethod
    def of(cls, item: Any) -> Turn:
        """A turn from a client's history: a question string, or ``{"query", "chunk_ids"?}``.

        Raises:
            ValueError: naming what is wrong with the item.
        """
        if isinstance(item, Turn):
            return item
        if isinstance(item, str):
            return cls(item[:MAX_TURN_CHARS])
        if isinstance(item, dict) and isinstance(item.get("query"), str):
            ids = item.get("chunk_ids") or []
            if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
                raise ValueError("a history turn's chunk_ids must be a list of chunk ids (strings)")
            return cls(item["query"][:MAX_TURN_CHARS], tuple(ids[:50]))
        raise ValueError('a history turn is a question string or {"query": …, "chunk_ids": […]}')


@dataclass(frozen=True)
class Reading:
    """How a question was read.

    Attributes:
        question: The question as asked.
        text: What is searched: the question, or the follow-up written out in full.
        follow_up: "" (it stands alone), "pronoun", "ellipsis", "switch" or "more".
        previous: The turn it was read against (None when it stands alone).
        exclude: Clauses not to show again (a "more" question: those shown before).
    """

    question: str
    text: str
    follow_up: str = ""
    previous: Turn | None = None
    exclude: tuple[str, ...] = field(default_factory=tuple)

    @property
    def prefer(self) -> str | None:
        """The clause the question points to: the previous answer's first (pronoun and ellipsis)."""
        if self.follow_up in ("pronoun", "ellipsis") and self.previous and self.previous.chunk_ids:
            return self.previous.chunk_ids[0]
        return None

    def arrange(self, hits: Sequence[H]) -> list[H]:
        """Hits without those shown before (a "more" question), the clause pointed to first; ranks from 1."""
        kept = [h for h in hits if h.id not in set(self.exclude)]
        pointed = [h for h in kept if h.id == self.prefer]
        ordered = pointed + [h for h in kept if h.id != self.prefer]
        return [replace(h, rank=n) for n, h in enumerate(ordered, 1)]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``text`` (what was searched), ``follow_up`` and the ``previous`` question."""
        return {
            "text": self.text,
            "follow_up": self.follow_up,
            "previous": self.previous.query if self.previous else None,
        }


def subject(question: str) -> str:
    """What a question is about: the question without what it asks.

    >>> subject("秦政通是什么？"), subject("哪些部门负责12345热线"), subject("什么时候完成？")
    ('秦政通', '12345热线', '')
    """
    text = _PUNCT.sub(" ", question)
    text = _POINTER.sub("", text.strip())
    text = _ASKING.sub(" ", text)
    return " ".join(text.split())


def read(question: str, history: Sequence[Turn | str | dict[str, Any]] | None = None) -> Reading:
    """Read a question against the turns before it (oldest first); see the module's docstring.

    >>> read("它由哪个部门牵头？", ["秦政通是什么"]).text
    '秦政通由哪个部门牵头？'
    >>> read("什么时候完成？", ["秦政通是什么"]).text
    '秦政通，什么时候完成？'
    >>> r = read("还有哪些？", [{"query": "哪些部门负责12345热线", "chunk_ids": ["a", "b"]}])
    >>> r.text, r.follow_up, r.exclude
    ('哪些部门负责12345热线', 'more', ('a', 'b'))
    >>> read("那简易注销呢", ["企业开办要多久"]).text
    '简易注销要多久'
    >>> read("营业执照怎么办", ["秦政通是什么"]).follow_up
    ''
    """
    turns = [Turn.of(t) for t in (history or [])[-MAX_HISTORY:]]
    previous = next((t for t in reversed(turns) if t.query.strip()), None)
    asked = question.strip()
    if previous is None:
        return Reading(question, asked)
    if _MORE.match(_PUNCT.sub("", asked)):
        return Reading(question, previous.query, "more", previous, previous.chunk_ids)
    topic = subject(previous.query)
    if not topic:
        return Reading(question, asked)
    pointer = _POINTER.match(asked)
    if pointer:
        return Reading(question, topic + asked[pointer.end() :], "pronoun", previous)
    inner = _INNER_POINTER.search(asked)
    if inner and not subject(asked[: inner.start()]):  # "那么它…", "请问这项工作…"
        return Reading(question, asked[: inner.start()] + topic + asked[inner.end() :], "pronoun", previous)
    if not subject(asked):
        return Reading(question, f"{topic}，{asked}", "ellipsis", previous)
    switch = _SWITCH.match(_PUNCT.sub("", asked))
    if switch and subject(switch.group("subject")):
        asking = previous.query
        for word in topic.split():
            asking = asking.replace(word, "")
        return Reading(question, switch.group("subject") + asking, "switch", previous)
    return Reading(question, asked)
