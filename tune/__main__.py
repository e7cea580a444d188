"""``python -m tune``: fine-tune the encoder (and a cross-encoder reranker) on an office's own question → clause pairs.

A stage of its own, above evaluation: it validates with :mod:`eval`'s metrics before it keeps a model.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from tune.data import TuneDataError
from tune.run import TunePlan, WorseModelError, tune
from tune.train import TrainSettings


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code (3 when the tuned model is worse and not kept)."""
    parser = argparse.ArgumentParser(
        prog="python -m tune", description="Fine-tune the encoder (and a reranker) on question → clause pairs."
    )
    parser.add_argument("--queries", type=Path, required=True, help="gold questions (the format python -m eval reads)")
    parser.add_argument("--corpus", type=Path, help="the files/directory or .jsonl the questions point into")
    parser.add_argument("--index", type=Path, help="an index built from that corpus (instead of --corpus)")
    parser.add_argument("--feedback", type=Path, help="the chat's feedback log (votes become pairs)")
    parser.add_argument("--out", type=Path, required=True, help="folder for the tuned model (must not exist)")
    parser.add_argument("--model", type=Path, help="the base model folder (default: bundled e5-small)")
    parser.add_argument("--reranker", action="store_true", help="also train a cross-encoder reranker")
    parser.add_argument("--reranker-only", action="store_true", help="train only the reranker (keep the base encoder)")
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-5, help="peak learning rate (default 1e-5)")
    parser.add_argument("--negatives", type=int, default=1, help="mined hard negatives per question (default 1)")
    parser.add_argument("--skip", type=int, default=5, help="non-relevant top ranks not used as negatives (default 5)")
    parser.add_argument(
        "--margin", type=float, default=0.9, help="drop candidates this close to the positive (default 0.9)"
    )
    parser.add_argument("--max-seq-length", type=int, default=256)
    parser.add_argument("--train-embeddings", action="store_true", help="also train the word-embedding matrix")
    parser.add_argument("--save-steps", type=int, default=10, help="steps between checkpoints (default 10)")
    parser.add_argument(
        "--mini-batch", type=int, default=16, help="sequences encoded at once (gradient caching; 0: plain MNRL)"
    )
    parser.add_argument("--validation", type=float, default=0.2, help="share of the pairs held out (default 0.2)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--skip-unknown", action="store_true", help="skip gold entries naming doc ids not indexed")
    parser.add_argument("--force", action="store_true", help="write the model even if validation got worse")
    parser.add_argument("--restart", action="store_true", help="discard the checkpoints of an earlier run")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    logging.getLogger("tune.run").setLevel(logging.INFO)
    settings = TrainSettings(
        epochs=args.epochs, batch_size=args.batch_size, learning_rate=args.lr, max_seq_length=args.max_seq_length,
        freeze_embeddings=not args.train_embeddings, mini_batch_size=args.mini_batch, save_steps=args.save_steps,
        seed=args.seed,
    )  # fmt: skip
    plan = TunePlan(
        settings, args.negatives, args.skip, args.margin, args.validation, args.seed, encoder=not args.reranker_only
    )
    try:
        record = tune(
            args.queries, args.out, corpus=args.corpus, index=args.index, feedback=args.feedback, base=args.model,
            plan=plan, reranker=args.reranker or args.reranker_only, force=args.force, restart=args.restart,
            skip_unknown=args.skip_unknown,
        )  # fmt: skip
    except (TuneDataError, WorseModelError, FileExistsError, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3 if isinstance(exc, WorseModelError) else 2
    before, after = record["metrics"]["before"], record["metrics"]["after"]
    state = "kept" if record["accepted"] else "not trained" if args.reranker_only else "not kept: the base weights"
    print(
        f"encoder ({state}): validation ({before['questions']} questions) Hit@10 {before['hit@10']:.3f} → "
        f"{after['hit@10']:.3f}, MRR@10 {before['mrr@10']:.3f} → {after['mrr@10']:.3f}"
    )
    rerank = record.get("reranker")
    if isinstance(rerank, dict):
        kept = "kept" if rerank["accepted"] else "not kept"
        print(f"reranker ({kept}): MRR@10 {rerank['without']['mrr@10']:.3f} → {rerank['with']['mrr@10']:.3f}")
    print(f"wrote {args.out} (model card: {args.out / 'README.md'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
