"""The feedback log: one JSON line per vote, each bound to the answer it judges.

The log is the training signal of ``python -m tune``: every line names the answer's id,
its question, the chunk ids it returned (in order), its mode and filters, the version of the
index that answered (:meth:`index.Searcher.version`), the vote, and for a pick the chunk id
staff named as the right one.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

#: The votes a line may carry: 👍, 👎, or "the right clause is …".
VOTES = ("up", "down", "pick")


class FeedbackLog:
    """An append-only JSON Lines file of votes, safe to write from many threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def record(
        self,
        question: str,
        chunk_ids: list[str],
        vote: str,
        *,
        answer_id: str | None = None,
        mode: str | None = None,
        filters: dict[str, Any] | None = None,
        index_version: str | None = None,
        right: str | None = None,
    ) -> dict[str, Any]:
        """Append one vote and return the line written.

        Raises:
            ValueError: for a vote other than "up", "down" or "pick", a pick without ``right``,
                or an up or down vote with one. Nothing is written then.
        """
        if vote not in VOTES:
            raise ValueError(f"vote {vote!r} must be 'up', 'down' or 'pick'")
        if (vote == "pick") != (right is not None):
            raise ValueError("a pick names the right chunk id (right=…); an up or down vote does not")
        record = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "answer_id": answer_id,
            "question": question,
            "chunk_ids": chunk_ids,
            "mode": mode,
            "filters": filters or {},
            "index_version": index_version,
            "vote": vote,
        }
        if right is not None:
            record["right"] = right
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        return record
