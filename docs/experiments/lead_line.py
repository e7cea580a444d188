"""How often a lead line names the departments of a clause that answers (docs/search.md, "Lead line").

For the answerable department questions of a question file, over its corpus: the share of
lead-line items drawn from a relevant clause (precision) and the share of relevant clauses
with leads that reach the line (recall), for every hit of five (the old rule) and for
``index.answer.lead_hits`` (the shipped one). Run from the project root:

    .venv/bin/python docs/experiments/lead_line.py eval/queries/dev.jsonl data/notices
    .venv/bin/python docs/experiments/lead_line.py eval/queries/wild.jsonl ../shared/corpus/wild
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from eval.relevance import load_questions, norm
from index import Searcher
from index.answer import lead_hits
from ingest.departments import lead_names


def main(queries: str, corpus: str) -> None:
    """Print precision and recall of both rules."""
    searcher = Searcher.build(Path(corpus), None)
    questions = [q for q in load_questions(queries) if q.answerable]
    counts = {"every hit of five": [0, 0, 0], "lead_hits (shipped)": [0, 0, 0]}
    asked = 0
    for question, result in zip(questions, searcher.run([q.query for q in questions], 5), strict=True):
        if not result.info.asks_responsibility:
            continue
        asked += 1

        def relevant(hit: object, question: object = question) -> bool:
            return any(e.answered_by(hit.doc_id, norm(hit.text)) for e in question.relevant)  # type: ignore[attr-defined]

        wanted = sum(1 for h in result.hits if relevant(h) and lead_names(h.lead))
        for name, chosen in (("every hit of five", result.hits), ("lead_hits (shipped)", lead_hits(result.hits))):
            with_leads = [h for h in chosen if lead_names(h.lead)]
            counts[name][0] += sum(1 for h in with_leads if relevant(h))
            counts[name][1] += len(with_leads)
            counts[name][2] += wanted
    print(f"{asked} department questions")
    for name, (good, total, wanted) in counts.items():
        print(f"{name:20s} precision {good / max(total, 1):.3f} ({good}/{total})  recall {good / max(wanted, 1):.3f}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
