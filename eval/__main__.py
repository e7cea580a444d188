"""``python -m eval``: measure retrieval on gold questions, all modes side by side."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from index.options import (
    add_reranker_options,
    add_store_options,
    backend_of,
    embedder_of,
    open_store,
    reranker_of,
    where_of,
)
from index.paths import DEFAULT_CORPUS, ROOT


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write the report files."""
    parser = argparse.ArgumentParser(prog="python -m eval", description=__doc__)
    parser.add_argument(
        "--queries",
        type=Path,
        default=ROOT / "eval" / "queries" / "dev.jsonl",
        help="gold questions (JSON Lines; default: the dev set)",
    )
    parser.add_argument(
        "--beir",
        type=Path,
        metavar="DIR",
        help="a BEIR/MTEB-layout folder (corpus.jsonl, queries.jsonl, qrels/<split>.tsv) instead of --queries; "
        "its corpus is indexed unless --corpus or --index is given (eval/beir.py)",
    )
    parser.add_argument("--split", default="test", help="the BEIR qrels split to measure (default: test)")
    parser.add_argument(
        "--corpus",
        type=Path,
        help="files/directory or a .jsonl corpus to index in memory, or to fill a --milvus collection that "
        "does not exist yet (default: data/notices)",
    )
    add_store_options(parser, "an index directory built by python -m index build (instead of --corpus)")
    add_reranker_options(parser)
    parser.add_argument(
        "--modes",
        default="convex,hybrid,dense,bm25,plain-bm25",
        help="comma-separated modes (the default mode first); plain-bm25 is the textbook baseline (eval/plain.py)",
    )
    parser.add_argument(
        "--group-by",
        choices=["auto", "doc", "none"],
        default="auto",
        help="doc: one chunk per document (passage-level benchmarks); auto (default): doc when every question's "
        "relevant entries name documents only, else none",
    )
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

    from eval.beir import load_beir
    from eval.relevance import grouping, load_questions, passage_qrels, qrels_for
    from eval.report import kind_table, table, write_all, write_baseline
    from eval.runner import PLAIN, evaluate
    from index import MODES, ExportError, IndexMismatchError, IndexNotFoundError, Searcher

    try:
        modes = [m.strip() for m in args.modes.split(",") if m.strip()]
        bad = [m for m in modes if m not in (*MODES, PLAIN)]
        if bad or not modes:
            raise ValueError(f"unknown mode {bad}; choose from {', '.join((*MODES, PLAIN))}")
        ks = sorted({int(k) for k in args.k.split(",") if k.strip()})
        if not ks or ks[0] < 1:
            raise ValueError("--k takes positive cut-offs, e.g. 1,3,5,10")
        if args.beir:
            beir = load_beir(args.beir, args.split)
            questions, args.queries = beir.questions, args.beir / "qrels" / f"{args.split}.tsv"
            if not args.index:  # a --milvus collection that does not exist yet is filled from it
                args.corpus = args.corpus or beir.corpus
        else:
            questions = load_questions(args.queries)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.index and args.corpus:
        print("error: give --corpus (indexed in memory) or --index (already built), not both", file=sys.stderr)
        return 2
    started = time.time()
    corpus_path = args.corpus or DEFAULT_CORPUS
    try:
        if args.index or args.milvus:  # a --milvus collection that does not exist is built from the corpus
            searcher = open_store(args, build_if_missing=bool(args.milvus), corpus=corpus_path)
            if args.no_reranker:
                searcher.reranker = None
            elif args.reranker:
                searcher.reranker = reranker_of(args)
        else:
            searcher = Searcher.build(
                corpus_path,
                embedder=embedder_of(args),
                show_progress=True,
                reranker=reranker_of(args),
                backend=backend_of(args),
            )
    except (IndexNotFoundError, IndexMismatchError, ExportError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    corpus = where_of(args) if args.index or args.milvus else str(corpus_path)
    built = time.time() - started
    group_by = grouping(args.group_by, questions)
    report = evaluate(searcher, questions, modes, ks, show_progress=True, group_by=group_by)
    report.update(
        {
            "queries": str(args.queries),
            "corpus": corpus,
            "index_seconds": round(built, 1),
            "total_seconds": round(time.time() - started, 1),
        }
    )
    if group_by == "doc":  # the runs name passages: so do the qrels (with their grades)
        qrels = passage_qrels(questions)
    else:
        qrels = qrels_for(questions, [(c.id, c.doc_id, c.text) for c in searcher.all_chunks()])
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
