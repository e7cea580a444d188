r"""``python -m eval.compare RUN_A RUN_B --qrels QRELS``: is B's difference from A real?

Runs are TREC files or JSON ``{qid: {doc: score}}`` (``python -m eval`` writes both into
``OUT/runs/``); qrels are TREC (``OUT/qrels.trec``), a BEIR TSV, or a BEIR folder (its
``qrels/test.tsv``). Each metric is computed per question from the run's order (the same
functions as ``python -m eval``, so a passage-level report's figures come back exactly), averaged
over the questions with a relevant document (one missing from a run scores 0), and each run after
the first is compared with the first by the paired t-test and Fisher's randomization test
(:mod:`eval.significance`)::

    python -m eval --beir build/beir-msga --modes convex,plain-bm25 --out build/eval-beir
    python -m eval.compare build/eval-beir/runs/plain-bm25.trec build/eval-beir/runs/convex.trec \
        --qrels build/eval-beir/qrels.trec
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from eval.metrics import hit_at, ndcg_at, recall_at, rr_at
from eval.runs import Qrels, Run, read_qrels, read_run
from eval.significance import PERMUTATIONS, fisher_randomization, holm, paired_t

_METRIC = re.compile(r"^(ndcg|mrr|recall|hit)@(\d+)$")
_FUNCTIONS: dict[str, Callable[[list[int | None], int, list[int]], float]] = {
    "ndcg": lambda ranks, k, grades: ndcg_at(ranks, k, grades),
    "mrr": lambda ranks, k, grades: rr_at(ranks, k),
    "recall": lambda ranks, k, grades: recall_at(ranks, k),
    "hit": lambda ranks, k, grades: hit_at(ranks, k),
}
DEFAULT_METRICS = "ndcg@10,mrr@10,recall@1,recall@5,recall@10"
#: Fewer judged questions than this and a comparison is reported with a warning.
MIN_QUESTIONS = 20


def per_question(run: Run, qrels: Qrels, metric: str) -> dict[str, float]:
    """``{qid: value}`` of one metric (``ndcg@10``, ``mrr@10``, ``recall@5``, ``hit@3``) for each judged question.

    Raises:
        ValueError: for a metric not of those four kinds.
    """
    match = _METRIC.match(metric)
    if not match:
        raise ValueError(f"unknown metric {metric!r}; use ndcg@k, mrr@k, recall@k or hit@k")
    function, k = _FUNCTIONS[match.group(1)], int(match.group(2))
    out = {}
    for qid, judged in qrels.items():
        relevant = {doc: grade for doc, grade in judged.items() if grade > 0}
        if not relevant:
            continue
        position = {}
        for rank, (doc, _) in enumerate(run.get(qid, []), 1):
            position.setdefault(doc, rank)
        out[qid] = function([position.get(doc) for doc in relevant], k, list(relevant.values()))
    return out


def compare(
    runs: Sequence[tuple[str, Run]], qrels: Qrels, metrics: Sequence[str], permutations: int = PERMUTATIONS
) -> dict[str, Any]:
    """Each run's mean per metric, and each later run against the first: difference, p-values, wins/losses."""
    report: dict[str, Any] = {"questions": 0, "runs": [name for name, _ in runs], "metrics": {}}
    for metric in metrics:
        values = [per_question(run, qrels, metric) for _, run in runs]
        qids = sorted(values[0])
        report["questions"] = len(qids)
        base = [values[0][q] for q in qids]
        entry: dict[str, Any] = {"means": [sum(v.values()) / len(qids) if qids else 0.0 for v in values], "against": []}
        for other in values[1:]:
            scores = [other[q] for q in qids]
            entry["against"].append(
                {
                    "difference": entry["means"][len(entry["against"]) + 1] - entry["means"][0],
                    "p_t": paired_t(scores, base),
                    "p_fisher": fisher_randomization(scores, base, permutations),
                    "wins": sum(s > b for s, b in zip(scores, base, strict=True)),
                    "losses": sum(s < b for s, b in zip(scores, base, strict=True)),
                }
            )
        report["metrics"][metric] = entry
    family = [a for entry in report["metrics"].values() for a in entry["against"]]
    for against, adjusted in zip(family, holm([max(a["p_t"], a["p_fisher"]) for a in family]), strict=True):
        against["p_holm"] = adjusted  # every (metric, run) comparison is one test of the family
    report["warnings"] = warnings(report["questions"], len(family))
    return report


