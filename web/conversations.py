"""Each browser's conversation, kept on the server so that it survives a page reload.

The browser keeps only a random conversation id (``gr.BrowserState``, in its localStorage); the
messages and the answer records live under ``DATA_DIR/conversations/<id>.json``. Everything is
bounded: the newest :data:`MAX_MESSAGES` messages of a conversation, :data:`MAX_BYTES` per file,
and :data:`MAX_CONVERSATIONS` files (the least recently used go first). An id that is not 32
lower-case hex digits is never used as a file name: a new conversation starts instead.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import uuid
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: Conversations kept; past this the least recently saved are removed.
MAX_CONVERSATIONS = 500
#: Chat messages kept per conversation (a question and its answer are two).
MAX_MESSAGES = 200
#: A conversation file's largest size; the oldest messages go until it fits.
MAX_BYTES = 2_000_000
_ID = re.compile(r"[0-9a-f]{32}")


def new_id() -> str:
    """A fresh conversation id: 128 random bits as 32 hex digits."""
    return uuid.uuid4().hex


def valid_id(value: Any) -> bool:
    """A conversation id this store may use as a file name."""
    return isinstance(value, str) and bool(_ID.fullmatch(value))


class Conversations:
    """The conversations of one app, one file each under ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._lock = threading.Lock()

    def _path(self, conversation: str) -> Path:
        return self.folder / f"{conversation}.json"

    def load(self, conversation: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The messages and answer records of a conversation; empty for an unknown, invalid or damaged one."""
        if not valid_id(conversation):
            return [], []
        try:
            data = json.loads(self._path(conversation).read_text(encoding="utf-8"))
            return list(data["messages"]), list(data["records"])
        except FileNotFoundError:
            return [], []
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("conversation %s unreadable (%s); starting it afresh", conversation, exc)
            return [], []

    def save(self, conversation: Any, messages: list[dict[str, Any]], records: list[dict[str, Any]]) -> None:
        """Keep a conversation (bounded), replacing its file atomically; an invalid id is ignored."""
        if not valid_id(conversation):
            return
        cut = max(0, len(messages) - MAX_MESSAGES)
        while True:
            kept = [{**r, "message": r["message"] - cut} for r in records if r.get("message", -1) >= cut]
            body = json.dumps({"messages": messages[cut:], "records": kept}, ensure_ascii=False)
            if len(body.encode("utf-8")) <= MAX_BYTES or cut >= len(messages):
                break
            cut += 2  # a question and its answer
        with self._lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self._path(conversation)
            temporary = path.with_suffix(f".tmp-{os.getpid()}-{threading.get_ident()}")
            temporary.write_text(body, encoding="utf-8")
            os.replace(temporary, path)
            self._evict()

    def forget(self, conversation: Any) -> None:
        """Remove a conversation's file (an invalid id is ignored)."""
        if valid_id(conversation):
            with self._lock:
                self._path(conversation).unlink(missing_ok=True)

    def _evict(self) -> None:
        files = sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
        for old in files[: max(0, len(files) - MAX_CONVERSATIONS)]:
            old.unlink(missing_ok=True)
