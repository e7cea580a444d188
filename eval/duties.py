"""Precision and recall of lead and support departments on a hand-checked sample of duty notes.

``python -m eval.duties`` parses the notices the gold sample comes from (by default the wild
corpus in ``../shared/corpus/wild`` and the bundled notices), finds each gold chunk by its
doc_id and quote, and compares the chunk's ``lead`` and ``support`` with the gold names.
It also writes the task tables of ``eval/duties/tables.json`` as .docx, .xlsx and .html files
(merged cells, repeated headers, reordered columns), reads them back and scores their rows
the same way, with the deadline. Figures are per form of duty note and overall.

See ``eval/duties/README.md`` for how the sample was made and checked.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ingest
from index.paths import ROOT
from ingest.clean import squash

GOLD = ROOT / "eval" / "duties" / "gold.jsonl"
TABLES = ROOT / "eval" / "duties" / "tables.json"
WILD = ROOT.parent / "shared" / "corpus" / "wild"
SEEDS = ROOT / "data" / "notices"


def note_form(note: str) -> str:
    """The form a duty note is written in, for the report's rows.

    >>> note_form("（牵头单位：省科技厅；配合单位：省统计局）"), note_form("（省商务厅负责）")
    ('labelled: lead + support fields', 'verb: responsible, no lead named')
    """
    if re.search(r"(单位|部门)\s*[:：]", note):
        has_lead = re.search(r"牵头[^：:]{0,4}[:：]", note)
        others = re.search(r"(责任|配合|参与|参加|协办)(单位|部门)\s*[:：]", note)
        if has_lead and others:
            return "labelled: lead + support fields"
        return "labelled: lead field only" if has_lead else "labelled: 责任单位 only"
    if "第一" in note and "牵头" in note:
        return "convention: first named leads"
    if "牵头" in note:
        return "verb: 牵头 + 负责/配合"
    if re.search(r"负责|落实", note):
        return "verb: responsible, no lead named"
    if re.search(r"配合|参与|责任单位", note):
        return "verb: support only"
    return "bare list of units"


@dataclass
class Score:
    """Counts of department names: found and right, found and wrong, missed."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    items: int = 0

    def add(self, got: Iterable[str], want: Iterable[str]) -> None:
        """Count one chunk's names against the gold."""
        got, want = set(got), set(want)
        self.tp += len(got & want)
        self.fp += len(got - want)
        self.fn += len(want - got)

    @property
    def precision(self) -> float:
        """Share of the names found that are right (1.0 when nothing was found or expected)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of the gold names found (1.0 when nothing was expected)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class FormScore:
    """Lead and support scores (and deadline accuracy) of one form."""

    notes: int = 0
    chunks: int = 0
    lead: Score = field(default_factory=Score)
    support: Score = field(default_factory=Score)
    deadlines: int = 0
    deadlines_right: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


def load_gold(path: Path = GOLD) -> list[dict[str, Any]]:
    """The gold records: doc, quote, notes, form, lead, support."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def score_notes(gold: list[dict[str, Any]], notices: list[ingest.Notice]) -> dict[str, FormScore]:
    """Score parsed notices against gold records, by form.

    Raises:
        ValueError: naming a gold record whose notice is missing or whose quote matches no chunk.
    """
    by_doc = {n.doc_id: n for n in notices}
    forms: dict[str, FormScore] = defaultdict(FormScore)
    for record in gold:
        notice = by_doc.get(record["doc"])
        if notice is None:
            raise ValueError(f"gold record for {record['doc']!r}: that notice was not parsed (wrong --corpus?)")
        quote = squash(record["quote"])
        found = [c for c in notice.chunks if quote in squash(c.text)]
        if not found:
            raise ValueError(f"gold record {record['doc']} {record['quote']!r}: no chunk contains the quote")
        chunk = found[0]
        _count(forms[record["form"]], record, chunk.lead, chunk.support, len(record["notes"]), chunk.id)
    return dict(forms)


