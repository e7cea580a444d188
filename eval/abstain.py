r"""``python -m eval.abstain``: calibrate the abstain rule on honest unanswerable questions.

The rule (:class:`index.rank.AbstainRule`) refuses when the best dense score is below a bar and
the best BM25 hit holds less than a share of the question's words. Its evidence is computed
once per question (:func:`index.rank.abstain_evidence`), for three kinds of question:

- **answerable**: every answerable question of each ``--bench``, against its whole corpus;
- **removed**: the same questions with the notices or passages that answer them taken out of
  the corpus (the evidence from the best of what is left: a question the archive no longer
  answers);
- **unanswerable**: the benchmarks' own questions without a relevant clause (e.g. the dev
  set's three and ``eval/queries/offtopic.jsonl``: 20 everyday and 20 public-service questions
  the bundled notices do not answer).

Each kind is split in halves by a hash of the question id (:func:`eval.halves.half_of`). On
the *select* half, a grid of (dense bar, coverage share) is searched for the rule that refuses
the most unanswerable + removed questions while refusing at most ``--max-wrong`` of the
answerable ones; the *report* half shows what it does on questions it never saw. The bar for
questions written in Latin letters stays as it is (too few English questions to fit it).

    python -m eval.abstain --bench dev eval/queries/dev.jsonl data/notices \
        --bench offtopic eval/queries/offtopic.jsonl data/notices \
        --bench msga ../shared/bench/msgabench/queries.dev.jsonl ../shared/bench/msgabench/passages.jsonl
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from eval.halves import add_bench_option, half_of

#: How deep each retriever looks for the best candidate that is left once the answers are removed.
DEPTH = 100
#: The grid searched.
DENSE_BARS = tuple(round(0.80 + 0.0025 * i, 4) for i in range(49))  # 0.80 … 0.92
COVERAGES = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)  # 1.01: coverage never vouches


def evidence(searcher: Any, questions: list[Any]) -> list[dict[str, Any]]:
    """Per question: its evidence with the whole corpus and, for answerable ones, with its answers removed."""
    from eval.relevance import norm
    from index.query import analyze_queries
    from index.rank import abstain_evidence

    store = searcher.store
    infos = analyze_queries(store.analyzer, [q.query for q in questions], 10, "hybrid")
    texts = [info.text for info in infos]
    tokens = [store.tokenizer(t) for t in texts]
    vectors = searcher.embedder.encode(texts, query=True)
    dense = store.dense_search(vectors, DEPTH, None)
    lexical = store.lexical_search(tokens, DEPTH, None)
    facts = store.facts({key for ranked in (*dense, *lexical) for key, _ in ranked})
    rows = []
    for question, words, d, lx in zip(questions, tokens, dense, lexical, strict=True):
        row = {
            "id": question.id,
            "query": question.query,
            "answerable": question.answerable,
            "whole": abstain_evidence(d, lx, words, facts),
        }
        if question.answerable:

            def kept(ranked: list[Any], question: Any = question) -> list[Any]:
                def answers(key: Any) -> bool:
                    chunk = facts[key].chunk
                    return any(e.answered_by(chunk.doc_id, norm(chunk.text)) for e in question.relevant)

                return [(key, score) for key, score in ranked if not answers(key)]

            row["removed"] = abstain_evidence(kept(d), kept(lx), words, facts)
        rows.append(row)
    return rows


def refused(rule: Any, query: str, value: tuple[float, float]) -> bool:
    """The rule's verdict on one question's evidence."""
    return bool(rule.abstains(query, *value))


def rates(rule: Any, rows: list[dict[str, Any]]) -> dict[str, float | int]:
    """Share refused per kind: answerable (should be 0), removed and unanswerable (should be 1)."""
    answerable = [refused(rule, r["query"], r["whole"]) for r in rows if r["answerable"]]
    removed = [refused(rule, r["query"], r["removed"]) for r in rows if r["answerable"]]
    unanswerable = [refused(rule, r["query"], r["whole"]) for r in rows if not r["answerable"]]

    def share(values: list[bool]) -> float:
        return round(sum(values) / len(values), 4) if values else float("nan")

    return {
        "answerable_refused": share(answerable),
        "removed_refused": share(removed),
        "unanswerable_refused": share(unanswerable),
        "should_refuse_refused": share(removed + unanswerable),
        "answerable": len(answerable),
        "should_refuse": len(removed) + len(unanswerable),
    }


def calibrate(rows: list[dict[str, Any]], max_wrong: float) -> dict[str, Any]:
    """The grid's best rule on the select half (most refused subject to ``max_wrong``), and both halves' rates."""
    from index.rank import AbstainRule

    select = [r for r in rows if half_of(r["id"]) == "select"]
    report = [r for r in rows if half_of(r["id"]) == "report"]
    current = AbstainRule()
    best, best_key = current, (-1.0, 0.0)
    for bar in DENSE_BARS:
        for coverage in COVERAGES:
            rule = replace(current, min_dense=bar, min_coverage=coverage)
            got = rates(rule, select)
            if got["answerable_refused"] > max_wrong:
                continue
            key = (float(got["should_refuse_refused"]), -float(got["answerable_refused"]))
            if key > best_key:
                best, best_key = rule, key
    return {
        "current": {"rule": asdict(current), "select": rates(current, select), "report": rates(current, report)},
        "chosen": {"rule": asdict(best), "select": rates(best, select), "report": rates(best, report)},
    }


def main(argv: list[str] | None = None) -> int:
    """Compute the evidence on every benchmark, calibrate on one half, report the other."""
    parser = argparse.ArgumentParser(prog="python -m eval.abstain", description=__doc__.splitlines()[0])
    add_bench_option(parser)
    parser.add_argument("--max-wrong", type=float, default=0.03, help="answerable questions refused at most")
    parser.add_argument("--out", type=Path, default=Path("build/abstain"), help="report directory")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")

    from eval.relevance import load_questions
    from index import Searcher

    rows: list[dict[str, Any]] = []
    built: dict[str, Any] = {}
    per_bench: dict[str, list[dict[str, Any]]] = {}
    for name, queries, corpus in args.bench:
        if corpus not in built:
            built[corpus] = Searcher.build(Path(corpus), None, show_progress=True)
        per_bench[name] = evidence(built[corpus], load_questions(queries))
        rows += per_bench[name]
    result = calibrate(rows, args.max_wrong)
    result["per_bench"] = {
        name: {
            which: {half: rates(rule, [r for r in got if half_of(r["id"]) == half]) for half in ("select", "report")}
            for which, rule in (("current", _rule(result["current"])), ("chosen", _rule(result["chosen"])))
        }
        for name, got in per_bench.items()
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "abstain.json").write_text(
        json.dumps({**result, "rows": rows}, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def _rule(entry: dict[str, Any]) -> Any:
    from index.rank import AbstainRule

    return AbstainRule(**entry["rule"])


if __name__ == "__main__":
    sys.exit(main())
