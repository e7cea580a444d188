"""The ingestion entry points: paths in, notices or chunks out."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ingest import bounds
from ingest.model import Chunk, Notice
from ingest.readers import RawDocument, ReadError, distinct_ids, files_to_read, read_file
from ingest.structure import parse_document

logger = logging.getLogger(__name__)


def parse_text(text: str, doc_id: str = "doc", title: str | None = None) -> Notice:
    r"""Parse notice text held in memory.

    Example:
        >>> notice = parse_text("一、总体安排\n1.开展试点。（市数据局牵头）", doc_id="demo")
        >>> notice.chunks[0].id, notice.chunks[0].lead
        ('demo#一/1', ['市数据局'])
    """
    return parse_document(RawDocument(doc_id, text, f"<{doc_id}>", title))


def load_notices(
    paths: str | Path | Iterable[str | Path], warnings: list[str] | None = None, doc_id: str | None = None
) -> list[Notice]:
    """Read and parse files and directories (recursively) into notices.

    A file that cannot be read, or is over a limit of :mod:`ingest.bounds`, is skipped with a
    logged warning naming the file and the reason (also appended to ``warnings`` when given);
    the rest goes on. A file's doc_id is its name without the ending; where names repeat in
    different folders, the folders are part of it (:func:`ingest.folders.distinct_ids`).
    ``doc_id`` names the document of a single file instead.

    Raises:
        FileNotFoundError: if a named path does not exist.
        ValueError: if two documents share a doc_id (ids would collide).
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    notices: list[Notice] = []
    seen: dict[str, str] = {}
    files = files_to_read(paths, warnings)
    ids = distinct_ids(files)
    for path in files:
        try:
            raws = read_file(path, doc_id if doc_id and len(files) == 1 else ids[path])
        except ReadError as exc:
            logger.warning("skipped %s", exc)
            if warnings is not None:
                warnings.append(str(exc))
            continue
        for raw in raws:
            if raw.doc_id in seen:
                raise ValueError(
                    f"doc_id {raw.doc_id!r} of {raw.source} is also used by {seen[raw.doc_id]}; rename one of the files"
                )
            seen[raw.doc_id] = raw.source
            notice = parse_document(raw)
            try:
                bounds.check_count(raw.source, "chunks", len(notice.chunks), bounds.current().max_chunks)
            except bounds.LimitError as exc:
                logger.warning("skipped %s", exc)
                if warnings is not None:
                    warnings.append(str(exc))
                continue
            notices.append(notice)
    return notices


def load(paths: str | Path | Iterable[str | Path]) -> list[Chunk]:
    """Read files and directories into chunks, in file then document order.

    Example:
        >>> chunks = load("data/notices")
        >>> len({c.doc_id for c in chunks})
        5
    """
    return [chunk for notice in load_notices(paths) for chunk in notice.chunks]


def write_jsonl(chunks: Iterable[Chunk], path: str | Path) -> int:
    """Write chunks as JSON Lines (UTF-8, not ASCII-escaped), atomically; return the count."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            for chunk in chunks:
                handle.write(chunk.to_json() + "\n")
                count += 1
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count
