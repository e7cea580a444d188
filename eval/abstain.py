r"""``python -m eval.abstain``: fit the abstain rule leaving each corpus out, and print what it refuses per corpus.

The rule (:class:`index.abstain.AbstainRule`) is a logistic model over each question's evidence
(:class:`index.abstain.Evidence`: the best cosine over the corpus's null, its gap over the dense
candidates, the best BM25 hit's coverage, the share of unseen words). The evidence is computed
once per question and corpus, for:

- **answerable**: every answerable question of each ``--bench``, against its own corpus;
- **off-topic**: the benchmarks' questions without a relevant clause (``eval/queries/offtopic.jsonl``
  and the dev set's), and **cross-corpus** questions: up to ``--cross`` answerable questions of
  every *other* benchmark asked of each corpus (never one that is also asked of it as answerable);
- **removed** (reported, not fitted): an answerable question after deleting every notice that
  answers it. On corpora of near-duplicate passages another one still answers it.

Leave one corpus out: for each corpus, the model and its threshold are fitted on the others only
and it is reported on the corpus it never saw. The threshold is the highest at which the
answerable questions refused, averaged over the fitting corpora, stay at most ``--max-wrong``.
The rule shipped is the fit on all corpora, the threshold folded into its bias.

    python -m eval.abstain --bench dev eval/queries/dev.jsonl data/notices \
        --bench offtopic eval/queries/offtopic.jsonl data/notices \
        --bench lay eval/queries/lay.jsonl data/notices \
        --bench wild eval/queries/wild.jsonl ../shared/corpus/wild \
        --bench lay-wild eval/queries/lay_wild.jsonl ../shared/corpus/wild \
        --bench laws eval/queries/laws.jsonl build/laws300 \
        --bench laws-passages build/laws-passages/queries.jsonl build/laws-passages/passages.jsonl \
        --bench msga ../shared/bench/msgabench/queries.dev.jsonl ../shared/bench/msgabench/passages.jsonl

A corpus may be an index directory (one with ``manifest.json``) instead of its files.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from eval.halves import add_bench_option
from index.abstain import FEATURES, AbstainRule, Evidence

#: Cross-corpus questions asked of each corpus, per other benchmark.
CROSS = 150
#: Ridge penalty of the logistic fit (on standardised features).
L2 = 0.01
#: Answerable-refusal bars the frontier table shows.
FRONTIER = (0.01, 0.02, 0.03, 0.05, 0.08)


def evidence(searcher: Any, questions: list[Any], removed: bool = True) -> list[dict[str, Any]]:
    """Per question: its evidence against the whole corpus and, for answerable ones, after deleting its answers."""
    from index.abstain import (
        NULL_QUESTIONS,
        content_words,
        corpus_null,
        gather,
        null_likeness,
        seen_words,
    )  # fmt: skip
    from index.fuse import CANDIDATES
    from index.pipeline import placed
    from index.query import analyze_queries

    store = searcher.store
    infos = analyze_queries(store.analyzer, [q.query for q in questions], 10, "hybrid")
    texts = [info.text for info in infos]
    tokens = [store.tokenizer(t) for t in texts]
    words = [content_words(t, info.named_places) for t, info in zip(tokens, infos, strict=True)]
    vectors = searcher.embedder.encode(texts, query=True)
    probes = searcher.embedder.encode(list(NULL_QUESTIONS), query=True)
    null = corpus_null(store, probes, None)
    likeness = null_likeness(np.asarray(vectors, dtype=np.float32), np.asarray(probes, dtype=np.float32))
    dense = store.dense_search(vectors, CANDIDATES, None)  # as many candidates as a search weighs
    lexical = store.lexical_search(tokens, CANDIDATES, None)
    seen = seen_words(store, (w for ws in words for w in ws), None)
    facts = store.facts({ranked[0][0] for ranked in lexical if ranked})
    doc_of = np.array([c.doc_id for c in store.all_chunks()])
    tops = searcher.run([q.query for q in questions], 1)  # the place rule reads the best clause's notice
    rows = []
    for n, question in enumerate(questions):
        whole = gather(dense[n], lexical[n], words[n], facts, seen, null, likeness[n])
        row = {"id": question.id, "query": question.query, "answerable": question.answerable, "whole": asdict(whole)}
        top = tops[n]
        row["place"] = bool(top.info.foreign_places and top.hits and placed(searcher, top.hits[0].doc_id))
        if question.answerable and removed:
            kept = ~np.isin(doc_of, sorted({e.doc for e in question.relevant}))
            d = store.dense_search(vectors[n : n + 1], CANDIDATES, kept)[0]
            lx = store.lexical_search([tokens[n]], CANDIDATES, kept)[0]
            left = gather(
                d, lx, words[n], store.facts({lx[0][0]} if lx else set()), seen_words(store, words[n], kept),
                corpus_null(store, probes, kept), likeness[n],
            )  # fmt: skip
            row["removed"] = asdict(left)
        rows.append(row)
    return rows


def _evidence(record: dict[str, Any]) -> Evidence:
    return Evidence(**{**record, "unseen": tuple(record["unseen"])})


def matrix(rows: list[dict[str, Any]], which: str = "whole") -> np.ndarray:
    """The rule's features (:data:`index.abstain.FEATURES`) of each row's evidence, one row each."""
    rule = AbstainRule()
    return np.array([rule.features(r["query"], _evidence(r[which])) for r in rows], dtype=float).reshape(-1, 4)


def fit(x: np.ndarray, y: np.ndarray, groups: np.ndarray, l2: float = L2) -> tuple[np.ndarray, float]:
    """Logistic regression by Newton's method; (weights, bias) on raw features.

    Every (group, class) cell weighs the same in total, so that a corpus of a thousand questions
    does not outvote one of a hundred, nor one class the other.
    """
    mean, scale = x.mean(0), x.std(0) + 1e-9
    z = np.c_[(x - mean) / scale, np.ones(len(x))]
    w = np.zeros(z.shape[1])
    cells = {(g, c): np.sum((groups == g) & (y == c)) for g in set(groups) for c in (0, 1)}
    weight = np.array([len(y) / (len(cells) * cells[(g, c)]) for g, c in zip(groups, y, strict=True)])
    ridge = np.diag([l2] * (z.shape[1] - 1) + [0.0])
    for _ in range(50):
        p = 1 / (1 + np.exp(-z @ w))
        grad = z.T @ (weight * (p - y)) / len(y) + ridge @ w
        hess = (z * (weight * p * (1 - p))[:, None]).T @ z / len(y) + ridge + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    weights = w[:-1] / scale
    return weights, float(w[-1] - (weights * mean).sum())


def threshold(scores: np.ndarray, corpus: np.ndarray, answerable: np.ndarray, max_wrong: float) -> float:
    """The highest score bar whose answerable refusals, averaged over corpora, stay at most ``max_wrong``."""
    names = sorted(set(corpus[answerable]))
    candidates = np.unique(scores[answerable])
    best = float(candidates.min()) - 1e-9
    for bar in candidates:  # refused: score < bar
        wrong = np.mean([np.mean(scores[answerable & (corpus == c)] < bar) for c in names])
        if wrong <= max_wrong:
            best = float(bar)
        else:
            break
    return best


def rule_of(weights: np.ndarray, bias: float, bar: float) -> AbstainRule:
    """The rule refusing below ``bar``: the bar folded into the bias (rounded for the source)."""
    w = [round(float(v), 3) for v in weights]
    return AbstainRule(*w, bias=round(bias - bar, 3))


def train(rows: list[dict[str, Any]], max_wrong: float) -> AbstainRule:
    """Fit the rule on rows (answerable and off-topic, any corpora) at the answerable-refusal bar."""
    x, y = matrix(rows), np.array([r["answerable"] for r in rows], dtype=float)
    corpus = np.array([r["corpus"] for r in rows])
    weights, bias = fit(x, y, corpus)
    scores = x @ weights + bias
    return rule_of(weights, bias, threshold(scores, corpus, y == 1, max_wrong))


def refused(rule: Any, rows: list[dict[str, Any]], which: str = "whole") -> np.ndarray:
    """The verdict on each row: the rule's, or the place rule's (the best clause is of another place)."""
    return np.array(
        [rule.abstains(r["query"], _evidence(r[which])) or (which == "whole" and r.get("place")) for r in rows],
        dtype=bool,
    )


class PreviousRule:
    """The rule before issue 41, for the comparison row: refused on unseen words or a low raw cosine."""

    def abstains(self, query: str, e: Evidence) -> bool:
        """The verdict of 2026-12-05's rule (min_dense 0.8775, min_coverage 0.8, max_unseen 0.34 …)."""
        from index.abstain import is_latin

        weak = e.coverage < 0.8
        if is_latin(query):
            return e.best_dense < 0.785 and weak
        return (e.unseen_share >= 0.34 and e.best_dense < 0.915) or (e.best_dense < 0.8775 and weak)


