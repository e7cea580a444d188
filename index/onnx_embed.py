"""The ONNX encoder backends: an exported model run by onnxruntime, without torch.

Threads are set on purpose: ``intra_op_num_threads`` (default: the CPUs this process may use;
``$POLICY_QA_THREADS`` overrides) and no spin-waiting between operators, which on a CPU other
processes share turns waiting into stolen time and long tails (README, Performance).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.onnx_export import EXPORT_FILE, ensure_export


def default_threads() -> int:
    """``$POLICY_QA_THREADS``, else the CPUs this process may run on."""
    configured = os.environ.get("POLICY_QA_THREADS", "").strip()
    if configured:
        try:
            threads = int(configured)
        except ValueError:
            raise ValueError(f"POLICY_QA_THREADS={configured!r} is not a whole number of threads") from None
        if threads < 1:
            raise ValueError(f"POLICY_QA_THREADS={configured!r}: it must be at least 1")
        return threads
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _session(model: Path, threads: int, spin: bool) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
    options.log_severity_level = 3
    return ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])


class OnnxSession:
    """One exported model and its tokenizer: texts in, unit vectors out (length-sorted batches).

    Args:
        model: The ``model.onnx`` file.
        tokenizer: The model's ``tokenizer.json``.
        settings: ``max_seq_length`` and ``pad_id`` (as the export recorded them).
        threads: Intra-op threads (None: :func:`default_threads`).
        spin: Let idle threads spin-wait (faster on an idle CPU, worse on a shared one).
    """

    def __init__(
        self, model: Path, tokenizer: Path, settings: dict[str, Any], threads: int | None = None, spin: bool = False
    ) -> None:
        from tokenizers import Tokenizer

        self.threads = threads or default_threads()
        self.session = _session(model, self.threads, spin)
        self.inputs = [i.name for i in self.session.get_inputs()]
        self.tokenizer = Tokenizer.from_file(str(tokenizer))
        self.tokenizer.enable_truncation(int(settings["max_seq_length"]))
        self.tokenizer.no_padding()
        self.pad_id = int(settings["pad_id"])

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        """Unit vectors of ``texts`` in their order; batches are formed shortest first (less padding)."""
        encodings = self.tokenizer.encode_batch(list(texts))
        lengths = np.array([len(e.ids) for e in encodings])
        order = np.argsort(lengths, kind="stable")
        out: np.ndarray | None = None
        for start in range(0, len(order), batch_size):
            part = order[start : start + batch_size]
            width = int(lengths[part].max())
            ids = np.full((len(part), width), self.pad_id, dtype=np.int64)
            mask = np.zeros((len(part), width), dtype=np.int64)
            for row, n in enumerate(part):
                tokens = encodings[n].ids
                ids[row, : len(tokens)] = tokens
                mask[row, : len(tokens)] = 1
            feeds = {"input_ids": ids, "attention_mask": mask}
            vectors = self.session.run(None, {k: v for k, v in feeds.items() if k in self.inputs})[0]
            if out is None:
                out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
            out[part] = vectors
        if out is None:
            return np.zeros((0, 0), dtype=np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.ascontiguousarray(out / np.maximum(norms, 1e-12), dtype=np.float32)


class OnnxEmbedder:
    """The encoder on onnxruntime: ``backend`` "onnx" (fp32) or "onnx-int8" (dynamic int8 weights).

    The export is made on first use and cached by the model's weights hash (see
    :mod:`index.onnx_export`); the vectors it gives are cached apart from PyTorch's. With
    "onnx-int8" passages encoded in different batches differ slightly (cosine ≥ 0.996: the batch
    shares one activation scale); the embedding cache keeps the vector a text got first, so a
    rebuild or an update reuses it. Questions are encoded one at a time (see ``query_batch_size``).

    Example:
        >>> embedder = OnnxEmbedder(backend="onnx-int8")       # exports once, ≈ 30 s
        >>> embedder.encode(["哪些部门负责12345热线"], query=True).shape
        (1, 384)
    """

    def __init__(
        self,
        path: str | Path | None = None,
        backend: str = "onnx-int8",
        *,
        batch_size: int = 32,
        query_batch_size: int | None = None,
        threads: int | None = None,
        spin: bool = False,
        export_root: Path | None = None,
    ) -> None:
        from index.embed import model_identity

        folder, self.name, self.fingerprint = model_identity(path)
        self.path, self.backend = folder, backend
        self.export = ensure_export(folder, self.fingerprint, backend, export_root)
        settings = json.loads((self.export / EXPORT_FILE).read_text(encoding="utf-8"))
        self.session = OnnxSession(self.export / "model.onnx", self.export / "tokenizer.json", settings, threads, spin)
        self.dim = int(settings["dim"])
        self.prompts: dict[str, str] = dict(settings.get("prompts", {}))
        self.batch_size = batch_size
        # Dynamic int8 quantises each batch's activations with one scale for the whole batch, so a
        # text's vector depends on its batch (cosine 0.997 between a question alone and in a batch of
        # 16). Questions are encoded one per run there: a question gets the same vector alone or in a
        # batch lookup, and search_batch answers exactly as search does.
        self.query_batch_size = query_batch_size or (1 if backend == "onnx-int8" else 16)
        self.probe_cosine = settings.get("probe_cosine", {})

    def encode(self, texts: Sequence[str], *, query: bool = False, show_progress: bool = False) -> np.ndarray:
        """Encode texts with the model's query or passage prompt; rows L2-normalised."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        prompt = self.prompts.get("query" if query else "passage", "")
        batch = self.query_batch_size if query else self.batch_size
        return self.session.encode([prompt + t for t in texts], batch)
