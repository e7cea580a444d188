"""The fusion experiments behind issue 3's closing note (not part of the product or the tests).

    python docs/experiments/fusion_sweep.py dev|msga

Loads an index (build/index for the bundled notices, build/msga-index for MSGABench: build
them with ``python -m index build``), computes each question's dense and BM25 candidates once,
and scores variants offline: RRF, weighted RRF, convex α 0.6–0.85, the whole-chunk weight,
a character-bigram BM25 added to the word BM25, and dense pseudo-relevance feedback.
"""
# ruff: noqa

import re, sys, time

import numpy as np
from pathlib import Path
from index import Searcher
from index import searcher as S
from index.fuse import rrf, convex
from index.rank import boost, diversify
from eval.relevance import load_questions, answered_ranks
from eval.metrics import recall_at, rr_at


def load(idx, qf):
    s = Searcher.open(idx)
    qs = [q for q in load_questions(qf) if q.answerable]
    if True:  # candidate lists for every question, computed once per run
        infos = [s.analyzer(q.query) for q in qs]
        texts = [i.text for i in infos]
        qv = s.embedder.encode(texts, query=True)
        scores = s._score_rows(qv)  # rows x Q
        d = {"qv": qv, "texts": texts, "toks": [s.tokenizer(t) for t in texts]}
        d["full"] = scores[s._full_rows].T.copy()
        d["best"] = np.stack([np.maximum.reduceat(scores[:, j], s._full_rows) for j in range(len(texts))])
        d["bm25"] = np.stack([s.lexical.scores(t) for t in d["toks"]])
    infos = [s.analyzer(q.query) for q in qs]
    return s, qs, infos, d


def topk(v, k=100):
    idx = np.argpartition(-v, k)[:k] if v.size > k else np.arange(v.size)
    idx = idx[np.lexsort((idx, -v[idx]))]
    return [(int(i), float(v[i])) for i in idx]


def evaluate(s, qs, ranked_lists, K=(5, 10)):
    rs = {k: [] for k in K}
    mrr = []
    for q, ranked in zip(qs, ranked_lists):
        ranks = answered_ranks(q, [(s.chunks[i].doc_id, s.chunks[i].text) for i, _ in ranked[:10]])
        for k in K:
            rs[k].append(recall_at(ranks, k))
        mrr.append(rr_at(ranks, 10))
    return {f"R@{k}": round(float(np.mean(v)), 4) for k, v in rs.items()} | {"MRR": round(float(np.mean(mrr)), 4)}


def pipeline(s, infos, d, j, fuse, rules=True, fw=0.5, lex=None):
    dense = topk(fw * d["full"][j] + (1 - fw) * d["best"][j])
    lexical = [x for x in topk(d["bm25"][j] if lex is None else lex[j]) if x[1] > 0]
    fused = fuse(dense, lexical)
    if rules:
        fused = boost(fused, s.chunks, infos[j], s._squashed, s._titles)
        if infos[j].cross_doc:
            fused = diversify(fused, s.chunks)
    return fused


from index.views import context_text
from index.tokenize import normalize_text
from index.lexical import LexicalIndex

which = sys.argv[1]
cfg = {
    "dev": ("build/index", "eval/queries/dev.jsonl"),
    "msga": ("build/msga-index", "../shared/bench/msgabench/queries.dev.jsonl"),
}[which]
s, qs, infos, d = load(*cfg)
n = len(qs)
R = lambda f, **kw: evaluate(s, qs, [pipeline(s, infos, d, j, f, **kw) for j in range(n)])
print("rrf", R(lambda a, b: rrf([[i for i, _ in a], [i for i, _ in b]])))
print("convex.7", R(lambda a, b: convex(a, b, 0.7)))
print("dense", R(lambda a, b: a, rules=False))
for al in (0.6, 0.75, 0.8, 0.85):
    print("convex", al, R(lambda a, b: convex(a, b, al)))
for w in (1.5, 2, 3):
    print("rrf w", w, R(lambda a, b: rrf([[i for i, _ in a], [i for i, _ in b]], weights=[w, 1])))
for fw in (0.3, 0.7, 1.0):
    print("convex.7 fw", fw, R(lambda a, b: convex(a, b, 0.7), fw=fw))
HAN = re.compile(r"[\u4e00-\u9fff]+|[a-z0-9]+")


def bigrams(t):
    out = []
    for run in HAN.findall(normalize_text(t)):
        if run.isascii():
            out.append(run)
            continue
        if len(run) == 1:
            out.append(run)
        out += [run[i : i + 2] for i in range(len(run) - 1)]
    return out


STOP = set("什么 怎么 如何 哪些 是否 可以 请问 我们 应该 该如 么办 怎样 哪里 多少".split())
t = time.time()
big = LexicalIndex().build([bigrams(context_text(c)) for c in s.chunks])
print("bigram build", time.time() - t)
qb = [[b for b in bigrams(x) if b not in STOP] for x in d["texts"]]
B = np.stack([big.scores(q) for q in qb])
print("bigram only", R(lambda a, b: b, rules=False, lex=B))
W = d["bm25"]


def mm(M):
    mx = M.max(1, keepdims=True)
    mx[mx == 0] = 1
    return M / mx


for wb in (0.5, 1.0):
    comb = mm(W) + wb * mm(B)
    print(
        "word+bigram",
        wb,
        "bm25",
        R(lambda a, b: b, rules=False, lex=comb),
        "convex.7",
        R(lambda a, b: convex(a, b, 0.7), lex=comb),
        "convex.8",
        R(lambda a, b: convex(a, b, 0.8), lex=comb),
    )
# dense PRF
V = s._vectors
fr = s._full_rows
full_v = V[fr]
for m, beta in ((3, 0.3), (5, 0.5), (3, 0.6)):
    dense_scores = 0.5 * d["full"] + 0.5 * d["best"]
    top = np.argsort(-dense_scores, 1)[:, :m]
    q2 = d["qv"] + beta * full_v[top].mean(1)
    q2 /= np.linalg.norm(q2, axis=1, keepdims=True)
    full2 = q2 @ full_v.T
    allr = q2 @ V.T
    best2 = np.stack([np.maximum.reduceat(allr[j], fr) for j in range(n)])
    d2 = dict(d, full=full2, best=best2)
    print(
        "prf",
        m,
        beta,
        "dense",
        evaluate(s, qs, [pipeline(s, infos, d2, j, lambda a, b: a, rules=False) for j in range(n)]),
        "convex.7",
        evaluate(s, qs, [pipeline(s, infos, d2, j, lambda a, b: convex(a, b, 0.7)) for j in range(n)]),
    )
