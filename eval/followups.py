r"""``python -m eval.followups``: two-turn conversations, the follow-up answered with and without the turn before.

``eval/queries/followups.jsonl`` holds conversations written over the bundled notices and the wild
corpus, one a line: ``{"id", "corpus": "bundled"|"wild", "history": [first question], "query":
follow-up, "kind": pronoun|ellipsis|switch|more, "relevant": [{"doc", "quote"}]}``. The first
question is answered as staff would ask it; the follow-up is then asked with that turn (its
question and the clauses it showed) and alone, as the chat saw it before. A follow-up counts when
a relevant clause is among its first three hits and it is not refused.

    python -m eval.followups --corpus bundled data/notices --corpus wild ../shared/corpus/wild

A corpus may be an index directory (one with ``manifest.json``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from index.paths import ROOT

#: The conversations.
CONVERSATIONS = ROOT / "eval" / "queries" / "followups.jsonl"
#: A follow-up counts when a relevant clause is among this many first hits.
TOP = 3


def load(path: Path = CONVERSATIONS) -> list[dict[str, Any]]:
    """The conversations of a JSON Lines file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def measure(searcher: Any, conversations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per conversation: whether the follow-up is answered right in the top :data:`TOP`, with the turn and alone."""
    from eval.relevance import Entry, Question, answered_ranks
    from index.reading.conversation import Turn

    rows = []
    for talk in conversations:
        question = Question(
            talk["id"], talk["query"], talk["kind"], [Entry(e["doc"], e.get("quote")) for e in talk["relevant"]]
        )
        turns = []
        for earlier in talk["history"]:
            first = searcher.answer(earlier, k=5, history=turns)
            turns.append(Turn(first.reading.text if first.reading else earlier, tuple(h.id for h in first.hits)))
        row = {"id": talk["id"], "kind": talk["kind"], "query": talk["query"]}
        for name, history in (("with_turn", turns), ("alone", None)):
            answer = searcher.answer(talk["query"], k=TOP, history=history)
            ranks = answered_ranks(question, [(h.doc_id, h.text) for h in answer.hits])
            row[name] = bool(not answer.abstained and any(r is not None for r in ranks))
            row[f"{name}_refused"] = answer.abstained
            if name == "with_turn":
                row["read_as"] = answer.reading.text if answer.reading else talk["query"]
        rows.append(row)
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    """Markdown: per follow-up kind, the share answered right (top 3) with the turn and alone, and refusals alone."""
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_kind[row["kind"]].append(row)
    lines = ["| kind | n | right in top 3, with the turn | alone | refused alone |", "|---|---|---|---|---|"]
    for kind, got in [*sorted(by_kind.items()), ("all", rows)]:
        n = len(got)
        cells = [sum(r[k] for r in got) for k in ("with_turn", "alone", "alone_refused")]
        lines.append(f"| {kind} | {n} | " + " | ".join(f"{c} ({100 * c / n:.0f} %)" for c in cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Answer every conversation over its corpus and print the table, then each follow-up missed."""
    parser = argparse.ArgumentParser(prog="python -m eval.followups", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", nargs=2, action="append", metavar=("NAME", "PATH"), required=True,
        help="a corpus the conversations name (bundled, wild): its files or an index directory",
    )  # fmt: skip
    parser.add_argument("--conversations", type=Path, default=CONVERSATIONS)
    args = parser.parse_args(argv)

    from index import Searcher

    talks = load(args.conversations)
    rows = []
    for name, path in args.corpus:
        folder = Path(path)
        searcher = Searcher.open(folder) if (folder / "manifest.json").is_file() else Searcher.build(folder, None)
        rows += measure(searcher, [t for t in talks if t["corpus"] == name])
    print(table(rows))
    for row in rows:
        if not row["with_turn"]:
            print(f"missed {row['id']} ({row['kind']}): {row['query']} → read as {row['read_as']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
