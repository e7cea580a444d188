"""What a search gives back: :class:`Hit` (a chunk with its score) and :class:`Answer`, and their JSON form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from index.stores.base import Facts
from index.views import cite_label
from ingest import Chunk
from ingest.departments import lead_names


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
    """

    query: str
    hits: list[Hit]
    abstained: bool
    asks_responsibility: bool
    leads: dict[str, list[tuple[str, list[str]]]] = field(default_factory=dict)
    led_work_of: list[str] = field(default_factory=list)

    def lead_line(self) -> str:
        """A line per notice naming its lead departments, e.g. "…要点：市行政审批服务局、市数据局牵头（第13项）"."""
        parts = []
        for notice, items in self.leads.items():
            described = "；".join(f"{'、'.join(lead)}牵头{_label_note(label)}" for label, lead in items)
            parts.append(f"{notice}：{described}")
        return "\n".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """The one JSON form of an answer, served by the web API and printed by ``python -m index search --json``.

        Keys: ``query``, ``abstained``, ``message`` (the refusal staff read, when abstained),
        ``asks_responsibility``, ``lead_line`` (the text shown to staff), ``leads`` (notice →
        [[item label, [departments]]]), ``led_work_of`` and ``hits`` (every chunk field plus
        ``score``, ``rank``, ``matched``).
        """
        return {
            "query": self.query,
            "abstained": self.abstained,
            "message": REFUSAL if self.abstained else "",
            "asks_responsibility": self.asks_responsibility,
            "lead_line": self.lead_line(),
            "leads": {notice: [[label, lead] for label, lead in items] for notice, items in self.leads.items()},
            "led_work_of": list(self.led_work_of),
            "hits": [h.to_dict() for h in self.hits],
        }


def _label_note(label: str) -> str:
    """How a label reads in a lead line: 13 → （第13项）, (十) → （十）, 第五条 → （第五条）."""
    cited = cite_label(label)
    return cited if not cited or cited.startswith("（") else f"（{cited}）"


def make_answer(
    query: str, hits: list[Hit], abstained: bool, asks_responsibility: bool, led_work_of: list[str] | None = None
) -> Answer:
    """The Answer for one searched query: no hits when it abstained; leads per notice."""
    if abstained:
        hits = []
    leads: dict[str, list[tuple[str, list[str]]]] = {}
    for hit in hits:
        named = lead_names(hit.lead)  # canonical forms; generic units are not departments
        if named:
            leads.setdefault(hit.title or hit.notice_title, []).append((hit.label, named))
    return Answer(query, hits, abstained, asks_responsibility, leads, list(led_work_of or []))