def warnings(questions: int, tests: int) -> list[str]:
    """What a reader must know before trusting a p-value here: too few questions, many comparisons.

    >>> warnings(2, 1)[0]
    'only 2 judged questions: no test can tell a real difference from noise below 20'
    >>> warnings(100, 15)
    ['15 comparisons: * uses Holm-adjusted p-values (family-wise error at the level chosen)']
    """
    out = []
    if questions < MIN_QUESTIONS:
        out.append(f"only {questions} judged questions: no test can tell a real difference from noise below "
                   f"{MIN_QUESTIONS}")  # fmt: skip
    if tests > 1:
        out.append(f"{tests} comparisons: * uses Holm-adjusted p-values (family-wise error at the level chosen)")
    return out


def table(report: dict[str, Any], alpha: float) -> str:
    """One line per metric: each run's mean, then each later run's difference and p-values."""
    names = report["runs"]
    lines = [f"{len(names) - 1} run(s) against {names[0]} on {report['questions']} judged questions; "
             f"* marks p < {alpha} in both tests (Holm-adjusted over every comparison)"]  # fmt: skip
    head = f"{'metric':<10}" + "".join(f"{'run ' + chr(65 + i):>9}" for i in range(len(names)))
    for i in range(1, len(names)):
        head += f"{chr(65 + i) + '−A':>10}{'p (t)':>9}{'p (rand)':>10}{'W/L':>10}"
    lines.append(head)
    for metric, entry in report["metrics"].items():
        row = f"{metric:<10}" + "".join(f"{m:>9.4f}" for m in entry["means"])
        for against in entry["against"]:
            star = "*" if against.get("p_holm", max(against["p_t"], against["p_fisher"])) < alpha else " "
            row += f"{against['difference']:>+9.4f}{star}{_p(against['p_t']):>9}{_p(against['p_fisher']):>10}"
            row += f"{str(against['wins']) + '/' + str(against['losses']):>10}"
        lines.append(row)
    lines += [f"run {chr(65 + i)}: {name}" for i, name in enumerate(names)]
    lines += [f"warning: {w}" for w in report.get("warnings", [])]
    return "\n".join(lines)


def _p(value: float) -> str:
    """A p-value to four places; one too small to show so reads "<0.0001".

    >>> _p(0.03205), _p(3e-37)
    ('0.0321', '<0.0001')
    """
    return f"{value:.4f}" if value >= 0.0001 else "<0.0001"


def _qrels_path(path: Path) -> Path:
    return path / "qrels" / "test.tsv" if path.is_dir() else path


def main(argv: list[str] | None = None) -> int:
    """Compare runs on qrels and print the table (or JSON)."""
    parser = argparse.ArgumentParser(prog="python -m eval.compare", description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", type=Path, help="two or more runs (TREC or JSON); the first is the control")
    parser.add_argument("--qrels", type=Path, required=True, help="TREC qrels, a BEIR qrels TSV, or a BEIR folder")
    parser.add_argument("--metrics", default=DEFAULT_METRICS, help=f"comma-separated (default: {DEFAULT_METRICS})")
    parser.add_argument("--alpha", type=float, default=0.05, help="significance level for the * mark (default 0.05)")
    parser.add_argument("--permutations", type=int, default=PERMUTATIONS, help="for the randomization test")
    parser.add_argument("--json", action="store_true", help="print the comparison as JSON")
    args = parser.parse_args(argv)
    if len(args.runs) < 2:
        print("error: give at least two runs to compare", file=sys.stderr)
        return 2
    try:
        qrels = read_qrels(_qrels_path(args.qrels))
        runs = [(str(path), read_run(path)) for path in args.runs]
        metrics = [m.strip().lower() for m in args.metrics.split(",") if m.strip()]
        report = compare(runs, qrels, metrics, args.permutations)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not report["questions"]:
        print(f"error: no question in {args.qrels} has a relevant document", file=sys.stderr)
        return 2
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else table(report, args.alpha))
    return 0


if __name__ == "__main__":
    sys.exit(main())
