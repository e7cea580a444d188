"""The name each notice was uploaded under, as staff sent it ("2024 工作要点（定稿）.docx").

A stored upload is named for its doc_id (``uploads/<safe stem>_<hash8>.docx``): safe on disk, but
not the name staff know the file by. The names are kept beside it, one JSON line per upload in
``DATA_DIR/upload-names.jsonl``, and the notice view shows them. The log is read bounded (its
last :data:`MAX_BYTES`); a replaced or deleted notice's line is harmless (its doc_id is gone).

Example:
    >>> import tempfile
    >>> names = UploadNames(Path(tempfile.mkdtemp()) / "upload-names.jsonl")
    >>> names.remember("a_1234abcd", "2024 工作要点（定稿）.docx")
    >>> names.get("a_1234abcd"), names.get("b")
    ('2024 工作要点（定稿）.docx', None)
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

from web.tails import tail_records

#: How much of the log's end is read.
MAX_BYTES = 8 * 1024 * 1024


class UploadNames:
    """doc_id → the file name it was uploaded under, kept in an append-only JSON Lines file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def remember(self, doc_id: str, name: str) -> None:
        """Record that ``doc_id`` was uploaded as ``name`` (a later line wins)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"doc_id": doc_id, "name": name}, ensure_ascii=False) + "\n")

    def get(self, doc_id: str) -> str | None:
        """The name ``doc_id`` was last uploaded under, or None (a bundled notice, or the log lost)."""
        entries, _ = tail_records(self.path, MAX_BYTES)  # a torn last line is not a name
        names = [e["name"] for e in entries if isinstance(e, dict) and e.get("doc_id") == doc_id
                 and isinstance(e.get("name"), str)]  # fmt: skip
        return names[-1] if names else None
