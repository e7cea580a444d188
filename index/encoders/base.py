"""What an encoder is: the embedder protocol, the backends, and a model folder's identity (name, weights hash)."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from index.encoders.bundled import MODEL_ID, default_model_dir
from index.errors import IndexMismatchError
from index.paths import file_sha256

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never contact a hub: every model is local
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

logger = logging.getLogger(__name__)


@runtime_checkable
class Embedder(Protocol):
    """What the index needs from a model.

    Attributes:
        name: A human-readable model id, recorded in the index manifest.
        fingerprint: sha256 of the weights, recorded so a changed model is noticed.
        dim: Vector dimension.

    An embedder may also have ``backend`` (what runs it: "torch", "onnx", "onnx-int8"; an
    object without one counts as "torch"), recorded beside the fingerprint.
    """

    name: str
    fingerprint: str
    dim: int

    def encode(self, texts: Sequence[str], *, query: bool = False, show_progress: bool = False) -> np.ndarray:
        """Return a float32 array of shape (len(texts), dim), rows L2-normalised."""
        ...


def model_identity(path: str | Path | None) -> tuple[Path, str, str]:
    """A model folder (None: the bundled model, converted on first use), its name and weights hash.

    Raises:
        FileNotFoundError: if the folder is not a sentence-transformers model folder.
    """
    folder = Path(path) if path is not None else default_model_dir()
    if not (folder / "modules.json").is_file() and not (folder / "config.json").is_file():
        raise FileNotFoundError(f"{folder}: not a sentence-transformers model folder (no modules.json or config.json)")
    source = folder / "SOURCE.json"
    if source.is_file():  # the bundled model: named and hashed by the file it was converted from
        return folder, MODEL_ID, str(json.loads(source.read_text(encoding="utf-8"))["source_sha256"])
    return folder, folder.name, weights_fingerprint(folder)


def weights_fingerprint(folder: Path) -> str:
    """sha256 of the weights file in a model folder (safetensors, pytorch bin or ONNX)."""
    for name in ("model.safetensors", "pytorch_model.bin", "model.onnx"):
        candidates = sorted(folder.rglob(name))
        if candidates:
            return file_sha256(candidates[0])
    raise FileNotFoundError(f"{folder}: no weights file (model.safetensors or pytorch_model.bin)")


#: Encoder backends: PyTorch fp32 (sentence-transformers), onnxruntime fp32, onnxruntime dynamic int8.
BACKENDS = ("torch", "onnx", "onnx-int8")
#: The encoder backend an index is built with when none is named (docs/performance.md: chosen by measurement).
DEFAULT_BACKEND = "onnx-int8"


def backend_of(embedder: object) -> str:
    """The backend an embedder runs on ("torch" for one that does not say)."""
    return str(getattr(embedder, "backend", "torch"))


def check_backend(built: dict[str, Any], model: dict[str, Any], where: str, rebuild: str) -> None:
    """Refuse to search vectors made by one backend with questions encoded by another.

    ``built`` and ``model`` are model records (:func:`index.recorded.model_info`); a record
    without a backend was made by PyTorch.

    Raises:
        IndexMismatchError: naming both backends, the option that matches and the rebuild command.
    """
    was, now = built.get("backend", "torch"), model.get("backend", "torch")
    if was != now:
        raise IndexMismatchError(
            f"{where} was built with the {was} encoder backend; this run uses {now} (int8 and fp32 vectors "
            f"differ). Open it with --backend {was}, or rebuild with: {rebuild} --backend {now}"
        )
