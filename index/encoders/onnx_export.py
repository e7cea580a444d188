"""A sentence-transformers folder into an ONNX model for onnxruntime, once per model and backend.

The whole sentence pipeline (transformer, pooling, normalisation) is traced into one graph
with ``torch.onnx.export`` (sentence-transformers' own ONNX route needs optimum, which no
release pairs with transformers 5.23). ``onnx-int8`` then quantises the weights with
onnxruntime's dynamic quantisation (per-channel QInt8; activations are quantised per batch).

The result lives in the cache (``cache_root()/onnx/<model hash>-<backend>``): ``model.onnx``,
the model's ``tokenizer.json`` and ``EXPORT.json`` (what was exported, the settings a run needs
— prompts, sequence length, inputs — and the export's fidelity on probe texts). Running it
needs onnxruntime and tokenizers only: torch is imported for the export, not for questions.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from index.encoders.base import BACKENDS
from index.encoders.onnx_session import OnnxSession
from index.errors import ExportError
from index.paths import cache_root

logger = logging.getLogger(__name__)

#: Bumped when the export changes in a way that changes its vectors (old exports are then redone).
EXPORT_VERSION = 1
EXPORT_FILE = "EXPORT.json"
#: The fp32 export must reproduce the PyTorch vectors to this cosine on every probe text, or it is refused.
FP32_MIN_COSINE = 0.9999
#: An int8 export straying further than this from fp32 on a probe text is refused (docs/performance.md).
INT8_MIN_COSINE = 0.97
#: Texts the export is checked on: short and long, Chinese and Latin, one past the sequence limit.
PROBES = (
    "哪些部门负责12345热线",
    "推进政务服务“一网通办”，市数据局牵头，各区政府按职责分工负责。",
    "Which departments lead the 12345 hotline?",
    "第十二条 县级以上人民政府应当加强对安全生产工作的领导，建立健全安全生产工作协调机制。" * 3,
    "优化营商环境，压缩企业开办时间，推行“证照分离”改革。" * 40,
)


def export_dir(fingerprint: str, backend: str, root: Path | None = None) -> Path:
    """Where the export of the model with these weights for ``backend`` is cached."""
    return (root or cache_root() / "onnx") / f"{fingerprint[:16]}-{backend}"


def read_export(folder: Path) -> dict[str, Any] | None:
    """The export's description, or None when ``folder`` holds no finished export of this version."""
    try:
        info = json.loads((folder / EXPORT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if info.get("export_version") != EXPORT_VERSION or not (folder / "model.onnx").is_file():
        return None
    return info


def ensure_export(model_folder: Path, fingerprint: str, backend: str, root: Path | None = None) -> Path:
    """The cached export of ``model_folder`` for ``backend``, made now if it is not there yet.

    Raises:
        ValueError: for a backend that is not an ONNX one.
        ExportError: if the model cannot be traced or its export does not reproduce it.
    """
    if backend not in BACKENDS[1:]:
        raise ValueError(f"unknown ONNX backend {backend!r}; choose one of {', '.join(BACKENDS[1:])}")
    dest = export_dir(fingerprint, backend, root)
    if read_export(dest) is not None:
        return dest
    logger.warning("exporting the model in %s for %s (once, about half a minute)…", model_folder, backend)
    started = time.time()
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        info = _export(model_folder, work, backend)
        info.update(
            export_version=EXPORT_VERSION, fingerprint=fingerprint, backend=backend, source=str(model_folder),
            seconds=round(time.time() - started, 1),
        )  # fmt: skip
        (work / EXPORT_FILE).write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")
        if read_export(dest) is None:  # another process may have finished the same export first
            if dest.exists():
                shutil.rmtree(dest)
            os.replace(work, dest)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    logger.warning("exported in %.0f s: %s", time.time() - started, dest)
    return dest


def _export(model_folder: Path, work: Path, backend: str) -> dict[str, Any]:
    """Trace the model into ``work/model.onnx`` (quantised for int8); returns the run settings."""
    import torch
    from sentence_transformers import SentenceTransformer

    kwargs = {"add_pooling_layer": False} if (model_folder / "SOURCE.json").is_file() else {}
    model = SentenceTransformer(str(model_folder), device="cpu", local_files_only=True, model_kwargs=kwargs).eval()
    tokenizer = getattr(model, "tokenizer", None)
    tokenizer_file = _tokenizer_file(model_folder)
    if tokenizer is None or tokenizer_file is None:
        raise ExportError(f"{model_folder}: no fast tokenizer (tokenizer.json); use --backend torch for this model")
    inputs = ["input_ids", "attention_mask"]
    with_types = "token_type_ids" in getattr(tokenizer, "model_input_names", ())
    graph = _sentence_graph(model, with_types).eval()
    sample = torch.ones((2, 8), dtype=torch.long)
    fp32 = work / ("model.onnx" if backend == "onnx" else "fp32.onnx")
    axes = {name: {0: "batch", 1: "tokens"} for name in inputs} | {"embedding": {0: "batch"}}
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on shapes it treats as constants
            torch.onnx.export(
                graph, (sample, sample), str(fp32), dynamo=False, input_names=inputs, output_names=["embedding"],
                dynamic_axes=axes, opset_version=17,
            )  # fmt: skip
    except Exception as exc:  # any tracing failure means the same thing to the user
        raise ExportError(f"{model_folder}: torch.onnx.export failed ({exc}); use --backend torch") from exc
    prompts = {k: v for k, v in (model.prompts or {}).items() if k in ("query", "passage")}
    settings = {
        "max_seq_length": int(model.max_seq_length or 512),
        "prompts": prompts,
        "pad_id": int(tokenizer.pad_token_id or 0),
        "pad_token": str(tokenizer.pad_token or "<pad>"),
        "dim": int(model.get_embedding_dimension() or 0),
        "name": _model_name(model_folder),
    }
    shutil.copy2(tokenizer_file, work / "tokenizer.json")
    reference = model.encode(list(PROBES), normalize_embeddings=True, convert_to_numpy=True)
    exported = _probe_vectors(fp32, work / "tokenizer.json", settings)
    cosine = (exported * reference).sum(axis=1)
    if cosine.min() < FP32_MIN_COSINE:
        raise ExportError(
            f"{model_folder}: the ONNX export does not reproduce the model (cosine {cosine.min():.4f} "
            f"< {FP32_MIN_COSINE} on a probe text); use --backend torch"
        )
    if backend == "onnx-int8":
        _quantize(fp32, work / "model.onnx")
        fp32.unlink()
        cosine = (_probe_vectors(work / "model.onnx", work / "tokenizer.json", settings) * reference).sum(axis=1)
        if cosine.min() < INT8_MIN_COSINE:
            raise ExportError(
                f"{model_folder}: with int8 weights this model strays from its fp32 vectors (cosine "
                f"{cosine.min():.4f} < {INT8_MIN_COSINE} on a probe text); use --backend onnx"
            )
    settings["probe_cosine"] = {"mean": round(float(cosine.mean()), 5), "min": round(float(cosine.min()), 5)}
    return settings


def _quantize(source: Path, target: Path) -> None:
    """int8 weights (per output channel) with onnxruntime's dynamic quantisation."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # quantize_dynamic logs a pre-processing hint through the root logger
    try:
        quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, per_channel=True)
    finally:
        root.setLevel(level)


def _sentence_graph(model: Any, with_types: bool) -> Any:
    """The sentence-transformers pipeline as a module of (input_ids, attention_mask) → unit vectors."""
    import torch

    class SentenceGraph(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            features = {"input_ids": input_ids, "attention_mask": attention_mask}
            if with_types:
                features["token_type_ids"] = torch.zeros_like(input_ids)
            vectors = self.model(features)["sentence_embedding"]
            return torch.nn.functional.normalize(vectors, p=2, dim=1)

    return SentenceGraph()


def _tokenizer_file(folder: Path) -> Path | None:
    candidates = sorted(folder.rglob("tokenizer.json"), key=lambda p: len(p.parts))
    return candidates[0] if candidates else None


def _model_name(folder: Path) -> str:
    source = folder / "SOURCE.json"
    if source.is_file():
        return str(json.loads(source.read_text(encoding="utf-8")).get("model_id", folder.name))
    return folder.name


def _probe_vectors(model: Path, tokenizer: Path, settings: dict[str, Any]) -> np.ndarray:
    return OnnxSession(model, tokenizer, settings, threads=None).encode(list(PROBES), batch_size=8)
