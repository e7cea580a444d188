r"""``python -m eval.abstain``: choose the abstain rule on one half of honest question sets, report the other.

The rule (:class:`index.abstain.AbstainRule`) weighs each question's evidence
(:class:`index.abstain.Evidence`: the raw best dense cosine, the share of its content words in
the best BM25 hit, and the content words no chunk holds). The evidence is computed once per
question for three kinds of question:

- **answerable**: every answerable question of each ``--bench``, against its whole corpus;
- **removed**: the same question after deleting every notice (or passage) that answers it,
  as staff would ask after a delete: the best of what is left, the words of what is left;
- **unanswerable**: the benchmarks' questions without a relevant clause (the dev set's three,
  ``eval/queries/offtopic.jsonl``: everyday, public-service and other cities' questions the
  bundled notices do not answer).

Each kind is split in halves by a hash of the question id (:func:`eval.halves.half_of`). On
the *select* half a grid of rules is searched for the one that refuses the most unanswerable
and removed questions while refusing at most ``--max-wrong`` of the answerable ones *on every
benchmark*; the *report* half shows what it does on questions it never saw.

    python -m eval.abstain --bench dev eval/queries/dev.jsonl data/notices \
        --bench offtopic eval/queries/offtopic.jsonl data/notices \
        --bench wild eval/queries/wild.jsonl ../shared/corpus/wild \
        --bench laws eval/queries/laws.jsonl build/laws300 \
        --bench laws-passages build/laws-passages/queries.jsonl build/laws-passages/passages.jsonl \
        --bench msga ../shared/bench/msgabench/queries.dev.jsonl ../shared/bench/msgabench/passages.jsonl
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from eval.halves import add_bench_option, half_of
from index.abstain import AbstainRule, Evidence, is_latin

#: The grid searched.
DENSE_BARS = tuple(round(0.80 + 0.0025 * i, 4) for i in range(49))  # 0.80 … 0.92
COVERAGES = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)  # 1.01: coverage never vouches
UNSEEN_SHARES = (0.2, 0.25, 0.34, 0.4, 0.5, 0.6, 0.67, 0.75, 1.0, 1.01)  # 1.01: unseen words never refuse
UNSEEN_BARS = tuple(round(0.84 + 0.005 * i, 3) for i in range(23))  # 0.84 … 0.95
KINDS = ("answerable", "removed", "unanswerable")
HALVES = ("select", "report")
#: The evidence columns :func:`_columns` makes per kind.
COLUMNS = ("dense", "coverage", "unseen", "latin")


def evidence(searcher: Any, questions: list[Any]) -> list[dict[str, Any]]:
    """Per question: its evidence with the whole corpus and, for answerable ones, after deleting its answers."""
    from index.abstain import content_words, gather, seen_words
    from index.query import analyze_queries

    store = searcher.store
    infos = analyze_queries(store.analyzer, [q.query for q in questions], 10, "hybrid")
    texts = [info.text for info in infos]
    tokens = [store.tokenizer(t) for t in texts]
    words = [content_words(t) for t in tokens]
    vectors = searcher.embedder.encode(texts, query=True)
    dense = store.dense_search(vectors, 1, None)
    lexical = store.lexical_search(tokens, 1, None)
    seen = seen_words(store, (w for ws in words for w in ws), None)
    facts = store.facts({ranked[0][0] for ranked in lexical if ranked})
    doc_of = np.array([c.doc_id for c in store.all_chunks()])
    rows = []
    for n, question in enumerate(questions):
        whole = gather(dense[n], lexical[n], words[n], facts, seen)
        row = {"id": question.id, "query": question.query, "answerable": question.answerable, "whole": asdict(whole)}
        if question.answerable:
            kept = ~np.isin(doc_of, sorted({e.doc for e in question.relevant}))
            d = store.dense_search(vectors[n : n + 1], 1, kept)[0]
            lx = store.lexical_search([tokens[n]], 1, kept)[0]
            left = gather(d, lx, words[n], store.facts({lx[0][0]} if lx else set()), seen_words(store, words[n], kept))
            row["removed"] = asdict(left)
        rows.append(row)
    return rows


def _columns(rows: list[dict[str, Any]]) -> dict[str, dict[str, np.ndarray]]:
    """Per kind, the evidence as arrays: dense, coverage, unseen share, and whether the question is in Latin letters."""
    out = {}
    for kind in KINDS:
        picked = [(r["query"], r["removed" if kind == "removed" else "whole"]) for r in rows if _is(r, kind)]
        values = [(q, Evidence(**{**e, "unseen": tuple(e["unseen"])})) for q, e in picked]
        out[kind] = {
            "dense": np.array([e.best_dense for _, e in values], dtype=float),
            "coverage": np.array([e.coverage for _, e in values], dtype=float),
            "unseen": np.array([e.unseen_share for _, e in values], dtype=float),
            "latin": np.array([is_latin(q) for q, _ in values], dtype=bool),
        }
    return out


def _is(row: dict[str, Any], kind: str) -> bool:
    return bool(row["answerable"]) if kind in ("answerable", "removed") else not row["answerable"]


def _refused(rule: AbstainRule, c: dict[str, np.ndarray]) -> np.ndarray:
    """The rule's verdicts on columns of evidence (the same as :meth:`AbstainRule.abstains`, vectorised)."""
    weak = c["coverage"] < rule.min_coverage
    latin = (c["dense"] < rule.min_dense_latin) & weak
    unseen = (c["unseen"] >= rule.max_unseen) & (c["dense"] < rule.unseen_dense)
    return np.where(c["latin"], latin, unseen | ((c["dense"] < rule.min_dense) & weak))


