"""Where the project's files live (its root, the bundled corpus, the default index, the cache), defined once.

Also how a file is fingerprinted: one sha256 for model files, index files and uploads alike.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

#: The project root (the folder holding index/, ingest/, eval/, app.py); site-packages when installed.
ROOT = Path(__file__).resolve().parent.parent
#: True in a checkout (or ``pip install -e .``): the bundled notices lie beside the code.
IN_CHECKOUT = (ROOT / "data" / "notices").is_dir()
#: The bundled notices: what a first run indexes (an installed copy has them under ``share/policy-qa``).
DEFAULT_CORPUS = ROOT / "data" / "notices" if IN_CHECKOUT else Path(sys.prefix) / "share" / "policy-qa" / "notices"
#: Where built indexes and the app's data go: ``build/`` in a checkout, else ``$XDG_DATA_HOME/policy-qa``.
WORK_ROOT = (
    ROOT / "build"
    if IN_CHECKOUT
    else Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "policy-qa"
)
DEFAULT_INDEX = WORK_ROOT / "index"


def default_index_path() -> Path:
    """Where ``Searcher.open()`` looks: ``$POLICY_QA_INDEX``, else ``build/index`` (installed: the user's data)."""
    return Path(os.environ.get("POLICY_QA_INDEX") or DEFAULT_INDEX)


def default_data_dir() -> Path:
    """The web app's data folder (uploads, feedback): ``$POLICY_QA_DATA``, else ``data`` beside the default index."""
    return Path(os.environ.get("POLICY_QA_DATA") or WORK_ROOT / "data")


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
