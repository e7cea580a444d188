"""The figures ranx gives on tests/data/ranx, which tests/test_compare.py holds eval.compare to.

ranx is not a dependency (numba and llvmlite, ≈ 700 MB with its own); run this in a venv of its own:

    python3.11 -m venv /tmp/ranx && /tmp/ranx/bin/pip install ranx==0.3.21
    /tmp/ranx/bin/python docs/experiments/ranx_check.py
"""

from ranx import Qrels, Run, compare, evaluate

DATA = "tests/data/ranx"
METRICS = ["ndcg@10", "mrr@10", "recall@5", "hit_rate@3"]

qrels = Qrels.from_file(f"{DATA}/qrels.trec", kind="trec")
runs = [Run.from_file(f"{DATA}/{name}.trec", kind="trec", name=name) for name in ("a", "b")]
for run in runs:
    print(run.name, {m: round(v, 6) for m, v in evaluate(qrels, run, METRICS).items()})
for test in ("student", "fisher"):
    report = compare(qrels, runs, METRICS, stat_test=test, n_permutations=10_000, rounding_digits=6)
    print(test, {m: round(report.comparisons[("a", "b")][m]["p_value"], 6) for m in METRICS})
