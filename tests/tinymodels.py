"""Tiny BERT models the tests build in seconds: a sentence-transformers encoder and a cross-encoder.

They have random weights (seeded) and a character vocabulary made from the texts given, so
training, saving, loading and the rerank stage run for real without the bundled model.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def _vocab(folder: Path, texts: Iterable[str]) -> Path:
    chars = sorted({ch for text in texts for ch in text.lower() if not ch.isspace()} | set("querypassage:"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "vocab.txt"
    path.write_text("\n".join(SPECIAL + chars) + "\n", encoding="utf-8")
    return path


def _config(vocab_size: int, **extra: object) -> object:
    from transformers import BertConfig

    return BertConfig(
        vocab_size=vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
        max_position_embeddings=256, **extra,
    )  # fmt: skip


def tiny_encoder(folder: Path, texts: Iterable[str], seed: int = 0) -> Path:
    """A sentence-transformers folder (BERT 2×32, mean pooling, normalised) with e5's prompts."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    from transformers import BertModel, BertTokenizerFast

    hf = folder / "hf"
    vocab = _vocab(hf, texts)
    torch.manual_seed(seed)
    BertModel(_config(len(vocab.read_text(encoding="utf-8").split()))).save_pretrained(hf)
    BertTokenizerFast(vocab_file=str(vocab)).save_pretrained(hf)
    transformer = Transformer(str(hf), max_seq_length=128)
    model = SentenceTransformer(
        modules=[transformer, Pooling(32, "mean"), Normalize()], prompts={"query": "query: ", "passage": "passage: "}
    )
    model.save(str(folder), create_model_card=False)
    return folder


def tiny_cross_encoder(folder: Path, texts: Iterable[str], seed: int = 0) -> Path:
    """A cross-encoder folder (BERT 2×32 with one relevance logit)."""
    import torch
    from transformers import BertForSequenceClassification, BertTokenizerFast

    vocab = _vocab(folder, texts)
    torch.manual_seed(seed)
    size = len(vocab.read_text(encoding="utf-8").split())
    BertForSequenceClassification(_config(size, num_labels=1)).save_pretrained(folder)
    BertTokenizerFast(vocab_file=str(vocab)).save_pretrained(folder)
    return folder
