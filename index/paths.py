"""Where the project's files live (its root, the bundled corpus, the default index, the cache), defined once.

Also how a file is fingerprinted: one sha256 for model files, index files and uploads alike.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

#: The project root (the folder holding index/, ingest/, eval/, app.py).
ROOT = Path(__file__).resolve().parent.parent
#: The bundled notices: what a first run indexes.
DEFAULT_CORPUS = ROOT / "data" / "notices"
DEFAULT_INDEX = ROOT / "build" / "index"


def default_index_path() -> Path:
    """Where ``Searcher.open()`` looks: ``$POLICY_QA_INDEX``, else ``build/index`` in the project."""
    return Path(os.environ.get("POLICY_QA_INDEX") or DEFAULT_INDEX)


def default_data_dir() -> Path:
    """The web app's data folder (uploads, feedback): ``$POLICY_QA_DATA``, else ``build/data`` in the project."""
    return Path(os.environ.get("POLICY_QA_DATA") or ROOT / "build" / "data")


def cache_root() -> Path:
    """Where converted models and embedding caches live: ``$POLICY_QA_CACHE`` or ~/.cache/policy-qa."""
    return Path(os.environ.get("POLICY_QA_CACHE") or Path.home() / ".cache" / "policy-qa")


def file_sha256(path: Path, chunk: int = 1 << 22) -> str:
    """Hex sha256 of a file, read in 4 MiB pieces."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()
