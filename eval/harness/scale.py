r"""``python -m eval.harness.scale``: the growth curve of a local index, on a scale corpus that costs no encoding.

**The corpus.** The laws corpus parsed once (≈ 111k chunks), then copied until the size asked
for: copy c renames each law (``<doc_id>~c``), moves its years by c, rewrites its numbers and
swaps its province for another, so BM25's vocabulary, postings and the filters' values grow as
new notices' would. **The vectors** cost nothing: a passage's vector is a real cached passage
vector (the embedding cache of this machine, ``eval.harness.ann.pool``) chosen by the hash of its text
without digits, moved by a small step chosen by the hash of its whole text and renormalised, so
a law's copies are near each other, as near-duplicate notices are. Questions are real and
distinct (``eval.harness.ann.question_texts``: MSGABench's dev questions when ../shared holds them, then
the repo's dev, laws and wild questions), encoded by the bundled model; none is asked twice, so no
question finds its chunks decoded or its terms' postings made by an earlier one.

What it models: the index's own costs (build from vectors in hand, memory, disk, cold load,
latency single and batched, adding and removing a notice, folding changes in). What it does not:
encoding (measured by ``python -m eval.harness.bench``), answer quality (``python -m eval``), and the
semantic structure of a real province's notices (ANN recall on these vectors: ``python -m eval.harness.ann``).

    python -m eval.harness.scale --sizes 100000,300000,1000000 --out build/scale

Each size is built and measured in a child process of its own (peak memory is that process's),
writing ``OUT/<size>.json``; ``OUT/curve.json``, ``OUT/curve.md`` and ``OUT/curve.png`` gather them.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import resource
import shutil
import subprocess
import sys
import time
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from eval.metrics import percentile
from index.paths import ROOT

LAWS = ROOT.parent / "shared" / "corpus" / "laws"
PROVINCES = ("山东", "江苏", "浙江", "广东", "河南", "四川", "湖北", "湖南", "河北", "福建", "安徽", "陕西")
_PROVINCE = re.compile("|".join(PROVINCES))
_YEAR = re.compile(r"(19|20)(\d\d)(?=年)")
_NUMBER = re.compile(r"(?<![\d年])(\d{1,3})(?=[个项条日天家万元%])")
_DIGITS = re.compile(r"\d+")
#: Length of the step that moves a copy's vector off its pool vector (cosine ≈ 0.99).
NOISE = 0.15


def copy_chunk(chunk: Any, copy: int) -> Any:
    r"""Copy ``copy`` (≥ 1) of a chunk: its law renamed, years moved, numbers rewritten, province swapped.

    >>> from ingest import parse_text
    >>> c = parse_text("山东省某条例\n第一条 2020年起，3个工作日内办结。", "law").chunks[0]
    >>> k = copy_chunk(c, 2)
    >>> k.doc_id, k.id.startswith("law~2#"), k.text
    ('law~2', True, '第一条 2022年起，5个工作日内办结。')
    """
    province = PROVINCES[copy % len(PROVINCES)]

    def text(value: str) -> str:
        value = _YEAR.sub(lambda m: f"{int(m.group(0)) + copy}", value)
        value = _NUMBER.sub(lambda m: str(int(m.group(1)) + copy), value)
        return _PROVINCE.sub(province, value)

    doc_id = f"{chunk.doc_id}~{copy}"
    date = chunk.date
    if date and date[:4].isdigit():
        date = f"{int(date[:4]) + copy}{date[4:]}"
    return dataclasses.replace(
        chunk, id=doc_id + chunk.id[len(chunk.doc_id):], doc_id=doc_id, text=text(chunk.text),
        title=text(chunk.title), notice_title=text(chunk.notice_title), date=date,
        section=[text(s) for s in chunk.section], metadata={},
    )  # fmt: skip


def scale_chunks(size: int, laws: Path = LAWS) -> list[Any]:
    """``size`` chunks: the laws' chunks (files in name order), then their copies 1, 2, … (cut at ``size``)."""
    from ingest import load_notices
    from ingest.bounds import BULK, using

    base: list[Any] = []
    seen: set[str] = set()
    with using(BULK):
        for path in sorted(p for p in laws.rglob("*") if p.is_file()):  # only as many laws as the size needs
            for notice in load_notices(path):
                if notice.doc_id not in seen:  # a law filed twice is taken once
                    seen.add(notice.doc_id)
                    base += notice.chunks
            if len(base) >= size:
                break
    out = list(base[:size])
    copy = 1
    while len(out) < size:
        out += [copy_chunk(c, copy) for c in base[: size - len(out)]]
        copy += 1
    return out


