"""How well ``compare`` pairs the items of two notices: ``python -m eval.alignment``.

The gold (``eval/alignment/gold.jsonl``, made by hand, see its README) names, for each pair of
documents in ``../shared/corpus``, every item of both: which earlier item became which later one,
and which are new or dropped. Only item paths are stored (the chunk id after "#"), never text.
Two figures per pair of documents and pooled:

- **pairs**: precision, recall and F1 of the predicted pairs against the gold pairs;
- **status**: the share of items of both notices whose status (保留, 修改, 新增, 删除) is right.
  A gold pair's status is 保留 when the two bodies are equal once whitespace and character widths
  are folded, else 修改; an item without a gold pair is 新增 or 删除.

``python -m eval.alignment_fit`` chooses the weights, each pair of documents left out in turn.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from index.paths import ROOT
from web.changes.align import Signals as AlignSignals
from web.changes.align import Weights
from web.changes.items import Item, items_of

GOLD = ROOT / "eval" / "alignment" / "gold.jsonl"
CORPUS = ROOT.parent / "shared" / "corpus"


@dataclass(frozen=True)
class GoldPair:
    """One pair of documents of the gold, read and ready: their items and the hand-made answer."""

    name: str
    a: list[Item]
    b: list[Item]
    pairs: set[tuple[str, str]]
    doubt: set[tuple[str, str]]


def load_gold(gold: Path = GOLD, corpus: Path = CORPUS) -> list[GoldPair]:
    """Read the gold and parse its documents from ``corpus``.

    Raises:
        FileNotFoundError: if a document is missing from ``corpus``.
        ValueError: if the gold names an item the document does not have, or leaves one out.
    """
    from ingest.api import load_notices

    out = []
    for line in gold.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        g = json.loads(line)
        a, b = (items_of(load_notices(corpus / g[side])[0].chunks) for side in ("a", "b"))
        pairs = {(x, y) for x, y in g["pairs"]}
        for side, items, named in (("a", a, [x for x, _ in pairs] + g["dropped"]),
                                   ("b", b, [y for _, y in pairs] + g["new"])):  # fmt: skip
            have = {i.path for i in items}
            if sorted(named) != sorted(have):
                raise ValueError(f"{g['name']} ({side}): gold and document differ: {sorted(set(named) ^ have)[:5]}")
        out.append(GoldPair(g["name"], a, b, pairs, {(x, y) for x, y in g.get("doubt", [])}))
    return out


def statuses(a: list[Item], b: list[Item], pairs: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Each item's status, keyed by (side, path): kept or reworded when paired, dropped or new when not."""
    keys_a, keys_b = {i.path: i.key for i in a}, {i.path: i.key for i in b}
    out = {("a", i.path): "删除" for i in a} | {("b", i.path): "新增" for i in b}
    for x, y in pairs:
        status = "保留" if keys_a[x] == keys_b[y] else "修改"
        out["a", x] = out["b", y] = status
    return out


def score(gold: GoldPair, predicted: set[tuple[str, str]]) -> dict[str, Any]:
    """Pair precision, recall and F1, and status accuracy, of one prediction."""
    right = len(predicted & gold.pairs)
    precision = right / len(predicted) if predicted else 1.0
    recall = right / len(gold.pairs) if gold.pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    truth, guess = statuses(gold.a, gold.b, gold.pairs), statuses(gold.a, gold.b, predicted)
    status = sum(truth[k] == guess[k] for k in truth) / len(truth)
    return {"name": gold.name, "gold_pairs": len(gold.pairs), "predicted": len(predicted), "right": right,
            "precision": precision, "recall": recall, "f1": f1, "items": len(truth), "status": status,
            "missed": sorted(gold.pairs - predicted), "wrong": sorted(predicted - gold.pairs)}  # fmt: skip