def rates(rule: AbstainRule, rows: list[dict[str, Any]]) -> dict[str, float | int]:
    """Share refused per kind: answerable (should be 0), removed and unanswerable (should be 1)."""
    columns = _columns(rows)
    got = {kind: _refused(rule, columns[kind]) for kind in KINDS}

    def share(values: np.ndarray) -> float:
        return round(float(values.mean()), 4) if values.size else float("nan")

    should = np.concatenate([got["removed"], got["unanswerable"]])
    return {
        "answerable_refused": share(got["answerable"]),
        "removed_refused": share(got["removed"]),
        "unanswerable_refused": share(got["unanswerable"]),
        "should_refuse_refused": share(should),
        "answerable": int(got["answerable"].size),
        "should_refuse": int(should.size),
    }


def candidates() -> list[AbstainRule]:
    """The grid: today's Latin bar; every (dense bar, coverage, unseen share, unseen bar ≥ dense bar)."""
    latin = AbstainRule().min_dense_latin
    return [
        AbstainRule(bar, coverage, unseen, unseen_bar, latin)
        for bar in DENSE_BARS
        for coverage in COVERAGES
        for unseen in UNSEEN_SHARES
        for unseen_bar in UNSEEN_BARS
        if unseen_bar >= bar
    ]


def calibrate(benches: dict[str, list[dict[str, Any]]], max_wrong: float) -> dict[str, Any]:
    """The grid's best rule on the select half, and today's and the chosen rule's rates on both halves per benchmark.

    The best rule refuses the largest share of unanswerable plus removed questions (each kind
    weighs equally, pooled over benchmarks) while refusing at most ``max_wrong`` of the
    answerable questions of every benchmark.
    """
    select = {name: [r for r in rows if half_of(r["id"]) == "select"] for name, rows in benches.items()}
    columns = {name: _columns(rows) for name, rows in select.items()}
    pooled = {k: {c: np.concatenate([got[k][c] for got in columns.values()]) for c in COLUMNS} for k in KINDS}
    best, best_key = AbstainRule(), (-1.0, 0.0)
    for rule in candidates():
        wrong = [
            float(_refused(rule, c["answerable"]).mean()) for c in columns.values() if c["answerable"]["latin"].size
        ]
        if wrong and max(wrong) > max_wrong:
            continue
        gains = [
            float(_refused(rule, pooled[k]).mean()) for k in ("removed", "unanswerable") if pooled[k]["latin"].size
        ]
        key = (sum(gains) / len(gains) if gains else 0.0, -max(wrong, default=0.0))
        if key > best_key:
            best, best_key = rule, key

    def report(rule: AbstainRule) -> dict[str, Any]:
        return {
            "rule": asdict(rule),
            "per_bench": {
                name: {half: rates(rule, [r for r in rows if half_of(r["id"]) == half]) for half in HALVES}
                for name, rows in benches.items()
            },
        }

    return {"current": report(AbstainRule()), "chosen": report(best), "max_wrong": max_wrong}


def table(result: dict[str, Any]) -> str:
    """A Markdown table: per benchmark and half, the share refused of each kind by today's and the chosen rule."""
    lines = [
        "| rule | benchmark | half | answerable refused | removed refused | unanswerable refused |",
        "|---|---|---|---|---|---|",
    ]
    for which in ("current", "chosen"):
        for name, halves in result[which]["per_bench"].items():
            for half, got in halves.items():
                cells = [_cell(got[f"{kind}_refused"]) for kind in KINDS]
                lines.append(f"| {which} | {name} | {half} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _cell(value: float) -> str:
    return "—" if value != value else f"{100 * value:.1f} %"


def main(argv: list[str] | None = None) -> int:
    """Compute the evidence on every benchmark, choose on one half, report the other."""
    parser = argparse.ArgumentParser(prog="python -m eval.abstain", description=__doc__.splitlines()[0])
    add_bench_option(parser)
    parser.add_argument("--max-wrong", type=float, default=0.01, help="answerable questions refused at most, per set")
    parser.add_argument("--out", type=Path, default=Path("build/abstain"), help="report directory")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")

    from eval.relevance import load_questions
    from index import Searcher

    built: dict[str, Any] = {}
    benches: dict[str, list[dict[str, Any]]] = {}
    for name, queries, corpus in args.bench:
        if corpus not in built:
            built[corpus] = Searcher.build(Path(corpus), None, show_progress=True)
        benches[name] = evidence(built[corpus], load_questions(queries))
    result = calibrate(benches, args.max_wrong)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "abstain.json").write_text(
        json.dumps({**result, "rows": benches}, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    (args.out / "abstain.md").write_text(table(result) + "\n", encoding="utf-8")
    print(json.dumps({k: v["rule"] for k, v in result.items() if isinstance(v, dict)}, ensure_ascii=False, indent=2))
    print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
