"""What a search gives back: :class:`Hit` (a chunk with its score) and :class:`Answer`, and their JSON form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from index.abstain import Evidence, is_latin
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


#: What a refusal says, in the chat, the CLI, batch files and the API.
REFUSAL = "没有找到匹配的条款：这些通知中没有回答这个问题的条款。请换一种说法，或缩小/放宽筛选条件。"
#: A refusal that can name the question's words no notice uses.
REFUSAL_UNSEEN = "没有找到匹配的条款：这些通知中没有关于“{words}”的条款。"
#: How many closest clauses a refusal shows, under :data:`NEAREST_HEADING`.
NEAREST = 3
#: The heading over a refusal's closest clauses (chat and CLI): shown so staff can judge, never as an answer.
NEAREST_HEADING = "最接近的条款（不是答案，仅供参考）："
#: The lead line reads at most this many hits …
LEAD_HITS = 3
#: … each scoring at least this share of the best hit's score (docs/search.md, "Lead line").
LEAD_SHARE = 0.6


def refusal_message(query: str, evidence: Evidence | None) -> str:
    """What staff read when the search abstains, naming the words no searched notice uses.

    >>> refusal_message("普通护照怎么申请", Evidence(0.85, 0.5, ("护照",), 2))
    '没有找到匹配的条款：这些通知中没有关于“护照”的条款。'
    """
    if evidence is not None and evidence.unseen and not is_latin(query):
        return REFUSAL_UNSEEN.format(words="”“".join(evidence.unseen[:3]))
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
        nearest: When abstained, the closest clauses, shown as such: not answers, no lead line.
        wording: A department's canonical name → the notice's own wording, where they differ.
    """

    query: str
    hits: list[Hit]
    abstained: bool
    asks_responsibility: bool
    leads: dict[str, list[tuple[str, list[str]]]] = field(default_factory=dict)
    led_work_of: list[str] = field(default_factory=list)
    message: str = ""
    nearest: list[Hit] = field(default_factory=list)
    wording: dict[str, str] = field(default_factory=dict)

    def lead_line(self) -> str:
        """A line per notice naming its lead departments, e.g. "…要点：市行政审批服务局、市数据局牵头（第13项）".

        A department is named in its canonical form, the notice's wording beside it at its first
        mention where it differs: "市工业和信息化厅（原文：市工信厅）".
        """
        parts, shown = [], set()

        def named(department: str) -> str:
            original = self.wording.get(department)
            if not original or department in shown:
                return department
            shown.add(department)  # the notice's wording once, at the first mention
            return f"{department}（原文：{original}）"

        for notice, items in self.leads.items():
            described = "；".join(f"{'、'.join(map(named, lead))}牵头{_label_note(label)}" for label, lead in items)
            parts.append(f"{notice}：{described}")
        return "\n".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """The one JSON form of an answer, served by the web API and printed by ``python -m index search --json``.

        Keys: ``query``, ``abstained``, ``message`` (the refusal staff read, when abstained),
        ``asks_responsibility``, ``lead_line`` (the text shown to staff), ``leads`` (notice →
        [[item label, [canonical departments]]]), ``wording`` (canonical → the notice's own
        form, where they differ), ``led_work_of``, ``hits`` (every chunk field plus ``score``,
        ``rank``, ``matched``; empty when abstained) and ``nearest`` (when abstained, the closest
        clauses: not answers).
        """
        return {
            "query": self.query,
            "abstained": self.abstained,
            "message": self.message,
            "asks_responsibility": self.asks_responsibility,
            "lead_line": self.lead_line(),
            "leads": {notice: [[label, lead] for label, lead in items] for notice, items in self.leads.items()},
            "wording": dict(self.wording),
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
) -> Answer:
    """The Answer for one searched query.

    When it abstained: no hits and no leads, the closest :data:`NEAREST` clauses as ``nearest``
    and the refusal message. Else leads per notice from the hits that answer: at most
    :data:`LEAD_HITS`, each scoring at least :data:`LEAD_SHARE` of the best.
    """
    if abstained:
        return Answer(
            query, [], True, asks_responsibility, led_work_of=list(led_work_of or []),
            message=refusal_message(query, evidence), nearest=hits[:NEAREST],
        )  # fmt: skip
    leads: dict[str, list[tuple[str, list[str]]]] = {}
    wording: dict[str, str] = {}
    for hit in lead_hits(hits):
        named = lead_names(hit.lead)  # canonical forms; generic units (各有关部门 …) are not departments
        for original in specific(hit.lead):
            if canonical(original) != original:
                wording.setdefault(canonical(original), original)
        if named:
            leads.setdefault(hit.title or hit.notice_title, []).append((hit.label, named))
    return Answer(query, hits, False, asks_responsibility, leads, list(led_work_of or []), wording=wording)


def lead_hits(hits: list[Hit]) -> list[Hit]:
    """The hits a lead line may read: the first :data:`LEAD_HITS` scoring ≥ :data:`LEAD_SHARE` of the best."""
    if not hits:
        return []
    bar = LEAD_SHARE * hits[0].score
    return [h for h in hits[:LEAD_HITS] if h.score >= bar]
