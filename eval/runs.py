"""Run and qrels files: TREC and ranx/pytrec_eval JSON out, TREC, JSON and BEIR TSV in.

A run is ``{qid: [(doc, score), …]}`` best first; qrels are ``{qid: {doc: grade}}``. TREC tools
(trec_eval, ranx, ir_measures) order a run by its score, not by its rank column, so the scores
written are the search's own made strictly decreasing down each list (a tie or an out-of-order
score moves down by :data:`STEP`): every tool then reads the order the search returned.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

Run = dict[str, list[tuple[str, float]]]
Qrels = dict[str, dict[str, int]]

#: How far a tied score is moved below the one above it.
STEP = 1e-6
_HEADERS = {"query-id", "query_id", "qid", "query"}


def monotone(scores: Sequence[float]) -> list[float]:
    """The scores, each below the one before it by at least :data:`STEP`.

    >>> monotone([0.9, 0.9, 0.95, 0.2])
    [0.9, 0.899999, 0.899998, 0.2]
    """
    out: list[float] = []
    for score in scores:
        value = float(score)
        if out and value > out[-1] - STEP:
            value = round(out[-1] - STEP, 6)
        out.append(value)
    return out


def write_trec_run(run: Mapping[str, Sequence[tuple[str, float]]], path: Path, tag: str) -> None:
    """``qid Q0 doc rank score tag`` lines, scores made strictly decreasing."""
    lines = []
    for qid, ranked in run.items():
        scores = monotone([score for _, score in ranked])
        for rank, ((doc, _), score) in enumerate(zip(ranked, scores, strict=True), 1):
            lines.append(f"{qid} Q0 {doc} {rank} {score:.6f} {tag}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_json_run(run: Mapping[str, Sequence[tuple[str, float]]], path: Path) -> None:
    """``{qid: {doc: score}}``, the form ``ranx.Run(…)``/``Run.from_file`` and pytrec_eval take."""
    data = {}
    for qid, ranked in run.items():
        data[qid] = dict(zip([d for d, _ in ranked], monotone([s for _, s in ranked]), strict=True))
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def write_trec_qrels(qrels: Qrels, path: Path) -> None:
    """``qid 0 doc grade`` lines."""
    lines = [f"{qid} 0 {doc} {grade}" for qid, docs in qrels.items() for doc, grade in docs.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_run(path: Path) -> Run:
    """A TREC run or a JSON ``{qid: {doc: score}}`` run, each list ordered by score (ties: as written).

    Raises:
        ValueError: naming the file and line that is neither.
    """
    text = Path(path).read_text(encoding="utf-8-sig")
    scored: dict[str, list[tuple[str, float, int]]] = {}
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
            for qid, docs in data.items():
                scored[str(qid)] = [(str(d), float(s), i) for i, (d, s) in enumerate(docs.items())]
        except (json.JSONDecodeError, AttributeError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}: not a JSON run {{qid: {{doc: score}}}} ({exc})") from exc
    else:
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            parts = line.split()
            try:
                qid, _, doc, _, score = parts[:5]
                scored.setdefault(qid, []).append((doc, float(score), number))
            except ValueError as exc:
                raise ValueError(f"{path}:{number}: not a TREC run line 'qid Q0 doc rank score tag'") from exc
    return {qid: [(d, s) for d, s, _ in sorted(rows, key=lambda r: (-r[1], r[2]))] for qid, rows in scored.items()}


def read_qrels(path: Path) -> Qrels:
    """TREC qrels (``qid 0 doc grade``) or a BEIR TSV (``query-id corpus-id score``, header optional).

    Raises:
        ValueError: naming the file and line that is neither.
    """
    out: Qrels = {}
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        for number, row in enumerate(csv.reader(handle, delimiter="\t"), 1):
            parts = row if len(row) > 1 else (row[0].split() if row else [])
            if not parts or (number == 1 and parts[0].lower() in _HEADERS):
                continue  # a blank line, or the BEIR header "query-id corpus-id score"
            if len(parts) == 4:
                qid, _, doc, grade = parts
            elif len(parts) == 3:
                qid, doc, grade = parts
            else:
                raise ValueError(f"{path}:{number}: expected 'qid 0 doc grade' (TREC) or 'qid<TAB>doc<TAB>grade'")
            try:
                out.setdefault(qid, {})[doc] = int(grade)
            except ValueError as exc:
                raise ValueError(f"{path}:{number}: the grade {grade!r} is not a whole number") from exc
    return out
