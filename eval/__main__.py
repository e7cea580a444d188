"""``python -m eval``: measure retrieval on gold questions, all modes side by side."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write the report files."""
    parser = argparse.ArgumentParser(prog="python -m eval", description=__doc__)
    parser.add_argument(
        "--queries",
        type=Path,
        default=ROOT / "eval" / "queries" / "dev.jsonl",
        help="gold questions (JSON Lines; default: the dev set)",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--corpus", type=Path, help="files/directory or a .jsonl corpus to index (default: data/notices)"
    )
    source.add_argument("--index", type=Path, help="an index directory built by python -m index build")
    parser.add_argument("--model", type=Path, help="a local sentence-transformers folder (default: bundled e5-small)")
    parser.add_argument("--modes", default="hybrid,dense,bm25", help="comma-separated modes")
    parser.add_argument("--k", default="1,3,5,10", help="cut-offs for Recall@k, e.g. 1,3,5,10")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "eval", help="output directory")
    parser.add_argument(
        "--write-baseline",
        type=Path,
        metavar="PATH",
        help="also write the summaries as a baseline file (e.g. eval/baseline.json)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")

    from eval.relevance import load_questions, qrels_for
    from eval.report import kind_table, table, write_all, write_baseline
    from eval.runner import evaluate
    from index import MODES, Searcher, SentenceTransformerEmbedder

    try:
        modes = [m.strip() for m in args.modes.split(",") if m.strip()]
        bad = [m for m in modes if m not in MODES]
        if bad or not modes:
            raise ValueError(f"unknown mode {bad}; choose from {', '.join(MODES)}")
        ks = sorted({int(k) for k in args.k.split(",") if k.strip()})
        if not ks or ks[0] < 1:
            raise ValueError("--k takes positive cut-offs, e.g. 1,3,5,10")
        questions = load_questions(args.queries)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    embedder = SentenceTransformerEmbedder(args.model)
    started = time.time()
    if args.index:
        searcher = Searcher.load(args.index, embedder=embedder)
        corpus = str(args.index)
    else:
        corpus_path = args.corpus or ROOT / "data" / "notices"
        searcher = Searcher.build(corpus_path, embedder=embedder, show_progress=True)
        corpus = str(corpus_path)
    built = time.time() - started
    report = evaluate(searcher, questions, modes, ks, show_progress=True)
    report.update(
        {
            "queries": str(args.queries),
            "corpus": corpus,
            "index_seconds": round(built, 1),
            "total_seconds": round(time.time() - started, 1),
        }
    )
    qrels = qrels_for(questions, [(c.id, c.doc_id, c.text) for c in searcher.chunks])
    written = write_all(report, qrels, args.out)
    if args.write_baseline:
        write_baseline(report, args.write_baseline, " ".join(["python -m eval", *(argv or sys.argv[1:])]))
        written.append(args.write_baseline)
    print(table(report))
    print()
    print(kind_table(report))
    print(
        f"\nindex ready in {built:.1f} s; total {report['total_seconds']} s; wrote "
        + ", ".join(str(p) for p in written)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
