"""``python -m tune``: fine-tune the encoder (and train a reranker) on the archive's own pairs.

The run, in order (each step logged):

1. pairs from a gold question file (and the chat's feedback log) over the corpus's chunks
   (:mod:`tune.data`), split so no validation question shares a relevant clause with a
   training one;
2. hard negatives mined with the index (:mod:`tune.mine`);
3. validation before: the base model's clause vectors, every chunk of the corpus ranked for
   each validation question (Hit@10 = a relevant clause in the top 10, MRR@10);
4. training from the base model (:mod:`tune.train`), checkpointed in ``OUT.work`` and
   resumed from there when the same plan is run again;
5. validation after, in the same run and the same way, with the tuned model;
6. the model written to ``OUT`` (a sentence-transformers folder, ``README.md`` model card,
   ``tune.json``, the validation questions) only when it is not worse than its base on
   validation, unless forced. With ``reranker``, a cross-encoder is trained the same way and
   kept in ``OUT/reranker`` when reranking the top candidates beats not reranking.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import resource
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index.paths import file_sha256
from index.rerank import DEPTH as RERANK_DEPTH
from tune.data import Pair, TuneDataError, feedback_pairs, gold_pairs, split
from tune.mine import Mined, mine
from tune.train import Example, TrainSettings
from tune.validate import rank_metrics, rerank_metrics

logger = logging.getLogger(__name__)


class WorseModelError(RuntimeError):
    """The tuned model (or reranker) is worse than its base on validation; nothing was written."""


@dataclass
class TunePlan:
    """Everything a tuning run is decided by (its hash names the run, for resuming).

    Attributes:
        settings: training settings.
        negatives: hard negatives per training example.
        skip: non-relevant top ranks passed over when mining.
        margin: relative similarity above which a candidate is taken for an unlabelled positive.
        validation: share of the pairs held out.
        seed: seed of the split and the padding negatives.
        encoder: train the encoder (False: only a reranker, which must then be asked for).
    """

    settings: TrainSettings = field(default_factory=TrainSettings)
    negatives: int = 1
    skip: int = 5
    margin: float = 0.9
    validation: float = 0.2
    seed: int = 13
    encoder: bool = True


def _sha256_text(parts: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def _file_hash(path: Path | None) -> str | None:
    return file_sha256(path) if path is not None else None


def examples_of(mined: Sequence[Mined], texts: dict[str, str], count: int, seed: int) -> list[Example]:
    """One example per (question, positive); short negative lists padded with random other chunks."""
    rng = random.Random(seed)
    ids = sorted(texts)
    out = []
    for m in mined:
        for positive in m.pair.positives:
            negatives = list(m.negatives)
            while len(negatives) < count:
                pick = ids[rng.randrange(len(ids))]
                if pick not in m.pair.positives and pick not in negatives:
                    negatives.append(pick)
            out.append(Example(m.pair.question, texts[positive], tuple(texts[n] for n in negatives[:count])))
    return out


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _check_work(work: Path, plan_record: dict[str, Any], restart: bool) -> None:
    plan_file = work / "plan.json"
    if plan_file.is_file() and not restart:
        earlier = json.loads(plan_file.read_text(encoding="utf-8"))
        if earlier != plan_record:
            raise TuneDataError(
                f"{work} holds checkpoints of another tuning plan (other data, split or settings); "
                "rerun with --restart to discard them, or choose another --out"
            )
        logger.info("resuming from %s", work)
    elif work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    plan_file.write_text(json.dumps(plan_record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def tune(
    queries: Path,
    out: Path,
    *,
    corpus: Any = None,
    index: Path | None = None,
    feedback: Path | None = None,
    base: Path | None = None,
    plan: TunePlan | None = None,
    reranker: bool = False,
    force: bool = False,
    restart: bool = False,
    skip_unknown: bool = False,
    show_progress: bool = True,
) -> dict[str, Any]:
    """Run a tuning (see the module doc); returns the record also written to ``OUT/tune.json``.

    Raises:
        TuneDataError: for unusable pairs (the message names the file and lines).
        WorseModelError: when the tuned model is worse than its base on validation and not ``force``.
        FileExistsError: when ``out`` exists and is not empty.
    """
    from index.encoders.bundled import default_model_dir
    from index.encoders.cache import embed_cached
    from index.encoders.sentence import SentenceTransformerEmbedder
    from index.searcher import Searcher
    from tune.card import write_card
    from tune.train import train_encoder, train_reranker

    plan = plan or TunePlan()
    started = time.time()
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} exists and is not empty; choose a new --out (a tuned model is never overwritten)")
    base = Path(base) if base is not None else default_model_dir()
    embedder = SentenceTransformerEmbedder(base)
    if index is not None:
        searcher = Searcher.open(index, embedder=embedder, build_if_missing=False)
    elif corpus is not None:
        searcher = Searcher.build(corpus, None, embedder=embedder, show_progress=show_progress)
    else:
        raise ValueError("give the corpus (--corpus) or an index built from it (--index)")
    chunks = searcher.all_chunks()
    texts = {c.id: c.text for c in chunks}
    pairs, skipped = gold_pairs(queries, chunks, skip_unknown=skip_unknown)
    stale = 0
    if feedback is not None:
        extra, stale = feedback_pairs(feedback, texts)
        pairs += extra
    train, held_out = split(pairs, plan.validation, plan.seed)
    logger.info("%d pairs: %d train, %d validation", len(pairs), len(train), len(held_out))
    data = {
        "queries": {"path": str(queries), "sha256": _file_hash(queries)},
        "feedback": {"path": str(feedback), "sha256": _file_hash(feedback), "stale_votes": stale} if feedback else None,
        "corpus": {"chunks": len(chunks), "sha256": _sha256_text([f"{c.id}\t{c.text}" for c in chunks])},
        "skipped_unknown": skipped,
        "pairs": len(pairs),
        "split": {
            "train": len(train),
            "validation": len(held_out),
            "seed": plan.seed,
            "validation_ids": [p.id for p in held_out],
        },
    }
    plan_record = {
        "base": {"name": embedder.name, "fingerprint": embedder.fingerprint},
        "data": data,
        "plan": {**{k: v for k, v in vars(plan).items() if k != "settings"}, "settings": plan.settings.to_dict()},
        "reranker": reranker,
    }
    work = Path(f"{out}.work")
    _check_work(work, plan_record, restart)

    mined = mine(searcher, train, count=plan.negatives, skip=plan.skip, margin=plan.margin)
    examples = examples_of(mined, texts, plan.negatives, plan.seed)
    logger.info("%d training examples, %d mined negatives each", len(examples), plan.negatives)

    ids = [c.id for c in chunks]
    base_chunks = embed_cached(embedder, [texts[i] for i in ids], searcher.cache_dir, show_progress)
    base_queries = embedder.encode([p.question for p in held_out], query=True)
    before = rank_metrics(base_queries, base_chunks, ids, held_out)
    logger.info("validation before: %s", before)

    if not plan.encoder and not reranker:
        raise ValueError("nothing to train: without the encoder, ask for --reranker")
    model: Any = None
    new_chunks, new_queries, after, train_seconds = base_chunks, base_queries, dict(before), 0.0
    if plan.encoder:
        trained = time.time()
        model = train_encoder(base, examples, work / "encoder", plan.settings, embedder.prompts, show_progress)
        train_seconds = time.time() - trained
        prompts = embedder.prompts
        new_chunks = model.encode(
            [prompts.get("passage", "") + texts[i] for i in ids],
            batch_size=32,
            normalize_embeddings=True,
            show_progress_bar=show_progress,
            convert_to_numpy=True,
        )
        new_queries = model.encode(
            [prompts.get("query", "") + p.question for p in held_out],
            batch_size=16,
            normalize_embeddings=True,
            convert_to_numpy=True,
        )
        after = rank_metrics(new_queries, new_chunks, ids, held_out)
    logger.info("validation after: %s", after)
    record: dict[str, Any] = {
        **plan_record,
        "metrics": {"before": before, "after": after},
        "costs": {"train_seconds": round(train_seconds, 1), "examples": len(examples)},
    }
    worse = after["mrr@10"] < before["mrr@10"]
    record["accepted"] = plan.encoder and (not worse or force)
    refusal = (
        "only a reranker was asked for (--reranker-only)"
        if not plan.encoder
        else (
            f"the tuned model is worse than its base on the {len(held_out)} validation questions "
            f"(MRR@10 {before['mrr@10']:.3f} → {after['mrr@10']:.3f}, Hit@10 {before['hit@10']:.3f} → "
            f"{after['hit@10']:.3f})"
        )
    )
    if worse and not force and not reranker:
        _refuse(work, record, f"{refusal}; nothing was written to {out}")

    if reranker:  # reranks what will serve: the tuned encoder if kept, else the base
        kept = record["accepted"]
        chosen, chosen_queries = (new_chunks, new_queries) if kept else (base_chunks, base_queries)
        trained = time.time()
        cross = train_reranker(base, examples, work / "reranker", plan.settings, show_progress)
        text_list = [texts[i] for i in ids]
        no_rerank = rank_metrics(chosen_queries, chosen, ids, held_out)
        reranked, times = rerank_metrics(cross, chosen_queries, chosen, ids, text_list, held_out)
        record["reranker"] = {
            "depth": RERANK_DEPTH,
            "train_seconds": round(time.time() - trained, 1),
            "without": no_rerank,
            "with": reranked,
            "ms_per_question": {"p50": float(np.percentile(times, 50)), "p95": float(np.percentile(times, 95))},
            "accepted": reranked["mrr@10"] >= no_rerank["mrr@10"] or force,
        }
        if not kept and not record["reranker"]["accepted"]:
            worse_too = "reranking with the trained cross-encoder is worse than not reranking"
            _refuse(work, record, f"{refusal}, and {worse_too}; nothing was written to {out}")
    record["costs"]["total_seconds"] = round(time.time() - started, 1)
    record["costs"]["peak_rss_mib"] = round(_peak_rss_mib(), 1)
    final = work / "final"  # written whole, then renamed: OUT is a complete model or absent
    shutil.rmtree(final, ignore_errors=True)
    if record["accepted"]:
        model.save(str(final), create_model_card=False)
    else:  # only the reranker pays: OUT serves the base encoder's weights (the same hash) with it
        shutil.copytree(base, final, ignore=shutil.ignore_patterns("README.md"))
    if reranker and record["reranker"]["accepted"]:
        cross.save(str(final / "reranker"))
    _write_validation(queries, held_out, final / "validation.jsonl")
    write_card(final, record)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists():
        out.rmdir()  # empty (checked at the start)
    final.rename(out)
    shutil.rmtree(work, ignore_errors=True)
    return record


def _refuse(work: Path, record: dict[str, Any], why: str) -> None:
    record["costs"]["peak_rss_mib"] = round(_peak_rss_mib(), 1)
    (work / "refused.json").write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    raise WorseModelError(f"{why}. The run is in {work}; --force writes the model anyway")


def _write_validation(queries: Path, held_out: Sequence[Pair], path: Path) -> None:
    """The held-out questions in the gold format, so ``python -m eval`` can measure the whole pipeline on them."""
    wanted = {p.id for p in held_out}
    lines = [ln for ln in queries.read_text(encoding="utf-8-sig").splitlines() if ln.strip()]
    kept = [ln for ln in lines if json.loads(ln).get("id") in wanted]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
