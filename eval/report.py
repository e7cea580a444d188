"""Report outputs: a terminal table, report.json, report.md, a PNG chart and the run files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from eval.runs import write_json_run, write_trec_qrels, write_trec_run

#: The metrics measured over answerable questions: "—" where a row has none (a kind of only unanswerable ones).
RETRIEVAL = ("recall@", "hit@", "precision@", "map@", "mrr@", "ndcg@")


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def table(report: dict[str, Any]) -> str:
    """The metrics of every mode side by side, as an aligned text table."""
    ks = report["ks"]
    p_k = 5 if 5 in ks else ks[0]
    columns = [f"R@{k}" for k in ks] + [
        f"Hit@{ks[-1]}", f"P@{p_k}", "MAP@10", "MRR@10", "nDCG@10", "abst.ok", "abst.bad", "p50 ms", "p95 ms",
    ]  # fmt: skip
    lines = [f"{'mode':<10} " + " ".join(f"{c:>8}" for c in columns)]
    for mode, result in report["modes"].items():
        s = _shown(result["summary"])
        values = [s[f"recall@{k}"] for k in ks] + [
            s[f"hit@{ks[-1]}"],
            s.get(f"precision@{p_k}"),
            s.get("map@10"),
            s["mrr@10"],
            s["ndcg@10"],
            s["abstain_right"],
            s["abstain_wrong"],
            result["latency_ms"]["p50"],
            result["latency_ms"]["p95"],
        ]
        lines.append(f"{mode:<10} " + " ".join(f"{_fmt(v):>8}" for v in values))
    return "\n".join(lines)


def _shown(summary: dict[str, Any]) -> dict[str, Any]:
    """A summary as a table shows it: the retrieval metrics "—" (None) where no question was answerable."""
    if summary.get("answerable", 1):
        return summary
    return {key: (None if key.startswith(RETRIEVAL) else value) for key, value in summary.items()}


def kind_table(report: dict[str, Any], k: int = 5) -> str:
    """Recall@k and MRR@10 per question kind and mode, with each kind's n ("—" where a metric does not apply)."""
    modes = list(report["modes"])
    kinds = sorted({kind for r in report["modes"].values() for kind in r["by_kind"]})
    lines = [f"{'kind':<14} {'n':>3} " + " ".join(f"{m + ' R@' + str(k):>12} {m + ' MRR':>11}" for m in modes)]
    for kind in kinds:
        first = report["modes"][modes[0]]["by_kind"].get(kind, {})
        cells = []
        for mode in modes:
            s = _shown(report["modes"][mode]["by_kind"].get(kind, {}))
            cells.append(f"{_fmt(s.get(f'recall@{k}')):>12} {_fmt(s.get('mrr@10')):>11}")
        lines.append(f"{kind or '（未分类）':<14} {int(first.get('questions', 0)):>3} " + " ".join(cells))
    return "\n".join(lines)


def markdown(report: dict[str, Any]) -> str:
    """report.md: the tables, then each mode's failures with the top 3 returned."""
    out = [
        f"# Retrieval report\n\nQuestions: `{report.get('queries', '')}` ({report['questions']}); "
        f"corpus: `{report.get('corpus', '')}` ({report['chunks']} chunks); "
        f"model: {report['model']} on {report.get('backend', 'torch')}.\n",
        "```text",
        table(report),
        "```\n",
        "## By kind\n",
        "```text",
        kind_table(report),
        "```\n",
    ]
    for mode, result in report["modes"].items():
        out.append(f"## Failures: {mode}\n")
        if not result["failures"]:
            out.append("None.\n")
        for f in result["failures"][:50]:
            out.append(
                f"- **{f['id']}** ({f['kind'] or '未分类'}) {f['query']} — entry ranks {f['ranks']}"
                f"{', abstained' if f['abstained'] else ''}"
            )
            for quote in f["missing"]:
                out.append(f"  - expected, not in top 5: “{quote}”")
            for top in f["top3"]:
                out.append(f"  - got `{top['id']}`: {top['text'][:60]}…")
        if len(result["failures"]) > 50:
            out.append(f"\n… and {len(result['failures']) - 50} more in report.json.")
        out.append("")
    return "\n".join(out)


