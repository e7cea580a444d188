"""Draft the duty-note gold sample (eval/duties/gold.jsonl) for hand checking.

Run once, then every line was read against its note and corrected by hand (see
eval/duties/README.md). Kept so the sample can be re-drawn the same way; the gold file is
the checked result, not this script's output.

    python docs/experiments/draft_duty_gold.py ../shared/corpus/wild data/notices > draft.jsonl
"""

from __future__ import annotations

import json
import sys

import ingest
from eval.duties import note_form
from ingest.clean import squash
from ingest.duties import CONVENTION, extract_duties


def main(paths: list[str]) -> None:
    """Print one JSON line per chunk that carries a duty note: doc, quote, notes, form, lead, support."""
    for notice in ingest.load_notices(paths):
        texts = [squash(c.text) for c in notice.chunks]
        convention = False
        for chunk in notice.chunks:
            notes = extract_duties(chunk.text).notes
            if not notes:
                continue
            convention = convention or any(CONVENTION.search(n) for n in notes)
            form = note_form(notes[0])
            if convention and "牵头" not in "".join(notes):
                form = "convention: first named leads"
            quote = chunk.text[:20]
            size = 20
            while sum(squash(quote) in t for t in texts) > 1 and size < len(chunk.text):
                size += 20
                quote = chunk.text[:size]
            record = {
                "doc": notice.doc_id,
                "quote": quote,
                "notes": notes,
                "form": form,
                "lead": chunk.lead,
                "support": chunk.support,
            }
            print(json.dumps(record, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