class ScaleEmbedder:
    """Passage vectors from the cached pool (no encoding); questions encoded by the bundled model."""

    def __init__(self, pool: np.ndarray) -> None:
        from index.encoders.factory import make_embedder

        self.pool = pool
        self.dim = pool.shape[1]
        self.real = make_embedder()
        self.name = f"scale-pool({self.real.name})"
        self.fingerprint = f"scale-pool-{len(pool)}-{zlib.crc32(pool[:64].tobytes()):08x}"
        self.prompts = getattr(self.real, "prompts", {})
        self.backend = "scale-pool"
        steps = np.random.default_rng(5).standard_normal((4096, self.dim)).astype(np.float32)
        self.steps = NOISE * steps / np.linalg.norm(steps, axis=1, keepdims=True)

    def encode(self, texts: list[str], *, query: bool = False, show_progress: bool = False) -> np.ndarray:
        """Questions: the bundled model's vectors. Passages: their pool vectors, moved and renormalised."""
        if query:
            return self.real.encode(texts, query=True)
        near = [zlib.crc32(_DIGITS.sub("", t).encode("utf-8")) % len(self.pool) for t in texts]
        step = [zlib.crc32(t.encode("utf-8")) % len(self.steps) for t in texts]
        out = self.pool[near] + self.steps[step]
        return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)


