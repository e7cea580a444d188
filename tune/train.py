"""Training runs for ``python -m tune``: the bi-encoder (MNRL + mined negatives) and a reranker.

Both use sentence-transformers' own trainers (``SentenceTransformerTrainer`` with
``MultipleNegativesRankingLoss``; ``CrossEncoderTrainer`` with ``BinaryCrossEntropyLoss``), so
checkpoints, resuming and the progress bar are theirs: a checkpoint is written every
``save_steps`` steps into the work folder, and a rerun with the same plan resumes from the newest.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainSettings:
    """How a model is trained (recorded in the model card).

    Attributes:
        epochs: passes over the training examples.
        batch_size: examples per step (in-batch negatives for the bi-encoder).
        learning_rate: peak learning rate (linear warm-up, then linear decay).
        warmup_ratio: share of the steps spent warming up.
        max_seq_length: tokens kept of a passage.
        freeze_embeddings: keep the word-embedding matrix fixed (96 M of e5-small's 118 M weights:
            its gradients and Adam moments are not held).
        mini_batch_size: sequences encoded at once with gradient caching (Gao et al. 2021,
            ``CachedMultipleNegativesRankingLoss``): memory stays bounded by this, not by the batch
            size and the negatives, for one extra forward pass; 0 = plain MNRL (one pass, memory
            grows with the batch: 13.5 GB at batch 32 with 3 negatives of 256 tokens).
        save_steps: steps between checkpoints.
        seed: seed of the shuffling and the initialisation of new heads.
    """

    epochs: float = 1.0
    batch_size: int = 32
    learning_rate: float = 1e-5
    warmup_ratio: float = 0.1
    max_seq_length: int = 256
    freeze_embeddings: bool = True
    mini_batch_size: int = 16
    save_steps: int = 10
    seed: int = 13

    def to_dict(self) -> dict[str, Any]:
        """The settings as a JSON-ready dict."""
        return asdict(self)


@dataclass(frozen=True)
class Example:
    """One training row: a question, a passage that answers it and passages that do not (texts)."""

    question: str
    positive: str
    negatives: tuple[str, ...]


def _latest_checkpoint(folder: Path) -> str | None:
    found = sorted((p for p in folder.glob("checkpoint-*") if p.name[11:].isdigit()), key=lambda p: int(p.name[11:]))
    return str(found[-1]) if found else None


def _trainer_arguments(work: Path, settings: TrainSettings, show_progress: bool) -> dict[str, Any]:
    """The training arguments both trainers share: schedule, checkpoints every ``save_steps``, CPU."""
    return {
        "output_dir": str(work),
        "num_train_epochs": settings.epochs,
        "per_device_train_batch_size": settings.batch_size,
        "learning_rate": settings.learning_rate,
        "warmup_steps": settings.warmup_ratio,  # a float below 1 is a share of the steps (transformers 5)
        "save_strategy": "steps",
        "save_steps": settings.save_steps,
        "save_total_limit": 2,
        "logging_steps": max(1, settings.save_steps),
        "seed": settings.seed,
        "use_cpu": True,
        "report_to": [],
        "disable_tqdm": not show_progress,
    }


def _freeze_word_embeddings(model: Any) -> int:
    """Stop gradients of the input word embeddings; returns how many weights were frozen."""
    embeddings = model.get_input_embeddings()
    embeddings.weight.requires_grad_(False)
    return int(embeddings.weight.numel())


def train_encoder(
    base: Path,
    examples: Sequence[Example],
    work: Path,
    settings: TrainSettings,
    prompts: dict[str, str],
    show_progress: bool = True,
) -> Any:
    """Fine-tune the sentence-transformers model in ``base`` on the examples; returns the model.

    Every example has the same number of negatives (the caller pads). Texts get the model's
    query/passage prompts here, as at search time.
    """
    from datasets import Dataset
    from sentence_transformers import SentenceTransformer, SentenceTransformerTrainer
    from sentence_transformers import SentenceTransformerTrainingArguments as Arguments
    from sentence_transformers.base.sampler import BatchSamplers
    from sentence_transformers.sentence_transformer.losses import (
        CachedMultipleNegativesRankingLoss,
        MultipleNegativesRankingLoss,
    )

    kwargs = {"add_pooling_layer": False} if (base / "SOURCE.json").is_file() else {}
    model = SentenceTransformer(str(base), device="cpu", local_files_only=True, model_kwargs=kwargs)
    served_length = model.max_seq_length
    model.max_seq_length = settings.max_seq_length
    if settings.freeze_embeddings:
        frozen = _freeze_word_embeddings(model[0].auto_model)
        logger.info("froze %d word-embedding weights", frozen)
    q, p = prompts.get("query", ""), prompts.get("passage", "")
    columns: dict[str, list[str]] = {
        "anchor": [q + e.question for e in examples],
        "positive": [p + e.positive for e in examples],
    }
    for i in range(len(examples[0].negatives) if examples else 0):
        columns[f"negative_{i + 1}"] = [p + e.negatives[i] for e in examples]
    args = Arguments(
        **_trainer_arguments(work, settings, show_progress),
        batch_sampler=BatchSamplers.NO_DUPLICATES,  # the same passage twice in a batch is a false negative
    )
    if settings.mini_batch_size > 0:
        loss: Any = CachedMultipleNegativesRankingLoss(model, mini_batch_size=settings.mini_batch_size)
    else:
        loss = MultipleNegativesRankingLoss(model)
    trainer = SentenceTransformerTrainer(model=model, args=args, train_dataset=Dataset.from_dict(columns), loss=loss)
    trainer.train(resume_from_checkpoint=_latest_checkpoint(work))
    model.max_seq_length = served_length  # the index encodes passages as the base model did
    return model


def train_reranker(
    base: Path,
    examples: Sequence[Example],
    work: Path,
    settings: TrainSettings,
    show_progress: bool = True,
) -> Any:
    """Train a cross-encoder (one relevance logit) from the weights in ``base``; returns the model.

    Each example gives one relevant (question, passage) pair and one irrelevant pair per
    negative; the relevant ones are weighted by the negatives per example so both classes count
    alike.
    """
    import torch
    from datasets import Dataset
    from sentence_transformers import CrossEncoder, CrossEncoderTrainer
    from sentence_transformers import CrossEncoderTrainingArguments as Arguments
    from sentence_transformers.cross_encoder.losses import BinaryCrossEntropyLoss

    torch.manual_seed(settings.seed)  # the new classification head
    model = CrossEncoder(
        str(base), num_labels=1, max_length=settings.max_seq_length, device="cpu", local_files_only=True
    )
    if settings.freeze_embeddings:
        _freeze_word_embeddings(model.model)
    rows: dict[str, list[Any]] = {"question": [], "passage": [], "label": []}
    for e in examples:
        for text, label in ((e.positive, 1.0), *((n, 0.0) for n in e.negatives)):
            rows["question"].append(e.question)
            rows["passage"].append(text)
            rows["label"].append(label)
    per = max(1.0, sum(len(e.negatives) for e in examples) / max(1, len(examples)))
    args = Arguments(**_trainer_arguments(work, settings, show_progress))
    loss = BinaryCrossEntropyLoss(model, pos_weight=torch.tensor(per))
    trainer = CrossEncoderTrainer(model=model, args=args, train_dataset=Dataset.from_dict(rows), loss=loss)
    trainer.train(resume_from_checkpoint=_latest_checkpoint(work))
    return model
