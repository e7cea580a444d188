"""Texts into unit vectors: the embedder protocol, its backends, the bundled model and the embedding cache.

``torch`` runs a sentence-transformers folder (:class:`SentenceTransformerEmbedder`); ``onnx`` and
``onnx-int8`` run its export on onnxruntime (:class:`OnnxEmbedder`, no torch at question time).
:func:`make_embedder` picks one by name; :func:`embed_cached` encodes passages through the cache.
"""

from index.encoders.base import BACKENDS, DEFAULT_BACKEND, Embedder, backend_of, model_identity
from index.encoders.cache import EmbeddingCache, embed_cached
from index.encoders.factory import make_embedder
from index.encoders.onnx_embed import OnnxEmbedder
from index.encoders.sentence import SentenceTransformerEmbedder

__all__ = [
    "BACKENDS",
    "DEFAULT_BACKEND",
    "Embedder",
    "EmbeddingCache",
    "OnnxEmbedder",
    "SentenceTransformerEmbedder",
    "backend_of",
    "embed_cached",
    "make_embedder",
    "model_identity",
]