def rss_mib(pid: int | str = "self") -> float:
    """Resident memory of process ``pid`` (this one by default), MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _disk_mib(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def build(size: int, folder: Path, dense_kind: str | None) -> dict[str, Any]:
    """Build the scale index of ``size`` chunks into ``folder``; its figures."""
    from eval.harness.ann import pool
    from index.recorded import model_info
    from index.stores.target import build_store

    started = time.perf_counter()
    chunks = scale_chunks(size)
    made = time.perf_counter() - started
    embedder = ScaleEmbedder(pool())
    started = time.perf_counter()
    store = build_store(folder, chunks, lambda texts: embedder.encode(list(texts)), model_info(embedder), {},
                        dense_kind=dense_kind)  # fmt: skip
    return {
        "chunks": len(chunks), "rows": store.rows.count, "corpus_s": round(made, 1),
        "build_s": round(time.perf_counter() - started, 1), "build_peak_mib": round(_peak_mib()),
        "disk_mib": round(_disk_mib(folder)), "dense_index": store.rows.dense.params,
    }  # fmt: skip


def measure(folder: Path, questions: int) -> dict[str, Any]:
    """Open the index cold; first question, warm single (each stage's p50 too), batched latency, add, remove, fold."""
    from eval.harness.ann import pool, question_texts
    from index import Searcher

    embedder = ScaleEmbedder(pool())
    texts = question_texts(questions + 1)  # distinct: no question's chunks or postings are met twice
    embedder.encode(texts[:2], query=True)  # the encoder's own warm-up is not the index's
    before = rss_mib()
    started = time.perf_counter()
    searcher = Searcher.open(folder, embedder=embedder)
    opened = time.perf_counter() - started
    started = time.perf_counter()
    searcher.search(texts[0], k=10)
    first = time.perf_counter() - started
    single = []
    laps: dict[str, list[float]] = {}
    for text in texts[1:]:
        started = time.perf_counter()
        result = searcher.run([text], k=10)[0]  # what Searcher.search runs, with its stages' laps
        single.append((time.perf_counter() - started) * 1000)
        for stage, ms in result.timings.items():
            laps.setdefault(stage, []).append(ms)
    started = time.perf_counter()
    for start in range(1, len(texts), 32):
        searcher.run(texts[start : start + 32], k=10)
    batched = (time.perf_counter() - started) * 1000 / (len(texts) - 1)
    serving = rss_mib()
    notice = ROOT / "data" / "notices" / "000_4339a6bb93f327d8.txt"
    started = time.perf_counter()
    added = searcher.add([notice], cache_dir=folder.parent / "cache")  # never the real embedding cache
    add_s = time.perf_counter() - started
    started = time.perf_counter()
    removed = added.remove(["000_4339a6bb93f327d8"])
    remove_s = time.perf_counter() - started
    started = time.perf_counter()
    removed.store.compacted().save(folder)  # the changes folded into a new base, written whole
    fold_s = time.perf_counter() - started
    return {
        "open_s": round(opened, 2), "first_question_s": round(first, 3),
        "p50_ms": round(percentile(single, 50), 1), "p95_ms": round(percentile(single, 95), 1),
        "batched_ms_per_question": round(batched, 1), "rss_open_mib": round(before),
        "rss_serving_mib": round(serving), "add_notice_s": round(add_s, 2), "remove_notice_s": round(remove_s, 2),
        "fold_s": round(fold_s, 2), "measure_peak_mib": round(_peak_mib()),
        "stage_p50_ms": {stage: round(percentile(ms, 50), 2) for stage, ms in laps.items()},
    }  # fmt: skip


def _child(size: int, out: Path, dense_kind: str | None, questions: int) -> int:
    folder = out / f"index-{size}"
    figures = {"size": size, "date": time.strftime("%Y-%m-%d %H:%M"), **build(size, folder, dense_kind)}
    (out / f"{size}.json").write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def _measure_child(size: int, out: Path, questions: int) -> int:
    path = out / f"{size}.json"
    figures = json.loads(path.read_text(encoding="utf-8"))
    figures.update(measure(out / f"index-{size}", questions))
    path.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(figures, ensure_ascii=False), flush=True)
    return 0


#: The curve's columns: (key in OUT/<size>.json, heading).
CURVE = (
    ("chunks", "chunks"), ("rows", "vectors"), ("dense_kind", "index"), ("build_s", "build s"),
    ("build_peak_mib", "build peak MiB"), ("disk_mib", "disk MiB"), ("open_s", "cold open s"),
    ("first_question_s", "first question s"), ("p50_ms", "p50 ms"), ("p95_ms", "p95 ms"),
    ("batched_ms_per_question", "batched ms/q"), ("rss_serving_mib", "RSS serving MiB"),
    ("add_notice_s", "add s"), ("remove_notice_s", "remove s"), ("fold_s", "fold s"),
)  # fmt: skip


#: Issue 28's targets at 1M clauses, drawn as dashed lines per panel, and this machine's memory.
TARGET_LINES = (
    ((12, "target RSS 12 GiB"),),
    ((30, "target p50 30 ms"), (60, "target p95 60 ms")),
    ((10, "target open 10 s"), (3, "target add 3 s")),
)
MACHINE_GIB = 24


