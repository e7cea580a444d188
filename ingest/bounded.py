"""Reading many files under the app's bounds: one child process, each file with its own time limit.

The command line (``python -m ingest``, ``python -m index build/add``) reads what an operator
names, but a file can still be hostile: 700,000 nested ``<div>``s parse for minutes. So the CLI
reads as the app does (:mod:`ingest.isolated`): in a fresh interpreter that caps its own address
space, with a wall-time limit per file. Starting an interpreter costs ≈ 0.45 s, so one child
reads file after file; a file that runs out of time is killed with its child, one that runs out
of memory ends it, and a new child reads the next file. The file is skipped and named, as a
file over any other limit is (``warning: skipped …``), and the rest goes on.

Example:
    >>> notices = load_bounded(["data/notices"])
    >>> len(notices)
    5
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from ingest import bounds, progress
from ingest.isolated import ChildReader
from ingest.model import Notice
from ingest.readers import distinct_ids, files_to_read

logger = logging.getLogger("ingest")


def load_bounded(
    paths: str | Path | Iterable[str | Path],
    warnings: list[str] | None = None,
    limits: bounds.Limits | None = None,
    on_progress: progress.Listener | None = None,
) -> list[Notice]:
    """:func:`ingest.api.load_notices`, each file read in a child under ``limits``' memory and time.

    A file over a limit, or that its child could not read, is skipped with a logged warning
    naming it and why (appended to ``warnings`` too); the rest goes on. ``on_progress`` hears
    each page a long read (OCR) reports.

    Raises:
        FileNotFoundError: if a named path does not exist.
        ValueError: if two documents share a doc_id (ids would collide).
    """
    limits = limits or bounds.current()
    files = files_to_read(paths, warnings)
    ids = distinct_ids(files)
    notices: list[Notice] = []
    seen: dict[str, str] = {}
    reader: ChildReader | None = None
    try:
        for path in files:
            if reader is None or not reader.alive():
                reader = ChildReader(limits)
            try:
                found, problems = reader.read(path, on_progress, doc_id=ids[path])
            except bounds.LimitError as exc:
                reader.stop()
                found, problems, reader = [], [str(exc)], None
            for problem in problems:
                logger.warning("skipped %s", problem)
                if warnings is not None:
                    warnings.append(problem)
            for notice in found:
                if notice.doc_id in seen:
                    other = seen[notice.doc_id]
                    raise ValueError(f"doc_id {notice.doc_id!r} of {path} is also used by {other}; rename one")
                seen[notice.doc_id] = str(path)
                notices.append(notice)
    finally:
        if reader is not None:
            reader.stop()
    return notices


__all__ = ["load_bounded"]
