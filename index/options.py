"""The command-line options that choose a store, shared by ``python -m index``, ``python -m eval`` and ``app.py``.

``--index DIR`` (a local index directory) or ``--milvus URI [--collection NAME]`` (a Milvus
collection; the token, if the server wants one, comes from ``$MILVUS_TOKEN``), ``--model`` and
``--backend`` (what runs the encoder).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from index.encoders.base import BACKENDS, DEFAULT_BACKEND
from index.encoders.factory import make_embedder
from index.paths import default_index_path
from index.recorded import recorded_backend
from index.rerank import DEPTH, Reranker
from index.searcher import Searcher
from index.sources import Source
from index.stores.target import DEFAULT_COLLECTION


def add_store_options(parser: argparse.ArgumentParser, index_help: str) -> None:
    """Add ``--index`` / ``--milvus`` (one of them), ``--collection`` and ``--model`` to a parser."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--index", type=Path, help=index_help)
    where.add_argument(
        "--milvus", metavar="URI", help="a Milvus server (http://host:19530) or milvus-lite file (*.db) instead"
    )
    parser.add_argument(
        "--collection", default=DEFAULT_COLLECTION, help=f"Milvus collection (default {DEFAULT_COLLECTION})"
    )
    parser.add_argument(
        "--model",
        type=Path,
        help="a local sentence-transformers folder (default: the one a local index records, else bundled e5-small)",
    )
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        help=f"what runs the encoder (default: the one a local index records, else {DEFAULT_BACKEND}); "
        "an index answers only with the backend it was built with",
    )


def add_reranker_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--reranker DIR``, ``--rerank-depth N`` and ``--no-reranker`` to a parser that builds an index."""
    parser.add_argument(
        "--reranker", type=Path, help="a cross-encoder folder to rerank with (default: MODEL/reranker if there)"
    )
    parser.add_argument(
        "--rerank-depth", type=int, default=DEPTH, help=f"candidates the reranker reorders (default {DEPTH})"
    )
    parser.add_argument("--no-reranker", action="store_true", help="no rerank stage, even if the model folder has one")


def reranker_of(args: argparse.Namespace) -> Any:
    """The reranker the options ask for: ``--reranker``, else the ``reranker/`` of a ``--model`` folder, else None.

    Raises:
        ValueError: for a reranker with ``--milvus`` (only a local index records one).
    """
    folder = None if args.no_reranker else args.reranker
    model = getattr(args, "model", None)
    if folder is None and not args.no_reranker and model is not None and (model / "reranker").is_dir():
        folder = model / "reranker"
    if folder is None:
        return None
    if getattr(args, "milvus", None):
        raise ValueError("a reranker is recorded only by a local index (--index); a Milvus collection cannot")
    return Reranker(folder, depth=args.rerank_depth)


def target_of(args: argparse.Namespace) -> str | Path | None:
    """The store the options name: a Milvus URI, an index directory, or None for the default directory."""
    return args.milvus or args.index


def embedder_of(args: argparse.Namespace) -> Any:
    """The embedder ``--model`` names, on ``--backend`` (else the one ``--index`` records); None without a model.

    Without ``--model`` the searcher picks the model itself (the recorded one, else the bundled
    one) and takes the backend from :func:`backend_of`.
    """
    if not args.model:
        return None
    index = getattr(args, "index", None)
    backend = args.backend or (recorded_backend(index) if index is not None else None)
    return make_embedder(args.model, backend)


def backend_of(args: argparse.Namespace) -> str | None:
    """The ``--backend`` asked for (None: the recorded or default one)."""
    return getattr(args, "backend", None)


def open_store(
    args: argparse.Namespace,
    *,
    build_if_missing: bool | None = None,
    corpus: Source | None = None,
    embedder: Any = None,
) -> Searcher:
    """Open the searcher the options name (see :meth:`index.Searcher.open`)."""
    return Searcher.open(
        target_of(args),
        collection=args.collection,
        token=os.environ.get("MILVUS_TOKEN", ""),
        embedder=embedder or embedder_of(args),
        backend=backend_of(args),
        build_if_missing=build_if_missing,
        corpus=corpus,
        show_progress=True,
    )


def where_of(args: argparse.Namespace) -> str:
    """The store named for people: "milvus URI (collection NAME)" or the directory."""
    if args.milvus:
        return f"Milvus {args.milvus} (collection {args.collection})"
    return str(args.index or default_index_path())
