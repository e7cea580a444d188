"""The model card of a tuned model: ``README.md`` for people, ``tune.json`` for programs."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any


def _row(name: str, metrics: dict[str, Any]) -> str:
    return f"| {name} | {metrics['hit@1']:.3f} | {metrics['hit@10']:.3f} | {metrics['mrr@10']:.3f} |"


def card_text(record: dict[str, Any]) -> str:
    """The Markdown model card of a tuning record (see :func:`tune.run.tune`)."""
    base, data, plan = record["base"], record["data"], record["plan"]
    metrics = record["metrics"]
    lines = [
        "# Tuned retrieval model",
        "",
        f"Fine-tuned from **{base['name']}** (weights sha256 `{base['fingerprint']}`) by `python -m tune`,",
        f"{time.strftime('%Y-%m-%d')}. Use it with `python -m index build --model THIS_FOLDER …`.",
        "",
        "## Data",
        f"- questions: `{data['queries']['path']}` (sha256 `{data['queries']['sha256']}`)",
    ]
    if data.get("feedback"):
        fb = data["feedback"]
        lines.append(f"- feedback: `{fb['path']}` (sha256 `{fb['sha256']}`; {fb['stale_votes']} stale votes skipped)")
    split = data["split"]
    lines += [
        f"- corpus: {data['corpus']['chunks']} chunks (sha256 of ids and texts `{data['corpus']['sha256']}`)",
        f"- {data['pairs']} pairs → {split['train']} train / {split['validation']} validation (seed {split['seed']};"
        " no validation question shares a relevant clause with a training one)",
        "",
        "## Parameters",
        "```json",
        json.dumps(plan, ensure_ascii=False, indent=2),
        "```",
        "",
        "## Validation (held-out questions, every corpus chunk ranked by cosine of clause vectors)",
        "| model | Hit@1 | Hit@10 | MRR@10 |",
        "|---|---|---|---|",
        _row("base", metrics["before"]),
        _row("tuned", metrics["after"]),
    ]
    if not record["plan"].get("encoder", True):
        lines += ["", "**Only a reranker was trained (--reranker-only): the encoder is the base's, unchanged.**"]
    elif not record.get("accepted", True):
        lines += [
            "",
            "**The tuned encoder was worse than its base on validation, so this folder holds the base encoder's",
            "weights unchanged (same hash: an index's embedding cache still applies) with the reranker that pays.**",
        ]
    elif metrics["after"]["mrr@10"] < metrics["before"]["mrr@10"]:
        lines += ["", "**Worse than its base on validation: written only because the run was forced (--force).**"]
    rerank = record.get("reranker")
    if isinstance(rerank, dict):
        ms = rerank["ms_per_question"]
        lines += [
            _row(f"tuned + reranker (top {rerank['depth']})", rerank["with"]),
            "",
            f"Reranker: {'kept in `reranker/`' if rerank['accepted'] else 'not kept (not better)'}; "
            f"{ms['p50']:.0f} ms p50 / {ms['p95']:.0f} ms p95 per question; "
            f"trained in {rerank['train_seconds']:.0f} s.",
        ]
    costs = record["costs"]
    lines += [
        "",
        f"Training took {costs['train_seconds']:.0f} s for {costs['examples']} examples; the whole run "
        f"{costs.get('total_seconds', 0):.0f} s, peak memory {costs.get('peak_rss_mib', 0):.0f} MiB.",
        "",
        "`validation.jsonl` holds the held-out questions: `python -m eval --queries validation.jsonl` measures the",
        "whole pipeline on them.",
        "",
    ]
    return "\n".join(lines)


def write_card(folder: Path, record: dict[str, Any]) -> None:
    """Write ``README.md`` and ``tune.json`` into the model folder."""
    (folder / "tune.json").write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (folder / "README.md").write_text(card_text(record), encoding="utf-8")
