"""What a search gives back: :class:`Hit` (a chunk with its score) and :class:`Answer`, and their JSON form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from index.abstain import Evidence, is_latin
from index.reading.conversation import Reading
from index.stores.base import Facts
from index.views import cite_label
from ingest import Chunk
from ingest.departments import canonical, lead_names, specific


@dataclass
class Hit(Chunk):
    """A retrieved chunk: every chunk field plus its score, rank and matched terms.

    Attributes:
        score: The fused (or single-retriever) score; higher is better.
        rank: Position in the result list, from 1.
        matched: The query's terms found in the text, longest first.
    """

    score: float = 0.0
    rank: int = 0
    matched: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, facts: Facts, score: float, rank: int, tokens: list[str]) -> Hit:
        """The hit for a stored chunk: its score (rounded to 6 places), rank, and the query tokens its text holds."""
        matched = sorted({t for t in tokens if t in facts.normalized}, key=lambda t: (-len(t), t))
        return cls(**facts.chunk.to_dict(), score=round(float(score), 6), rank=rank, matched=matched)


#: What a refusal says, in the chat, the CLI, batch files and the API. It claims only what was
#: measured: nothing found is close enough. It never says the notices hold nothing about a
#: subject, which a search cannot know (a lay word the notices do not use is not a missing subject).
REFUSAL = "没有找到足够相关的条款。可以换一种说法，或缩小/放宽筛选条件再问。"
#: A refusal that also names the question's words that no searched notice uses (a fact, and a hint
#: for rewording), never as a claim about the subject.
REFUSAL_UNSEEN = "没有找到足够相关的条款。通知中没有出现这些词：“{words}”，可以换成通知里的说法再问。"
#: A refusal for a question about places none of the library's notices belongs to.
REFUSAL_PLACE = "没有找到足够相关的条款：通知库中没有{places}的通知，最接近的条款是其他地方的。"
#: The warning above an answer to a question about such places, answered from notices of no place.
PLACE_WARNING = "注意：通知库中没有{places}的通知。以下条款来自不注明地方的文件，是否适用于{places}请核对。"
#: How many closest clauses a refusal shows, under :data:`NEAREST_HEADING`.
NEAREST = 3
#: The heading over a refusal's closest clauses (chat and CLI): shown so staff can judge, never as an answer.
NEAREST_HEADING = "最接近的条款（不是答案，仅供参考）："
#: The lead line reads at most this many hits …
LEAD_HITS = 3
#: … each scoring at least this share of the best hit's score (docs/search.md, "Lead line").
LEAD_SHARE = 0.6


def _places(names: list[str]) -> str:
    return "、".join(f"“{n}”" for n in names)


def refusal_message(query: str, evidence: Evidence | None, foreign_places: list[str] | None = None) -> str:
    """What staff read when the search abstains: the places no notice belongs to, or the words no notice uses.

    >>> refusal_message("普通护照怎么申请", Evidence(0.85, 0.5, ("护照",), 2))
    '没有找到足够相关的条款。通知中没有出现这些词：“护照”，可以换成通知里的说法再问。'
    """
    if foreign_places:
        return REFUSAL_PLACE.format(places=_places(foreign_places))
    words = [w for w in (evidence.unseen if evidence is not None else ()) if len(w) >= 2]  # not 做, 才, 还
    if words and not is_latin(query):
        return REFUSAL_UNSEEN.format(words="”“".join(words[:3]))
    return REFUSAL


@dataclass
class Answer:
    """The hits for a question, whether the search abstained, and who leads what.

    Attributes:
        query: The question as asked.
        hits: Retrieved chunks, best first (empty when abstained).
        abstained: True when no clause matches well enough to answer.
        asks_responsibility: The question asks which department is responsible.
        leads: Per notice title, the (item label, lead departments) of the hits that name leads,
            departments in their canonical forms, generic units (各有关部门 …) left out.
        led_work_of: For "X牵头负责哪些工作" questions, the departments X (canonical); else empty.
        message: What a refusal says (empty for an answer).
        warning: What staff must know about an answer: the places the question names that no
            notice of the library belongs to (empty when none).
        reading: How a follow-up question was read against the turn before (None for a question
            that stands alone).
        nearest: When abstained, the closest clauses, shown as such: not answers, no lead line.
        wordings: Per notice title (the keys of ``leads``), a department's canonical name → that
            notice's own wording, where they differ. A note belongs to the notice it came from: two
            notices may write one department differently.
    """

    query: str
    hits: list[Hit]
    abstained: bool
    asks_responsibility: bool
    leads: dict[str, list[tuple[str, list[str]]]] = field(default_factory=dict)
    led_work_of: list[str] = field(default_factory=list)
    message: str = ""
    nearest: list[Hit] = field(default_factory=list)
    wordings: dict[str, dict[str, str]] = field(default_factory=dict)
    warning: str = ""
    reading: Reading | None = None

    @property
    def wording(self) -> dict[str, str]:
        """Deprecated (until the next release): one flat map over all notices; use :attr:`wordings`.

        Where two notices word one department differently, the first notice's wording is kept.
        """
        import warnings

        warnings.warn("Answer.wording is deprecated: use Answer.wordings (per notice)", DeprecationWarning, 2)
        return self._flat_wording()

    def _flat_wording(self) -> dict[str, str]:
        flat: dict[str, str] = {}
        for notes in self.wordings.values():
            for department, original in notes.items():
                flat.setdefault(department, original)
        return flat

    def lead_line(self) -> str:
        """A line per notice naming its lead departments, e.g. "…要点：市行政审批服务局、市数据局牵头（第13项）".

        A department is named in its canonical form, that notice's own wording beside it at its first
        mention in the notice's line where they differ: "市工业和信息化厅（原文：市工信厅）".
        """
        parts = []
        for notice, items in self.leads.items():
            notes, shown = self.wordings.get(notice, {}), set()

            def named(department: str, notes: dict[str, str] = notes, shown: set[str] = shown) -> str:
                original = notes.get(department)
                if not original or department in shown:
                    return department
                shown.add(department)  # the notice's wording once, at its first mention in that notice
                return f"{department}（原文：{original}）"

            described = "；".join(f"{'、'.join(map(named, lead))}牵头{_label_note(label)}" for label, lead in items)
            parts.append(f"{notice}：{described}")
        return "\n".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """The one JSON form of an answer, served by the web API and printed by ``python -m index search --json``.

        Keys: ``query``, ``abstained``, ``message`` (the refusal staff read, when abstained),
        ``warning`` (above an answer: the places asked about that no notice belongs to),
        ``reading`` (for a follow-up: ``text`` searched, ``follow_up`` kind, ``previous`` question; else null),
        ``asks_responsibility``, ``lead_line`` (the text shown to staff), ``leads`` (notice →
        [[item label, [canonical departments]]]), ``wordings`` (notice → {canonical → that notice's
        own form}, where they differ), ``wording`` (deprecated: the same merged over notices),
        ``led_work_of``, ``hits`` (every chunk field plus ``score``,
        ``rank``, ``matched``; empty when abstained) and ``nearest`` (when abstained, the closest
        clauses: not answers).
        """
        return {
            "query": self.query,
            "abstained": self.abstained,
            "message": self.message,
            "warning": self.warning,
            "reading": self.reading.to_dict() if self.reading else None,
            "asks_responsibility": self.asks_responsibility,
            "lead_line": self.lead_line(),
            "leads": {notice: [[label, lead] for label, lead in items] for notice, items in self.leads.items()},
            "wordings": {notice: dict(notes) for notice, notes in self.wordings.items()},
            "wording": self._flat_wording(),
            "led_work_of": list(self.led_work_of),
            "hits": [h.to_dict() for h in self.hits],
            "nearest": [h.to_dict() for h in self.nearest],
        }


def _label_note(label: str) -> str:
    """How a label reads in a lead line: 13 → （第13项）, (十) → （十）, 第五条 → （第五条）."""
    cited = cite_label(label)
    return cited if not cited or cited.startswith("（") else f"（{cited}）"


def make_answer(
    query: str,
    hits: list[Hit],
    abstained: bool,
    asks_responsibility: bool,
    led_work_of: list[str] | None = None,
    evidence: Evidence | None = None,
    foreign_places: list[str] | None = None,
) -> Answer:
    """The Answer for one searched query.

    When it abstained: no hits and no leads, the closest :data:`NEAREST` clauses as ``nearest``
    and the refusal message. Else leads per notice from the hits that answer: at most
    :data:`LEAD_HITS`, each scoring at least :data:`LEAD_SHARE` of the best. ``foreign_places``:
    the places the question names that no notice belongs to (the refusal's reason, or an answer's warning).
    """
    if abstained:
        return Answer(
            query, [], True, asks_responsibility, led_work_of=list(led_work_of or []),
            message=refusal_message(query, evidence, foreign_places), nearest=hits[:NEAREST],
        )  # fmt: skip
    leads: dict[str, list[tuple[str, list[str]]]] = {}
    wordings: dict[str, dict[str, str]] = {}
    for hit in lead_hits(hits):
        named = lead_names(hit.lead)  # canonical forms; generic units (各有关部门 …) are not departments
        if not named:
            continue
        notice = hit.title or hit.notice_title
        leads.setdefault(notice, []).append((hit.label, named))
        for original in specific(hit.lead):
            if canonical(original) != original:
                wordings.setdefault(notice, {}).setdefault(canonical(original), original)
    warning = PLACE_WARNING.format(places=_places(foreign_places)) if foreign_places else ""
    return Answer(
        query, hits, False, asks_responsibility, leads, list(led_work_of or []), wordings=wordings, warning=warning
    )


def lead_hits(hits: list[Hit]) -> list[Hit]:
    """The hits a lead line may read: the first :data:`LEAD_HITS` scoring ≥ :data:`LEAD_SHARE` of the best."""
    if not hits:
        return []
    bar = LEAD_SHARE * hits[0].score
    return [h for h in hits[:LEAD_HITS] if h.score >= bar]
