r"""``python -m eval.fusion``: choose the default fusion on half the questions, report it on the other half.

Every candidate — RRF (``hybrid``), the convex fusion at several weights α of the dense score,
and each retriever alone — runs on every benchmark given with ``--bench NAME QUERIES CORPUS``.
Each benchmark's questions are split in two halves by a hash of their id (fixed, not random):
the *select* half picks the configuration with the best mean of R@5, R@10 and MRR@10 over the
benchmarks; the *report* half, which took no part in the choice, shows what it is worth. The
choice is refused (reported as such) if on any benchmark's report half it falls below its best
single retriever on R@10 or MRR@10.

    python -m eval.fusion --bench dev eval/queries/dev.jsonl data/notices \
        --bench msga ../shared/bench/msgabench/queries.dev.jsonl ../shared/bench/msgabench/passages.jsonl
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from eval.halves import add_bench_option, half_of

#: The metrics the choice weighs equally, per benchmark.
METRICS = ("recall@5", "recall@10", "mrr@10")
#: Convex weights of the dense score tried by default.
ALPHAS = (0.5, 0.6, 0.7, 0.8, 0.9)


def candidates(alphas: tuple[float, ...]) -> list[tuple[str, str, float | None]]:
    """(name, mode, α) of every configuration measured."""
    return [
        ("hybrid (RRF)", "hybrid", None),
        *[(f"convex α={a:g}", "convex", a) for a in alphas],
        ("dense", "dense", None),
        ("bm25", "bm25", None),
    ]


def measure(searcher: Any, questions: list[Any], configs: list[tuple[str, str, float | None]]) -> dict[str, Any]:
    """Per configuration and half, the summary metrics of :func:`eval.runner.evaluate`."""
    from eval.runner import evaluate
    from index.fuse import ALPHA

    halves = {h: [q for q in questions if half_of(q.id) == h] for h in ("select", "report")}
    out: dict[str, Any] = {}
    for name, mode, alpha in configs:
        searcher.alpha = ALPHA if alpha is None else alpha
        out[name] = {
            half: evaluate(searcher, group, modes=[mode], ks=(1, 5, 10))["modes"][mode]["summary"]
            for half, group in halves.items()
        }
    searcher.alpha = ALPHA
    return out


def choose(results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The configuration with the best mean of :data:`METRICS` on the select halves, and its check."""

    def score(name: str, half: str) -> float:
        values = [results[b][name][half][m] for b in results for m in METRICS]
        return sum(values) / len(values)

    names = list(next(iter(results.values())))
    best = max(names, key=lambda n: score(n, "select"))
    below = []
    for bench, table in results.items():
        for metric in ("recall@10", "mrr@10"):
            single = max(table[r]["report"][metric] for r in ("dense", "bm25"))
            if table[best]["report"][metric] < single:
                below.append(f"{bench} {metric}: {table[best]['report'][metric]:.3f} < {single:.3f}")
    return {
        "chosen": best,
        "select_score": {n: round(score(n, "select"), 4) for n in names},
        "report_score": {n: round(score(n, "report"), 4) for n in names},
        "below_a_single_retriever": below,
    }


def table(results: dict[str, dict[str, Any]], chosen: str) -> str:
    """A Markdown table: per configuration and benchmark, the report half's R@5 / R@10 / MRR@10."""
    benches = list(results)
    head = "| configuration | " + " | ".join(f"{b} R@5 / R@10 / MRR@10 (report half)" for b in benches) + " |"
    lines = [head, "|---" * (len(benches) + 1) + "|"]
    for name in next(iter(results.values())):
        cells = []
        for b in benches:
            s = results[b][name]["report"]
            cells.append(f"{s['recall@5']:.3f} / {s['recall@10']:.3f} / {s['mrr@10']:.3f}")
        mark = " **(chosen)**" if name == chosen else ""
        lines.append(f"| {name}{mark} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Measure every configuration on every benchmark, choose on one half, report the other."""
    parser = argparse.ArgumentParser(prog="python -m eval.fusion", description=__doc__.splitlines()[0])
    add_bench_option(parser)
    parser.add_argument("--alphas", default=",".join(f"{a:g}" for a in ALPHAS), help="convex weights to try")
    parser.add_argument("--out", type=Path, default=Path("build/fusion"), help="report directory")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")

    from eval.relevance import load_questions
    from index import Searcher

    configs = candidates(tuple(float(a) for a in args.alphas.split(",")))
    results: dict[str, Any] = {}
    for name, queries, corpus in args.bench:
        searcher = Searcher.build(Path(corpus), None, show_progress=True)
        results[name] = measure(searcher, load_questions(queries), configs)
        print(f"{name}: measured {len(configs)} configurations", file=sys.stderr)
    choice = choose(results)
    report = {"choice": choice, "results": results, "metrics": METRICS}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "fusion.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    text = table(results, choice["chosen"])
    (args.out / "fusion.md").write_text(text + "\n", encoding="utf-8")
    print(text)
    print(json.dumps(choice, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
