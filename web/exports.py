"""Where the page's exports go: each in a folder of its own, the oldest pruned.

Two staff exporting the same list at once must never write one file, and the exports folder must
not grow without bound: every export (citations, task lists, the overview, the 任务分解表, the
feedback list, calendars) takes a new folder ``<kind>-<time stamp>`` and the oldest of that kind
beyond ``keep`` go.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path


def stamp() -> str:
    """A time stamp for export folder names, unique within a second (names sort in time order)."""
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{time.time_ns() % 10**9}"


def export_folder(export_dir: Path, kind: str, keep: int) -> Path:
    """A new folder ``export_dir/<kind>-<stamp>``; the oldest folders of ``kind`` beyond ``keep`` are removed."""
    folder = Path(export_dir) / f"{kind}-{stamp()}"
    folder.mkdir(parents=True)
    for old in sorted(Path(export_dir).glob(f"{kind}-*"))[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
    return folder