def pooled(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Micro-averaged figures over several pairs of documents."""
    gold = sum(r["gold_pairs"] for r in results)
    predicted, right = sum(r["predicted"] for r in results), sum(r["right"] for r in results)
    precision, recall = right / max(1, predicted), right / max(1, gold)
    items = sum(r["items"] for r in results)
    return {"name": "all", "gold_pairs": gold, "predicted": predicted, "right": right, "precision": precision,
            "recall": recall, "f1": 2 * precision * recall / max(1e-9, precision + recall), "items": items,
            "status": sum(r["status"] * r["items"] for r in results) / max(1, items)}  # fmt: skip


def report(results: list[dict[str, Any]]) -> str:
    """The figures as a Markdown table, pooled last."""
    lines = ["| documents | gold pairs | predicted | precision | recall | F1 | items | status right |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for r in [*results, pooled(results)]:
        lines.append(f"| {r['name']} | {r['gold_pairs']} | {r['predicted']} | {r['precision']:.3f} | "
                     f"{r['recall']:.3f} | {r['f1']:.3f} | {r['items']} | {r['status']:.3f} |")  # fmt: skip
    return "\n".join(lines)


class Signals:
    """A gold pair's signals, computed once with the bundled encoder (through the embedding cache)."""

    def __init__(self, paths_a: list[str], paths_b: list[str], signals: AlignSignals) -> None:
        self.paths_a, self.paths_b, self.signals = paths_a, paths_b, signals

    @classmethod
    def of(cls, gold: GoldPair) -> Signals:
        """Encode both documents' bodies and compute the three signals."""
        from index.encoders.cache import embed_cached

        embedder = _embedder()
        vecs = [embed_cached(embedder, [i.body for i in items]) for items in (gold.a, gold.b)]
        return cls([i.path for i in gold.a], [i.path for i in gold.b], AlignSignals.of(gold.a, gold.b, *vecs))


@cache
def _embedder() -> Any:
    """The bundled encoder, made once for every pair of documents."""
    from index.encoders.factory import make_embedder

    return make_embedder(None)


def predict(s: Signals, w: Weights) -> set[tuple[str, str]]:
    """The pairs chosen under ``w``, as (earlier path, later path)."""
    return {(s.paths_a[i], s.paths_b[j]) for j, (i, _) in s.signals.pairs(w).items()}


def by_label(gold: GoldPair) -> set[tuple[str, str]]:
    """Pairs by label alone: the items whose labels (第五条, 3, （二）) are equal and appear once on each side."""
    count = lambda items: {i.chunk.label: sum(j.chunk.label == i.chunk.label for j in items) for i in items}  # noqa: E731
    once_a, once_b = count(gold.a), count(gold.b)
    later = {i.chunk.label: i.path for i in gold.b if i.chunk.label and once_b[i.chunk.label] == 1}
    return {(i.path, later[i.chunk.label]) for i in gold.a if once_a.get(i.chunk.label) == 1 and i.chunk.label in later}


def variants(golds: list[GoldPair], signals: list[Signals]) -> dict[str, list[set[tuple[str, str]]]]:
    """Each method's predicted pairs for every gold pair of documents, the product's first."""
    weights = {"meaning + characters + place (the product)": Weights(),  # one floor for all: the default's
               "meaning alone": Weights(meaning=1, chars=0, place=0),
               "characters alone": Weights(meaning=0, chars=1, place=0),
               "meaning + characters": Weights(place=0)}  # fmt: skip
    out = {name: [predict(s, w) for s in signals] for name, w in weights.items()}
    out["label alone (第五条 ↔ 第五条)"] = [by_label(g) for g in golds]
    return out


def main(argv: list[str] | None = None) -> int:
    """Print the figures (with ``--variants`` the other methods, with ``--errors`` each miss); returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m eval.alignment", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the shared corpus folder")
    parser.add_argument("--errors", action="store_true", help="list the missed and wrong pairs")
    parser.add_argument("--variants", action="store_true", help="each signal alone, and pairing by label, beside")
    args = parser.parse_args(argv)
    golds = load_gold(GOLD, args.corpus)
    signals = [Signals.of(g) for g in golds]
    results = [score(g, predict(s, Weights())) for g, s in zip(golds, signals, strict=True)]
    print(report(results))
    if args.variants:
        print("\n| method | precision | recall | F1 | status right |\n|---|---:|---:|---:|---:|")
        for name, guess in variants(golds, signals).items():
            r = pooled([score(g, p) for g, p in zip(golds, guess, strict=True)])
            print(f"| {name} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | {r['status']:.3f} |")
    if args.errors:
        for r in results:
            for kind in ("missed", "wrong"):
                for x, y in r[kind]:
                    print(f"{r['name']}: {kind} {x} → {y}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
