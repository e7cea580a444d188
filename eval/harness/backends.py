r"""``python -m eval.harness.backends``: the encoder backends side by side, in one run, alternating.

Not a test: it measures this machine. For each backend (torch, onnx, onnx-int8 and any
variant asked for) it times, in rounds that alternate the backends so a noisy shared CPU
weighs on all of them alike:

- passages per second (batch 32) on a sample of a corpus's texts (chunks and sentence views),
- single questions, p50 / p90, on a quiet CPU and while a competing CPU-bound process runs
  (another encoder looping on two threads, started for the "load" rounds and stopped after),
- questions per second in batches of 16,

and reports every backend's cosine to PyTorch fp32 (mean and minimum) on the questions and
the passages. Example (docs/performance.md came from it)::

    python -m eval.harness.backends --corpus ../shared/corpus/laws \
        --queries ../shared/bench/msgabench/queries.dev.jsonl --out build/perf/backends.json
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from eval.metrics import percentile
from index.encoders.base import BACKENDS

#: A competing CPU-bound process: the bundled model on PyTorch, encoding passages in a loop on 2 threads.
COMPETITOR = (
    "import torch; torch.set_num_threads(2)\n"
    "from index.encoders.base import SentenceTransformerEmbedder\n"
    "e = SentenceTransformerEmbedder()\n"
    "texts = ['第十二条 县级以上人民政府应当加强对安全生产工作的领导。' * 8] * 16\n"
    "while True: e.encode(texts)\n"
)


def variants(names: list[str]) -> dict[str, Any]:
    """Embedders by name: a backend, or variants of an ONNX one ("onnx-int8:threads=1", ":spin")."""
    from index.encoders.factory import make_embedder
    from index.encoders.onnx_embed import OnnxEmbedder

    out: dict[str, Any] = {}
    for name in names:
        backend, _, extra = name.partition(":")
        if not extra:
            out[name] = make_embedder(None, backend)
            continue
        options = dict(part.partition("=")[::2] for part in extra.split(","))
        threads = int(options["threads"]) if options.get("threads") else None
        out[name] = OnnxEmbedder(None, backend, threads=threads, spin="spin" in options)
    return out


def _texts(corpus: Path, n: int, rng: random.Random) -> list[str]:
    import ingest
    from index.views import sentence_views

    chunks = [c for notice in ingest.load_notices(corpus) for c in notice.chunks]
    texts = [t for c in rng.sample(chunks, min(len(chunks), n)) for t in (c.text, *sentence_views(c))]
    return rng.sample(texts, min(n, len(texts)))


def _questions(path: Path, n: int) -> list[str]:
    from eval.relevance import load_questions

    return [q.query for q in load_questions(path)][:n]


def _singles(embedder: Any, questions: list[str]) -> list[float]:
    out = []
    for question in questions:
        started = time.perf_counter()
        embedder.encode([question], query=True)
        out.append((time.perf_counter() - started) * 1000)
    return out


def _rate(encode: Any, texts: list[str], size: int) -> float:
    started = time.perf_counter()
    for start in range(0, len(texts), size):
        encode(texts[start : start + size])
    return len(texts) / (time.perf_counter() - started)


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Do the measurements; returns the report."""
    rng = random.Random(args.seed)
    embedders = variants(args.backends)
    passages = _texts(args.corpus, args.passages, rng)
    questions = _questions(args.queries, args.questions)
    for embedder in embedders.values():  # warm up
        embedder.encode(passages[:32])
        embedder.encode(questions[:16], query=True)
    runs: dict[str, dict[str, list[float]]] = {
        n: {"passages": [], "quiet": [], "load": [], "batch16": []} for n in embedders
    }
    for round_ in range(args.rounds):
        for name, embedder in embedders.items():
            runs[name]["passages"].append(_rate(embedder.encode, passages, 32))
            runs[name]["quiet"] += _singles(embedder, questions)
            runs[name]["batch16"].append(_rate(lambda b, e=embedder: e.encode(b, query=True), questions, 16))
            print(f"round {round_ + 1} quiet {name}: {runs[name]['passages'][-1]:.1f} passages/s", flush=True)
        competitor = subprocess.Popen([sys.executable, "-c", COMPETITOR], stdout=subprocess.DEVNULL)
        time.sleep(args.warmup)
        try:
            for name, embedder in embedders.items():
                runs[name]["load"] += _singles(embedder, questions)
                print(f"round {round_ + 1} load {name}: p50 {percentile(runs[name]['load'], 50):.1f} ms", flush=True)
        finally:
            competitor.kill()
            competitor.wait()
    reference = embedders.get("torch")
    truth = (
        {  # PyTorch's vectors, encoded once for every backend's comparison
            kind: reference.encode(texts, query=query)
            for kind, texts, query in (("questions", questions, True), ("passages", passages, False))
        }
        if reference is not None
        else {}
    )
    report: dict[str, Any] = {
        "passages": len(passages), "questions": len(questions), "rounds": args.rounds, "backends": {},
    }  # fmt: skip
    for name, embedder in embedders.items():
        r = runs[name]
        row = {
            "passages_per_s": round(float(np.median(r["passages"])), 1),
            "quiet_p50_ms": round(percentile(r["quiet"], 50), 1),
            "quiet_p90_ms": round(percentile(r["quiet"], 90), 1),
            "load_p50_ms": round(percentile(r["load"], 50), 1),
            "load_p90_ms": round(percentile(r["load"], 90), 1),
            "batch16_per_s": round(float(np.median(r["batch16"])), 1),
        }
        if reference is not None:
            for kind, texts, query in (("questions", questions, True), ("passages", passages, False)):
                cos = (embedder.encode(texts, query=query) * truth[kind]).sum(axis=1)
                row[f"cosine_{kind}"] = {"mean": round(float(cos.mean()), 4), "min": round(float(cos.min()), 4)}
        report["backends"][name] = row
    return report


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run, print (and write) the report."""
    parser = argparse.ArgumentParser(prog="python -m eval.harness.backends", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="notices whose texts are the passages")
    parser.add_argument("--queries", type=Path, required=True, help="a question file (JSON Lines)")
    parser.add_argument(
        "--backends", nargs="+", default=list(BACKENDS),
        help="backends to compare; ONNX variants as onnx-int8:threads=1 or onnx-int8:spin",
    )  # fmt: skip
    parser.add_argument("--passages", type=int, default=640, help="passages timed per round (default 640)")
    parser.add_argument("--questions", type=int, default=200, help="questions timed per round (default 200)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds the competitor runs before timing")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, help="also write the report here (JSON)")
    args = parser.parse_args(argv)
    report = run(args)
    text = json.dumps(report, ensure_ascii=False, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