def chart(report: dict[str, Any], path: Path) -> None:
    """PNG: recall@k per mode (left) and recall@5 per kind and mode (right)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    modes = list(report["modes"])
    ks = report["ks"]
    kinds = sorted({kind for r in report["modes"].values() for kind in r["by_kind"]} - {"unanswerable"})
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.8), gridspec_kw={"width_ratios": [1, 2]})
    for mode in modes:
        s = report["modes"][mode]["summary"]
        left.plot(ks, [s[f"recall@{k}"] for k in ks], marker="o", label=mode)
    left.set(xlabel="k", ylabel="Recall@k", title="Recall@k by mode", ylim=(0, 1.02), xticks=ks)
    left.grid(alpha=0.3)
    left.legend()
    width = 0.8 / max(1, len(modes))
    first = report["modes"][modes[0]]["by_kind"] if modes else {}
    for j, mode in enumerate(modes):
        kind_of = report["modes"][mode]["by_kind"]
        values = [kind_of.get(kind, {}).get("recall@5", 0) for kind in kinds]
        # the 95 % interval of each bar (none for a kind of one question): small kinds read as uncertain
        spans = [kind_of.get(kind, {}).get("recall@5_ci") or (v, v) for kind, v in zip(kinds, values, strict=True)]
        errors = [[max(0.0, v - lo) for v, (lo, _) in zip(values, spans, strict=True)],
                  [max(0.0, hi - v) for v, (_, hi) in zip(values, spans, strict=True)]]  # fmt: skip
        right.bar([i + j * width for i in range(len(kinds))], values, width, label=mode, yerr=errors, capsize=2)
    labels = [f"{kind or 'unlabelled'}\nn={int(first.get(kind, {}).get('answerable', 0))}" for kind in kinds]
    right.set_xticks([i + width * (len(modes) - 1) / 2 for i in range(len(kinds))], labels, rotation=20)
    right.set(ylabel="Recall@5 (95% CI)", title="Recall@5 by question kind, n answerable", ylim=(0, 1.05))
    right.grid(axis="y", alpha=0.3)
    right.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=len(modes), frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_all(report: dict[str, Any], qrels: dict[str, dict[str, int]], folder: Path) -> list[Path]:
    """Write report.json, report.md, chart.png, runs/<mode>.trec and .json, and qrels.trec; return their paths.

    The runs and qrels name chunks, or passages when the report was grouped by document: either
    way ``python -m eval.compare``, trec_eval and ranx read them as they are.
    """
    folder.mkdir(parents=True, exist_ok=True)
    slim = {**report, "modes": {m: {k: v for k, v in r.items() if k != "runs"} for m, r in report["modes"].items()}}
    (folder / "report.json").write_text(json.dumps(slim, ensure_ascii=False, indent=2), encoding="utf-8")
    (folder / "report.md").write_text(markdown(report), encoding="utf-8")
    chart(report, folder / "chart.png")
    runs = folder / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    for mode, result in report["modes"].items():
        write_trec_run(result["runs"], runs / f"{mode}.trec", mode)
        write_json_run(result["runs"], runs / f"{mode}.json")
    write_trec_qrels(qrels, folder / "qrels.trec")
    return [folder / n for n in ("report.json", "report.md", "chart.png", "runs", "qrels.trec")]


def write_baseline(report: dict[str, Any], path: Path, command: str) -> None:
    """A small committed file with each mode's summary, for the regression test."""
    baseline = {
        "command": command,
        "queries": report.get("queries"),
        "model": report["model"],
        "backend": report.get("backend", "torch"),
        "chunks": report["chunks"],
        "modes": {mode: result["summary"] for mode, result in report["modes"].items()},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(baseline, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
