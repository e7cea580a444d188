r"""``python -m eval.fusion``: choose the default fusion leave-one-corpus-out; it must hold on a corpus it never saw.

Every candidate — RRF (``hybrid``) and the convex fusion at several weights α of the dense
score — runs through the whole pipeline (structure rules, grouping) on every benchmark given
with ``--bench NAME QUERIES CORPUS``, beside each retriever alone and the textbook baseline
(:mod:`eval.plain`). A configuration's score on a benchmark is the mean of R@5, R@10 and MRR@10.
For each benchmark in turn, the configuration with the best mean score over the *other*
benchmarks is chosen and reported on the held-out one, against its best single retriever and
the plain baseline; a held-out score below either is flagged. The default is the configuration
with the best mean over all benchmarks — unless today's default is within :data:`TOLERANCE` of it
and holds on every benchmark, when a change would be a choice made on noise.

    python -m eval.fusion --bench dev eval/queries/dev.jsonl data/notices \
        --bench msga ../shared/bench/msgabench/queries.dev.jsonl ../shared/bench/msgabench/passages.jsonl \
        --bench wild eval/queries/wild.jsonl ../shared/corpus/wild \
        --bench laws eval/queries/laws.jsonl build/laws300 \
        --bench laws-passages build/laws-passages/queries.jsonl build/laws-passages/passages.jsonl
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from eval.halves import add_bench_option

#: The metrics a configuration's score weighs equally, per benchmark.
METRICS = ("recall@5", "recall@10", "mrr@10")
#: Convex weights of the dense score tried by default.
ALPHAS = (0.4, 0.5, 0.6, 0.7, 0.8)
#: The rows every benchmark is compared with: each retriever alone, and the textbook baseline.
SINGLES = ("dense", "bm25")
PLAIN_ROW = "plain-bm25"
#: A new default must beat today's by more than this mean score (the spread of α 0.6–0.8 on our
#: benchmarks is smaller: a choice inside it is noise, docs/search.md).
TOLERANCE = 0.005


def candidates(alphas: tuple[float, ...]) -> list[tuple[str, str, float | None]]:
    """(name, mode, α) of every fusion measured."""
    return [("hybrid (RRF)", "hybrid", None), *[(f"convex α={a:g}", "convex", a) for a in alphas]]


def measure(searcher: Any, questions: list[Any], configs: list[tuple[str, str, float | None]]) -> dict[str, Any]:
    """Each fusion, retriever and the baseline: the summary metrics of :func:`eval.runner.evaluate`."""
    from eval.relevance import grouping
    from eval.runner import evaluate
    from index.fuse import ALPHA

    group_by = grouping("auto", questions)
    out: dict[str, Any] = {}
    for name, mode, alpha in [*configs, *[(m, m, None) for m in SINGLES], (PLAIN_ROW, PLAIN_ROW, None)]:
        searcher.alpha = ALPHA if alpha is None else alpha
        out[name] = evaluate(searcher, questions, modes=[mode], ks=(1, 5, 10), group_by=group_by)["modes"][mode][
            "summary"
        ]
    searcher.alpha = ALPHA
    return out


def score(summary: dict[str, float]) -> float:
    """The mean of :data:`METRICS`."""
    return sum(summary[m] for m in METRICS) / len(METRICS)


def _holds(table: dict[str, Any], name: str) -> bool:
    """Whether a fusion scores at least its best single retriever and the plain baseline on a benchmark."""
    return score(table[name]) >= max(score(table[r]) for r in (*SINGLES, PLAIN_ROW))


def choose(results: dict[str, dict[str, Any]], fusions: list[str], incumbent: str | None = None) -> dict[str, Any]:
    """Leave-one-corpus-out choices, their checks on the held-out corpus, and the choice over all corpora.

    The choice over all corpora is the best mean score, except that the ``incumbent`` (today's
    default) stays when it is within :data:`TOLERANCE` of it and holds on every benchmark.
    """

    def mean_score(name: str, benches: list[str]) -> float:
        return sum(score(results[b][name]) for b in benches) / len(benches)

    held_out = {}
    for bench in results:
        rest = [b for b in results if b != bench]
        chosen = max(fusions, key=lambda n: mean_score(n, rest)) if rest else fusions[0]
        table = results[bench]
        best_single = max(SINGLES, key=lambda r: score(table[r]))
        held_out[bench] = {
            "chosen": chosen,
            "score": round(score(table[chosen]), 4),
            "best_single": best_single,
            "best_single_score": round(score(table[best_single]), 4),
            "plain_score": round(score(table[PLAIN_ROW]), 4),
            "holds": _holds(table, chosen),
        }
    best = max(fusions, key=lambda n: mean_score(n, list(results)))
    overall = best
    if (
        incumbent in fusions
        and mean_score(best, list(results)) - mean_score(incumbent, list(results)) <= TOLERANCE
        and all(_holds(results[b], incumbent) for b in results)
    ):
        overall = incumbent  # a change of default needs a margin beyond noise
    return {
        "chosen": overall,
        "best_mean": best,
        "mean_score": {n: round(mean_score(n, list(results)), 4) for n in fusions},
        "held_out": held_out,
        "every_held_out_choice_holds": all(h["holds"] for h in held_out.values()),
    }


def tables(results: dict[str, dict[str, Any]], choice: dict[str, Any]) -> str:
    """Markdown: the leave-one-corpus-out table, then every row's R@1 / R@5 / R@10 / MRR@10 per benchmark."""
    lines = [
        "| held-out corpus | chosen on the others | its score there | best single retriever | plain BM25 | holds |",
        "|---|---|---|---|---|---|",
    ]
    for bench, h in choice["held_out"].items():
        lines.append(
            f"| {bench} | {h['chosen']} | {h['score']:.3f} | {h['best_single']} {h['best_single_score']:.3f} "
            f"| {h['plain_score']:.3f} | {'yes' if h['holds'] else '**no**'} |"
        )
    benches = list(results)
    lines += ["", "| configuration | " + " | ".join(f"{b} R@1 / R@5 / R@10 / MRR@10" for b in benches) + " |"]
    lines.append("|---" * (len(benches) + 1) + "|")
    for name in next(iter(results.values())):
        cells = []
        for b in benches:
            s = results[b][name]
            cells.append(f"{s['recall@1']:.3f} / {s['recall@5']:.3f} / {s['recall@10']:.3f} / {s['mrr@10']:.3f}")
        mark = " **(chosen)**" if name == choice["chosen"] else ""
        lines.append(f"| {name}{mark} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Measure every configuration on every benchmark and choose leave-one-corpus-out."""
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
        print(f"{name}: measured {len(configs)} fusions, {len(SINGLES)} retrievers and the baseline", file=sys.stderr)
    from index.fuse import ALPHA

    choice = choose(results, [name for name, _, _ in configs], incumbent=f"convex α={ALPHA:g}")
    report = {"choice": choice, "results": results, "metrics": METRICS}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "fusion.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    text = tables(results, choice)
    (args.out / "fusion.md").write_text(text + "\n", encoding="utf-8")
    print(text)
    print(json.dumps(choice, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