def _count(
    form: FormScore, record: dict[str, Any], lead: list[str], support: list[str], notes: int, where: str
) -> None:
    form.notes += notes
    form.chunks += 1
    form.lead.add(lead, record["lead"])
    form.support.add(support, record["support"])
    if set(lead) != set(record["lead"]) or set(support) != set(record["support"]):
        form.errors.append(
            {
                "chunk": where,
                "lead": lead,
                "gold_lead": record["lead"],
                "support": support,
                "gold_support": record["support"],
            }
        )


def score_tables(spec_path: Path = TABLES) -> dict[str, FormScore]:
    """Write the spec's tables as files, read them back, and score their rows (lead, support, deadline)."""
    from eval.duty_tables import write_table

    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    forms: dict[str, FormScore] = defaultdict(FormScore)
    with tempfile.TemporaryDirectory() as tmp:
        for table in spec:
            path = write_table(table, Path(tmp))
            chunks = ingest.load(path)
            form = forms[f"task table (.{table['format']})"]
            rows = [r for r in table["rows"] if "cells" in r]
            for row in rows:
                task = squash(row["task"])
                found = [c for c in chunks if task in squash(c.text)]
                if not found:
                    form.errors.append({"row": row["task"], "error": "no chunk holds this row"})
                    form.lead.fn += len(row["lead"])
                    form.support.fn += len(row["support"])
                    continue
                chunk = found[0]
                _count(form, row, chunk.lead, chunk.support, 1, chunk.id)
                form.deadlines += 1
                right = (chunk.deadline or "") == row.get("deadline", "") and chunk.due == row.get("due")
                form.deadlines_right += right
    return dict(forms)


def report(forms: dict[str, FormScore]) -> str:
    """A table of the scores by form, with the overall figures last."""
    lines = [
        f"{'form':<36} {'notes':>5} {'items':>5}  {'lead P':>6} {'lead R':>6}  {'supp P':>6} {'supp R':>6}  deadline",
    ]
    total = FormScore()
    for name, form in sorted(forms.items()):
        lines.append(_row(name, form))
        total.notes += form.notes
        total.chunks += form.chunks
        for mine, theirs in ((total.lead, form.lead), (total.support, form.support)):
            mine.tp, mine.fp, mine.fn = mine.tp + theirs.tp, mine.fp + theirs.fp, mine.fn + theirs.fn
        total.deadlines += form.deadlines
        total.deadlines_right += form.deadlines_right
    lines.append(_row("all", total))
    return "\n".join(lines)


def _row(name: str, form: FormScore) -> str:
    deadline = f"{form.deadlines_right}/{form.deadlines}" if form.deadlines else "—"
    return (
        f"{name:<36} {form.notes:>5} {form.chunks:>5}  {form.lead.precision:>6.3f} {form.lead.recall:>6.3f}"
        f"  {form.support.precision:>6.3f} {form.support.recall:>6.3f}  {deadline}"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the duty-note benchmark and print the table (and the errors with -v)."""
    parser = argparse.ArgumentParser(prog="python -m eval.duties", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", nargs="+", type=Path, default=[WILD, SEEDS], help="notices the gold sample comes from"
    )
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--tables", type=Path, default=TABLES)
    parser.add_argument("--out", type=Path, help="write the scores and errors as JSON here")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every chunk that differs from the gold")
    args = parser.parse_args(argv)
    missing = [p for p in args.corpus if not p.exists()]
    if missing:
        print(f"error: {', '.join(map(str, missing))} not found; pass --corpus", file=sys.stderr)
        return 2
    try:
        forms = score_notes(load_gold(args.gold), ingest.load_notices(args.corpus))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    forms |= score_tables(args.tables)
    print(report(forms))
    if args.verbose:
        for name, form in sorted(forms.items()):
            for error in form.errors:
                print(name, json.dumps(error, ensure_ascii=False))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        data = {
            name: {
                "notes": f.notes,
                "items": f.chunks,
                "lead": {"precision": f.lead.precision, "recall": f.lead.recall},
                "support": {"precision": f.support.precision, "recall": f.support.recall},
                "deadlines": [f.deadlines_right, f.deadlines],
                "errors": f.errors,
            }
            for name, f in forms.items()
        }
        args.out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
