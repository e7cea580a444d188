"""IVF codes side by side at a million clauses: 4-bit fast scan (today's) against 8-bit, one process, alternating.

Build a scale index and keep it (``eval.harness.scale`` removes its own), then, from the project root::

    .venv/bin/python -c "from pathlib import Path; import eval.harness.scale as s; \
        s.build(1000000, Path('/tmp/idx1m'), None)"
    PYTHONPATH=. .venv/bin/python docs/experiments/ivf_codes.py /tmp/idx1m 300

The index is opened twice; in the second, FAISS's lists are replaced by 8-bit codes of the same
float vectors under the same trained coarse quantizer (the index built before 2026-12-07 held
those, probed 256 deep). Each distinct question is answered by both, the order switching every
question, so a noisy shared machine weighs on both alike. Prints p50/p95 of the whole answer and of
each stage, and how often both gave the same top 10. The twin's file is left beside the index.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

from eval.harness.ann import pool, question_texts
from eval.harness.scale import ScaleEmbedder
from eval.metrics import percentile
from index import Searcher
from index.dense import ivf_sq8_over


def eight_bit_twin(searcher: Searcher, file: Path) -> None:
    """Replace the searcher's fast-scan lists with 8-bit codes of the same vectors (same coarse quantizer).

    The twin is written to ``file`` and mapped from it, as an index built with 8-bit codes is opened.
    """
    import faiss

    dense = searcher.store.rows.dense
    vectors = dense.storage()
    twin = ivf_sq8_over(dense._index)
    sample = np.random.default_rng(0).choice(len(vectors), min(len(vectors), 500_000), replace=False)
    twin.train(np.ascontiguousarray(vectors[np.sort(sample)]))  # the coarse quantizer is trained: this trains the codes
    for start in range(0, len(vectors), 200_000):
        twin.add(np.ascontiguousarray(vectors[start : start + 200_000]))
    faiss.write_index(twin, str(file))
    del twin
    dense._index = faiss.read_index(str(file), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)


def main(folder: Path, questions: int) -> dict:
    """Time the same distinct questions on both searchers, alternating; return the figures."""
    embedder = ScaleEmbedder(pool())
    texts = question_texts(questions + 1)
    fast = Searcher.open(folder, embedder=embedder)
    eight = Searcher.open(folder, embedder=embedder)
    started = time.perf_counter()
    eight_bit_twin(eight, folder.parent / f"{folder.name}.8-bit-twin.faiss")
    print(f"8-bit twin built in {time.perf_counter() - started:.0f} s: {eight.store.rows.dense.params}", flush=True)
    variants = {"fast-scan": fast, "8-bit": eight}
    for searcher in variants.values():
        searcher.search(texts[0], k=10)
    total: dict[str, list[float]] = {name: [] for name in variants}
    stages: dict[str, dict[str, list[float]]] = {name: {} for name in variants}
    tops: dict[str, list[list[str]]] = {name: [] for name in variants}
    for i, text in enumerate(texts[1:]):
        order = list(variants.items()) if i % 2 == 0 else list(reversed(variants.items()))
        for name, searcher in order:
            started = time.perf_counter()
            result = searcher.run([text], k=10)[0]
            total[name].append((time.perf_counter() - started) * 1000)
            for stage, ms in result.timings.items():
                stages[name].setdefault(stage, []).append(ms)
            tops[name].append([hit.id for hit in result.hits])
    same = np.mean([a == b for a, b in zip(tops["fast-scan"], tops["8-bit"], strict=True)])
    overlap = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(tops["fast-scan"], tops["8-bit"], strict=True)])
    figures = {
        name: {
            "p50_ms": round(percentile(total[name], 50), 1), "p95_ms": round(percentile(total[name], 95), 1),
            "stage_p50_ms": {stage: round(percentile(ms, 50), 2) for stage, ms in stages[name].items()},
            "stage_p95_ms": {stage: round(percentile(ms, 95), 2) for stage, ms in stages[name].items()},
            "params": variants[name].store.rows.dense.params,
        }
        for name in variants
    }  # fmt: skip
    figures["same_top_10"] = round(float(same), 3)
    figures["top_10_overlap"] = round(float(overlap), 3)
    figures["questions"] = questions
    figures["date"] = time.strftime("%Y-%m-%d %H:%M")
    return figures


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 300), indent=1))
