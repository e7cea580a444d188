"""The rerank stage: a cross-encoder reads the question with each of the top fused candidates.

An index built with a reranker (``python -m index build --reranker DIR``, or a tuned model
folder that holds ``reranker/``) records it in its manifest with its depth N; the searcher then
reorders the top N candidates of the fused modes by the cross-encoder's relevance, before the
structure rules (which work on the new scores as they do on fused ones).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from index.encoders.base import weights_fingerprint

#: Candidates reordered when the manifest does not say.
DEPTH = 20


class Scorer(Protocol):
    """What the rerank stage needs: a relevance score per (question, passage)."""

    def score(self, question: str, passages: Sequence[str]) -> np.ndarray:
        """One relevance per passage in [0, 1], higher is more relevant."""
        ...


class CrossEncoderScorer:
    """A loaded sentence-transformers ``CrossEncoder`` (one relevance logit) as a :class:`Scorer`."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def score(self, question: str, passages: Sequence[str]) -> np.ndarray:
        """Relevance of the passages for the question: the logistic of the model's logit (0–1)."""
        if not passages:
            return np.zeros(0, dtype=np.float32)
        pairs = [(question, p) for p in passages]
        return np.asarray(self.model.predict(pairs, batch_size=len(pairs), show_progress_bar=False), dtype=np.float32)


class Reranker(CrossEncoderScorer):
    """A local sentence-transformers ``CrossEncoder`` folder with one relevance logit.

    Attributes:
        path: the folder.
        fingerprint: sha256 of its weights (recorded in the manifest).
        depth: candidates it reorders.
    """

    def __init__(self, path: str | Path, depth: int = DEPTH) -> None:
        from sentence_transformers import CrossEncoder

        self.path = Path(path)
        if not (self.path / "config.json").is_file():
            raise FileNotFoundError(f"{self.path}: not a cross-encoder folder (no config.json)")
        if depth < 1:
            raise ValueError(f"rerank depth must be at least 1, not {depth}")
        super().__init__(CrossEncoder(str(self.path), device="cpu", local_files_only=True))
        self.fingerprint = weights_fingerprint(self.path)
        self.depth = depth

    def info(self) -> dict[str, Any]:
        """What an index records of it."""
        return {"path": str(self.path.resolve()), "fingerprint": self.fingerprint, "depth": self.depth}


def rerank(
    scorer: Scorer,
    question: str,
    candidates: Sequence[tuple[Hashable, float]],
    texts: Mapping[Hashable, str],
    depth: int,
) -> list[tuple[Hashable, float]]:
    """The candidates with the top ``depth`` reordered by the scorer, best first.

    Reranked candidates get the scorer's relevance (0–1, the range of fused scores, so the
    structure rules weigh it as they weigh those); the rest keep their order below them, scaled
    under the lowest reranked score.
    """
    head, tail = list(candidates[:depth]), list(candidates[depth:])
    if not head:
        return []
    relevance = scorer.score(question, [texts[key] for key, _ in head])
    scored = sorted(
        ((key, min(1.0, max(0.0, float(x)))) for (key, _), x in zip(head, relevance, strict=True)),
        key=lambda kv: -kv[1],
    )
    floor = scored[-1][1]
    top_tail = max((s for _, s in tail), default=0.0)
    rest = [(key, floor * 0.999 * (s / top_tail if top_tail > 0 else 0.0)) for key, s in tail]
    return scored + rest