def rates(rule: Any, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Share refused per kind (answerable should be 0; off-topic and cross-corpus 1; removed reported)."""
    kinds = {
        "answerable": [r for r in rows if r["answerable"]],
        "offtopic": [r for r in rows if not r["answerable"] and not r.get("cross")],
        "cross": [r for r in rows if r.get("cross")],
    }
    out: dict[str, Any] = {}
    for kind, picked in kinds.items():
        got = refused(rule, picked)
        out[kind] = round(float(got.mean()), 4) if got.size else None
        out[f"{kind}_n"] = int(got.size)
    removed = [r for r in rows if r["answerable"] and "removed" in r]
    out["removed"] = round(float(refused(rule, removed, "removed").mean()), 4) if removed else None
    return out


def leave_one_out(rows: list[dict[str, Any]], max_wrong: float) -> dict[str, Any]:
    """Per corpus: the rule fitted without it, and what that rule refuses of it."""
    out = {}
    for corpus in sorted({r["corpus"] for r in rows}):
        fitted = train([r for r in rows if r["corpus"] != corpus], max_wrong)
        out[corpus] = {"rule": asdict(fitted), **rates(fitted, [r for r in rows if r["corpus"] == corpus])}
    return out


def calibrate(rows: list[dict[str, Any]], max_wrong: float) -> dict[str, Any]:
    """The shipped rule (fit on all), today's rule, and each corpus left out; plus the frontier of bars."""
    chosen = train(rows, max_wrong)
    corpora = sorted({r["corpus"] for r in rows})
    per = {c: [r for r in rows if r["corpus"] == c] for c in corpora}
    frontier = {}
    for bar in FRONTIER:
        held = leave_one_out(rows, bar)
        frontier[str(bar)] = {c: {k: held[c][k] for k in ("answerable", "offtopic", "cross")} for c in corpora}
    return {
        "max_wrong": max_wrong,
        "features": list(FEATURES),
        "chosen": {"rule": asdict(chosen), "per_corpus": {c: rates(chosen, per[c]) for c in corpora}},
        "previous": {"per_corpus": {c: rates(PreviousRule(), per[c]) for c in corpora}},
        "left_out": leave_one_out(rows, max_wrong),
        "frontier": frontier,
    }


def _cell(value: float | None, n: int | None = None) -> str:
    if value is None:
        return "—"
    return f"{100 * value:.1f} %" + (f" ({n})" if n is not None else "")


def table(result: dict[str, Any]) -> str:
    """Markdown: per corpus, the shares refused by the rule fitted without it, the shipped rule and the one before."""
    lines = [
        "| corpus | rule | answerable refused | off-topic refused | cross-corpus refused | removed refused |",
        "|---|---|---|---|---|---|",
    ]
    for corpus, got in result["left_out"].items():
        for name, rates_ in (
            ("left out", got),
            ("shipped", result["chosen"]["per_corpus"][corpus]),
            ("before", result["previous"]["per_corpus"][corpus]),
        ):
            cells = [_cell(rates_[k], rates_.get(f"{k}_n")) for k in ("answerable", "offtopic", "cross")]
            lines.append(f"| {corpus} | {name} | " + " | ".join(cells) + f" | {_cell(rates_['removed'])} |")
    lines += ["", "Left out, at other bars on the answerable refused (answerable / off-topic / cross-corpus):", ""]
    corpora = list(result["left_out"])
    lines += ["| bar | " + " | ".join(corpora) + " |", "|---|" + "---|" * len(corpora)]
    for bar, per in result["frontier"].items():
        cells = [" / ".join(_cell(per[c][k]) for k in ("answerable", "offtopic", "cross")) for c in corpora]
        lines.append(f"| {float(bar):.0%} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def gather_rows(benches: list[tuple[str, str, str]], cross: int, open_corpus: Any) -> list[dict[str, Any]]:
    """Every bench's questions against its corpus, and up to ``cross`` of every other bench's against it."""
    from eval.relevance import Question, load_questions

    questions = {name: load_questions(path) for name, path, _ in benches}
    corpora = {corpus for _, _, corpus in benches}
    rows: list[dict[str, Any]] = []
    for corpus in sorted(corpora):
        searcher = open_corpus(corpus)
        own = {q.query for name, _, c in benches if c == corpus for q in questions[name]}
        for name, _, c in benches:
            if c == corpus:
                picked, is_cross = questions[name], False
            else:
                pool = [q for q in questions[name] if q.answerable and q.query not in own]
                random.Random(f"{name}→{corpus}").shuffle(pool)
                picked, is_cross = [Question(f"{name}:{q.id}", q.query, "cross", []) for q in pool[:cross]], True
            for row in evidence(searcher, picked, removed=not is_cross):
                rows.append({**row, "set": name, "corpus": corpus, "cross": is_cross})
        logging.info("%s: %d rows so far", corpus, len(rows))
    return rows


def main(argv: list[str] | None = None) -> int:
    """Compute the evidence on every benchmark and corpus, fit leaving each corpus out, print the table."""
    parser = argparse.ArgumentParser(prog="python -m eval.abstain", description=__doc__.splitlines()[0])
    add_bench_option(parser)
    parser.add_argument("--max-wrong", type=float, default=0.04, help="answerable refused at most, mean over corpora")
    parser.add_argument("--cross", type=int, default=CROSS, help="other benchmarks' questions asked of each corpus")
    parser.add_argument("--out", type=Path, default=Path("build/abstain"), help="report directory")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")

    from index import Searcher

    def open_corpus(corpus: str) -> Any:
        if (Path(corpus) / "manifest.json").is_file():
            return Searcher.open(Path(corpus))
        return Searcher.build(Path(corpus), None, show_progress=True)

    rows = gather_rows([tuple(b) for b in args.bench], args.cross, open_corpus)
    result = calibrate(rows, args.max_wrong)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "abstain.json").write_text(
        json.dumps({**result, "rows": rows}, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    (args.out / "abstain.md").write_text(table(result) + "\n", encoding="utf-8")
    print(json.dumps(result["chosen"]["rule"], ensure_ascii=False))
    print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
