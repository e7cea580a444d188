"""The index's domain errors, defined once: every layer raises them and every command catches them."""

from __future__ import annotations


class IndexNotFoundError(FileNotFoundError):
    """No index where one was asked for (the message says how to build one)."""


class IndexMismatchError(RuntimeError):
    """An index that cannot be used as it is (wrong model, format, or damaged files)."""


class ExportError(RuntimeError):
    """A model that cannot be exported to ONNX, or whose export does not reproduce it."""


class ModelFileError(RuntimeError):
    """The bundled model file is missing, truncated or not what it claims to be."""


class IndexChangedError(RuntimeError):
    """Another writer saved the index after this one loaded it; nothing was written (reload and repeat)."""
