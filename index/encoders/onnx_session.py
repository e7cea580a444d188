"""One exported ONNX model and its tokenizer run by onnxruntime: texts in, unit vectors out.

Threads are set on purpose: ``intra_op_num_threads`` (default: the CPUs this process may use;
``$POLICY_QA_THREADS`` overrides) and no spin-waiting between operators, which on a CPU other
processes share turns waiting into stolen time and long tails (docs/performance.md).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.encoders.compact_vocab import TokenizerPair


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
        self.threads = threads or default_threads()
        self.session = _session(model, self.threads, spin)
        self.inputs = [i.name for i in self.session.get_inputs()]
        self.tokenizer = TokenizerPair(tokenizer, int(settings["max_seq_length"]))
        self.pad_id = int(settings["pad_id"])

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        """Unit vectors of ``texts`` in their order; batches are formed shortest first (less padding)."""
        encodings = self.tokenizer.encode(texts)
        lengths = np.array([len(e) for e in encodings])
        order = np.argsort(lengths, kind="stable")
        out: np.ndarray | None = None
        for start in range(0, len(order), batch_size):
            part = order[start : start + batch_size]
            width = int(lengths[part].max())
            ids = np.full((len(part), width), self.pad_id, dtype=np.int64)
            mask = np.zeros((len(part), width), dtype=np.int64)
            for row, n in enumerate(part):
                tokens = encodings[n]
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
