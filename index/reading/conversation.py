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
#: A question that only asks for more of the same, nothing else.
_MORE = re.compile(
    r"^(?:那)?(?:还有(?:哪些|什么|别的|其他的?|吗|呢|没有)+|其他的?(?:呢|还有吗|有哪些)|别的呢|另外还有呢?|再多(?:给|列)?几条)$"
)
_ASKING_TEXT = (
    "是 是什么 是啥 什么 什么样 意思 指 指什么 有 有没有 哪些 哪个 哪 几 几个 几项 几次 几天 "
    "几年 多少 多久 多长 怎么 怎么办 怎么样 怎样 怎么做 如何 为什么 吗 呢 吧 啊 呀 了 的 得 "
    "地 和 与 及 还 又 都 也 再 就 会 要 能 能否 能不能 不能 不 可以 可不可以 需要 应该 "
    "请问 一下 一些 由 谁 谁来 来 哪里 何时 几时 什么时候 时候 到底 具体 主要 一般 这 那 么 "
    "还有 部门 单位 牵头 负责 配合 主管 责任 职责 完成 落实 推进 开展 做到 进展 时间 期限 时限 "
    "截止 做 搞 弄 用 管 设置 "
)
#: Words of what a question asks, not of what it is about (jieba words): taken out to find its
#: subject, or to see that it has none.
_ASKING = frozenset(_ASKING_TEXT.split())
_ASPECT_TEXT = (
    "条件 要求 原则 事项 范围 标准 材料 流程 程序 目标 任务 措施 办法 方式 内容 作用 意义 成员 "
    "对象 费用 金额 期限 地点 窗口 实施 执行 安排 组织 规定 依据 政策 限制 步骤 环节 情况 效果 "
    "好处 作用 区别 问题 困难 重点 方面 哪些方面 补贴 奖励 支持 资金 办法 "
)
#: Aspect words: what a follow-up asks about its subject (条件, 要求, 目标 …), never a subject of its own.
_ASPECTS = frozenset(_ASPECT_TEXT.split())
_SWITCH = re.compile(r"^(?:那么?|那如果是|如果是|换成|那对于|对于)?(?P<subject>.{2,20}?)(?:呢|怎么样|又如何|也一样吗)$")
#: Words that make "X呢" a question about nothing new ("什么呢", "怎么样呢").
_ONLY_ASKING_TEXT = "什么 怎么 怎么样 哪些 哪个 谁 多少 如何 为什么 是 的 那 这 么 呢"
_ONLY_ASKING = frozenset(_ONLY_ASKING_TEXT.split())
_TIME = re.compile(r"\d|[年月日季]|上半年|下半年|年底|年初")
_PUNCT = re.compile(r"[\s，。？！?!,.;；：:、“”\"'（）()]+")


def _words(text: str) -> list[str]:
    """Jieba's words of a text, punctuation and white space left out."""
    import logging

    import jieba

    logging.getLogger("jieba").setLevel(logging.WARNING)
    return [w for w in jieba.lcut(_PUNCT.sub(" ", text)) if w.strip()]


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


def subject(question: str, aspects: bool = False) -> str:
    """What a question is about: its words without what it asks (and, with ``aspects``, without 条件, 要求 …).

    >>> subject("秦政通是什么？"), subject("哪些部门负责12345热线"), subject("什么时候完成？")
    ('秦 政通', '12345 热线', '')
    >>> subject("医保基金智能审核是什么"), subject("有什么条件？", aspects=True)
    ('医保 基金 智能 审核', '')
    """
    text = _POINTER.sub("", _PUNCT.sub(" ", question).strip())
    dropped = _ASKING | (_ASPECTS if aspects else frozenset())
    return " ".join(w for w in _words(text) if w not in dropped and not _INNER_POINTER.fullmatch(w))


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
    topic = subject(previous.query, aspects=True)
    if not topic:
        return Reading(question, asked)
    joined = topic.replace(" ", "")
    pointer = _POINTER.match(asked)
    if pointer:
        return Reading(question, joined + asked[pointer.end() :], "pronoun", previous)
    inner = _INNER_POINTER.search(asked)
    if inner and not subject(asked[: inner.start()]):  # "那么它…", "请问这项工作…"
        return Reading(question, asked[: inner.start()] + joined + asked[inner.end() :], "pronoun", previous)
    switch = _SWITCH.match(_PUNCT.sub("", asked))
    if switch and any(w not in _ONLY_ASKING for w in _words(switch.group("subject"))):
        new = switch.group("subject")
        if _TIME.search(new):  # "到2030年呢": the same question, at another time
            return Reading(question, f"{previous.query.rstrip('？?。')}，{new}", "switch", previous)
        asking = "".join(w for w in _words(previous.query) if w not in set(topic.split()))
        return Reading(question, new + asking, "switch", previous)
    if not subject(asked, aspects=True):
        return Reading(question, f"{joined}，{asked}", "ellipsis", previous)
    return Reading(question, asked)