def write_curve(out: Path) -> list[Path]:
    """OUT/curve.json, curve.md (a table) and curve.png (memory, latency, times against size) from OUT/<size>.json."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    points = sorted((json.loads(p.read_text(encoding="utf-8")) for p in out.glob("[0-9]*.json")),
                    key=lambda f: f["chunks"])  # fmt: skip
    for point in points:
        point["dense_kind"] = point.get("dense_index", {}).get("kind", "")
    (out / "curve.json").write_text(json.dumps(points, ensure_ascii=False, indent=1), encoding="utf-8")
    lines = ["| " + " | ".join(h for _, h in CURVE) + " |", "|" + "---|" * len(CURVE)]
    lines += ["| " + " | ".join(f"{p.get(k, '—'):,}" if isinstance(p.get(k), int) else str(p.get(k, "—"))
                                for k, _ in CURVE) + " |" for p in points]  # fmt: skip
    (out / "curve.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    sizes = [p["chunks"] for p in points]
    fig, axes = plt.subplots(1, 3, figsize=(14, 4))
    for key, label in (("rss_serving_mib", "RSS serving"), ("build_peak_mib", "build peak"), ("disk_mib", "disk")):
        axes[0].plot(sizes, [p.get(key, 0) / 1024 for p in points], marker="o", label=label)
    axes[0].axhline(MACHINE_GIB, color="grey", linestyle=":", label=f"this machine ({MACHINE_GIB} GiB)")
    axes[0].set(title="Memory and disk (GiB)", xlabel="chunks")
    for key, label in (("p50_ms", "p50"), ("p95_ms", "p95"), ("batched_ms_per_question", "batched")):
        axes[1].plot(sizes, [p.get(key, 0) for p in points], marker="o", label=label)
    axes[1].set(title="Question latency (ms)", xlabel="chunks")
    for key, label in (("open_s", "cold open"), ("add_notice_s", "add a notice"), ("fold_s", "fold changes")):
        axes[2].plot(sizes, [p.get(key, 0) for p in points], marker="o", label=label)
    axes[2].set(title="Open and update (s, log scale)", xlabel="chunks", yscale="log")
    for ax, targets in zip(axes, TARGET_LINES, strict=True):
        for value, label in targets:
            ax.axhline(value, color="grey", linestyle="--", linewidth=0.8)
            ax.annotate(label, (sizes[0], value), textcoords="offset points", xytext=(0, 2), fontsize=7, color="grey")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x / 1000:,.0f}k"))
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(out / "curve.png", dpi=110)
    plt.close(fig)
    return [out / "curve.json", out / "curve.md", out / "curve.png"]


def main(argv: list[str] | None = None) -> int:
    """Build and measure each size in fresh processes (build, then measure from a cold start)."""
    parser = argparse.ArgumentParser(prog="python -m eval.harness.scale", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,300000,1000000", help="chunk counts, comma-separated")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "scale")
    parser.add_argument("--dense-kind", choices=("flat", "hnsw", "ivf"), help="force the FAISS kind (default: by size)")
    parser.add_argument("--questions", type=int, default=300, help="distinct questions timed per size")
    parser.add_argument("--child", choices=("build", "measure"), help=argparse.SUPPRESS)
    parser.add_argument("--curve-only", action="store_true", help="only redraw the curve from OUT/<size>.json")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.out.mkdir(parents=True, exist_ok=True)
    if args.child == "build":
        return _child(sizes[0], args.out, args.dense_kind, args.questions)
    if args.child == "measure":
        return _measure_child(sizes[0], args.out, args.questions)
    if args.curve_only:
        print("wrote " + ", ".join(map(str, write_curve(args.out))))
        return 0
    for size in sizes:
        common = ["--sizes", str(size), "--out", str(args.out), "--questions", str(args.questions)]
        kind = ["--dense-kind", args.dense_kind] if args.dense_kind else []
        subprocess.run([sys.executable, "-m", "eval.harness.scale", "--child", "build", *common, *kind], check=True)
        subprocess.run([sys.executable, "-m", "eval.harness.scale", "--child", "measure", *common], check=True)
        shutil.rmtree(args.out / f"index-{size}", ignore_errors=True)  # gigabytes; the figures are kept
    print("wrote " + ", ".join(map(str, write_curve(args.out))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
