r"""``python -m eval.figures``: the retrieval figures README and docs quote, from one run, kept in one file.

The README quoted dev R@10 0.963 while ``python -m eval`` printed 0.953: figures copied by hand
from an older run. Here every quoted figure comes from :func:`eval.runner.evaluate` (what
``python -m eval`` prints), default mode and the textbook baseline, on each benchmark whose
questions and corpus are at hand, and is written to ``docs/figures.json``. README and
docs/evaluation.md quote that file; ``tests/test_figures.py`` checks every quoted figure against
it, and re-runs the dev set to check the file against a fresh run::

    python -m eval.figures --write docs/figures.json

Benchmarks (a missing one is named and left out, never silently):

- ``dev``: ``eval/queries/dev.jsonl`` over the bundled notices (always here);
- ``wild``: ``eval/queries/wild.jsonl`` over ``../shared/corpus/wild``;
- ``msga``: MSGABench's public questions over its passages (``../shared/bench/msgabench``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
#: name → (gold questions, the corpus they are asked of).
BENCHES = {
    "dev": (ROOT / "eval" / "queries" / "dev.jsonl", ROOT / "data" / "notices"),
    "wild": (ROOT / "eval" / "queries" / "wild.jsonl", SHARED / "corpus" / "wild"),
    "msga": (SHARED / "bench" / "msgabench" / "queries.dev.jsonl", SHARED / "bench" / "msgabench" / "passages.jsonl"),
}
#: The figures kept per benchmark, as ``python -m eval`` names them.
KEPT = ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10", "abstain_right", "abstain_wrong")
BASELINE = "plain-bm25"


def measure(queries: Path, corpus: Path) -> dict[str, Any]:
    """The default mode's and the baseline's figures on one benchmark (rounded as ``python -m eval`` prints)."""
    from eval.relevance import grouping, load_questions
    from eval.runner import evaluate
    from index import DEFAULT_MODE, Searcher

    questions = load_questions(queries)
    searcher = Searcher.build(corpus, None)
    report = evaluate(searcher, questions, modes=[DEFAULT_MODE, BASELINE], ks=(1, 5, 10),
                      group_by=grouping("auto", questions))  # fmt: skip
    default, plain = (report["modes"][m]["summary"] for m in (DEFAULT_MODE, BASELINE))
    figures = {key: None if default[key] is None else round(default[key], 3) for key in KEPT}
    return {"questions": len(questions), "answerable": default["answerable"], "mode": DEFAULT_MODE, **figures,
            "plain_mrr@10": round(plain["mrr@10"], 3)}  # fmt: skip


def triple(figures: dict[str, Any]) -> str:
    """How README quotes a benchmark: "R@5 / R@10 / MRR@10".

    >>> triple({"recall@5": 0.929, "recall@10": 0.953, "mrr@10": 0.932})
    '0.929 / 0.953 / 0.932'
    """
    return " / ".join(f"{figures[k]:.3f}" for k in ("recall@5", "recall@10", "mrr@10"))


def _commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def main(argv: list[str] | None = None) -> int:
    """Measure each benchmark at hand; print the figures and, with ``--write``, keep them."""
    parser = argparse.ArgumentParser(prog="python -m eval.figures", description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(BENCHES), help="benchmarks to measure (default: all at hand)")
    parser.add_argument("--write", type=Path, help="keep the figures in this JSON file (docs/figures.json)")
    args = parser.parse_args(argv)
    out: dict[str, Any] = {"date": time.strftime("%Y-%m-%d"), "commit": _commit(), "benches": {}}
    for name in args.only.split(","):
        if name not in BENCHES:
            parser.error(f"unknown benchmark {name!r}; known: {', '.join(BENCHES)}")
        queries, corpus = BENCHES[name]
        if not (queries.exists() and corpus.exists()):
            print(f"{name}: left out — {queries if not queries.exists() else corpus} is not here", file=sys.stderr)
            continue
        out["benches"][name] = measure(queries, corpus)
        figures = out["benches"][name]
        print(f"{name} ({figures['questions']}): R@5 / R@10 / MRR@10 {triple(figures)}; "
              f"plain BM25 MRR@10 {figures['plain_mrr@10']:.3f}; abst.ok {figures['abstain_right']}, "
              f"abst.bad {figures['abstain_wrong']}")  # fmt: skip
    if args.write:
        args.write.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.write}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
