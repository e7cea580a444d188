"""The project's root and the default places of its corpus and index, defined once."""

from __future__ import annotations

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
