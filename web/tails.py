"""The end of an append-only JSON Lines file, read bounded: the app's logs grow, a page must not read them whole."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def tail_records(path: Path, max_bytes: int) -> tuple[list[Any], int]:
    """The JSON values of the lines in the last ``max_bytes`` of ``path``, oldest first; how many were not JSON.

    A line cut by the bound (the first one read) is dropped, not counted; no file is ([], 0).
    """
    path = Path(path)
    if not path.exists():
        return [], 0
    with path.open("rb") as handle:
        size = handle.seek(0, 2)
        handle.seek(max(0, size - max_bytes))
        lines = handle.read(max_bytes).split(b"\n")
    if size > max_bytes:
        lines = lines[1:]
    records, bad = [], 0
    for line in lines:
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except ValueError:
            bad += 1
    return records, bad
