"""Issue 41's fusion experiment: score normalisation and passage-level fusion, side by side in one run.

    python docs/experiments/passage_fusion.py NAME=INDEX:QUERIES ...

Each index is opened once; every question's dense and BM25 candidates (100 each) are computed
once; every variant then fuses the same lists, applies the structure rules and (on passage
benchmarks) keeps one chunk per passage. Variants:

- ``minmax α``: today's convex fusion of min-max scaled chunk scores;
- ``z α``: the same with z-scores (each list's mean and spread over its candidates);
- ``passage-z α``: each retriever's best chunk per passage, z-scored over passages, fused, and
  the passage shown by its best fused chunk (chunk benchmarks: the same as ``z``).

An item missing from one list gets that list's lowest normalised score.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from eval.metrics import hit_at, rr_at
from eval.relevance import answered_ranks, grouping, load_questions
from index import Searcher
from index.fuse import CANDIDATES, convex
from index.query import analyze_queries
from index.rank import apply_rules, one_per_doc

Ranked = list[tuple[Hashable, float]]


def zscore(ranking: Sequence[tuple[Hashable, float]]) -> dict[Hashable, float]:
    """Each item's (score − mean) / spread over the list; the spread 1 when all are equal."""
    if not ranking:
        return {}
    values = np.array([s for _, s in ranking], dtype=float)
    spread = float(values.std()) or 1.0
    mean = float(values.mean())
    return {key: (s - mean) / spread for key, s in ranking}


def z_fuse(dense: Ranked, lexical: Ranked, alpha: float) -> Ranked:
    """Convex fusion of z-scores; an item missing from a list gets that list's lowest z."""
    zd, zl = zscore(dense), zscore(lexical)
    low_d, low_l = min(zd.values(), default=0.0), min(zl.values(), default=0.0)
    keys = dict.fromkeys([k for k, _ in dense] + [k for k, _ in lexical])
    scores = {k: alpha * zd.get(k, low_d) + (1 - alpha) * zl.get(k, low_l) for k in keys}
    return sorted(scores.items(), key=lambda kv: -kv[1])


def best_per_doc(ranking: Ranked, doc_of: dict[Hashable, str]) -> dict[str, float]:
    """Each passage's best score in a ranking of chunks."""
    out: dict[str, float] = {}
    for key, s in ranking:
        doc = doc_of[key]
        out[doc] = max(s, out.get(doc, -np.inf))
    return out


def passage_fuse(dense: Ranked, lexical: Ranked, alpha: float, doc_of: dict[Hashable, str]) -> Ranked:
    """Passage scores fused from each retriever's best chunk per passage (z-scored), shown by the best chunk."""
    pd, pl = best_per_doc(dense, doc_of), best_per_doc(lexical, doc_of)
    zd, zl = zscore(list(pd.items())), zscore(list(pl.items()))
    low_d, low_l = min(zd.values(), default=0.0), min(zl.values(), default=0.0)
    passage = {d: alpha * zd.get(d, low_d) + (1 - alpha) * zl.get(d, low_l) for d in dict.fromkeys([*pd, *pl])}
    chunks = z_fuse(dense, lexical, alpha)  # the order of chunks within a passage
    shown: dict[str, Hashable] = {}
    for key, _ in chunks:
        shown.setdefault(doc_of[key], key)
    return sorted(((shown[d], s) for d, s in passage.items()), key=lambda kv: -kv[1])


def plain_lists(searcher: Searcher, questions: list, group: str | None, facts: dict, doc_of: dict) -> list[Ranked]:
    """The plain baseline's top 100 per question as (chunk key, score): a passage's best chunk stands for it."""
    from eval.plain import PlainBaseline

    chunks = searcher.all_chunks()
    baseline = PlainBaseline(chunks, group)
    key_of = {c.id: k for k, c in ((k, f.chunk) for k, f in facts.items())}
    first_key: dict[str, Hashable] = {}
    for k, f in facts.items():
        first_key.setdefault(f.chunk.doc_id, k)
    out = []
    for q in questions:
        ranked = []
        for unit, score in baseline.rank(q.query, CANDIDATES):
            key = first_key.get(unit.doc_id) if group == "doc" else key_of.get(unit.id)
            if key is not None and score > 0:
                ranked.append((key, score))
        out.append(ranked)
    return out


def main(specs: list[str]) -> None:
    """Measure every variant on every NAME=INDEX:QUERIES and print one table."""
    variants: dict[str, Callable[..., Ranked]] = {}
    for a in (0.5, 0.6, 0.7, 0.8):
        variants[f"minmax {a}"] = lambda d, lx, doc_of, a=a: convex(d, lx, a)
        variants[f"z {a}"] = lambda d, lx, doc_of, a=a: z_fuse(d, lx, a)
        variants[f"passage-z {a}"] = lambda d, lx, doc_of, a=a: passage_fuse(d, lx, a, doc_of)
    variants["dense"] = lambda d, lx, doc_of: list(d)
    variants["bm25"] = lambda d, lx, doc_of: list(lx)
    variants["plain"] = lambda d, lx, doc_of: list(lx)  # the lexical list is the plain baseline's here
    for a in (0.5, 0.6, 0.7):
        variants[f"plain+dense passage-z {a}"] = lambda d, lx, doc_of, a=a: passage_fuse(d, lx, a, doc_of)
    table: dict[str, dict[str, str]] = {v: {} for v in variants}
    for spec in specs:
        name, rest = spec.split("=", 1)
        index, queries = rest.split(":", 1)
        searcher = Searcher.open(Path(index))
        store = searcher.store
        questions = [q for q in load_questions(queries) if q.answerable]
        group = grouping("auto", questions)
        infos = analyze_queries(store.analyzer, [q.query for q in questions], 10, "convex")
        texts = [i.text for i in infos]
        tokens = [store.tokenizer(t) for t in texts]
        dense = store.dense_search(searcher.embedder.encode(texts, query=True), CANDIDATES, None)
        lexical = store.lexical_search(tokens, CANDIDATES, None)
        facts = store.facts(range(len(store.chunks)))  # local store: keys are chunk numbers
        doc_of = {k: f.chunk.doc_id for k, f in facts.items()}
        plain = plain_lists(searcher, questions, group, facts, doc_of)
        for vname, fuse in variants.items():
            r1, mrr = [], []
            lists = plain if vname.startswith("plain") else lexical
            for q, info, d, lx in zip(questions, infos, dense, lists, strict=True):
                ranked = fuse(d, lx, doc_of) if group == "doc" or not vname.startswith("passage") else []
                if vname not in ("dense", "bm25", "plain"):
                    ranked = apply_rules(ranked, facts, info)
                if group == "doc":
                    ranked = one_per_doc(ranked, facts)
                ranks = answered_ranks(q, [(facts[k].chunk.doc_id, facts[k].chunk.text) for k, _ in ranked[:10]])
                r1.append(hit_at(ranks, 1))
                mrr.append(rr_at(ranks, 10))
            table[vname][name] = f"{np.mean(r1):.3f} / {np.mean(mrr):.3f}" if ranked or group == "doc" else "—"
        print(name, "done", file=sys.stderr)
    names = [s.split("=", 1)[0] for s in specs]
    print("| fusion | " + " | ".join(f"{n} Hit@1 / MRR@10" for n in names) + " |")
    print("|---|" + "---|" * len(names))
    for vname, row in table.items():
        print(f"| {vname} | " + " | ".join(row.get(n, "") for n in names) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
