"""Which files of a folder are read, and each other file named with why: nothing is left out silently."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from ingest.formats.ocr import ENDINGS as PICTURE_ENDINGS
from ingest.formats.word97 import ENDINGS as WORD97_ENDINGS

logger = logging.getLogger("ingest.readers")

#: File endings :mod:`ingest.readers` reads.
SUPPORTED = (
    ".txt", ".html", ".htm", ".docx", *WORD97_ENDINGS, ".xlsx", ".xls", ".et", ".pdf", ".ofd", ".jsonl",
    *PICTURE_ENDINGS,
)  # fmt: skip


#: What to do with a file of a type no reader reads.
_HINTS = {
    ".zip": "an archive: unpack it and load the folder",
    ".rar": "an archive: unpack it and load the folder",
    ".7z": "an archive: unpack it and load the folder",
}


def unsupported_message(path: Path) -> str:
    """Why a file of an unread type is skipped, naming it, its type and what to do.

    >>> unsupported_message(Path("附件.rar")).split("; ")[0]
    '附件.rar: unsupported file type .rar (an archive: unpack it and load the folder)'
    """
    suffix = path.suffix.lower()
    hint = f" ({_HINTS[suffix]})" if suffix in _HINTS else ""
    return f"{path}: unsupported file type {suffix or '(none)'}{hint}; supported: {', '.join(SUPPORTED)}"


def files_to_read(paths: Iterable[str | Path] | str | Path, warnings: list[str] | None = None) -> list[Path]:
    """The supported files of ``paths``; each other file of a folder is named in a logged warning (and ``warnings``).

    Raises:
        FileNotFoundError: if a named path does not exist.
    """
    unsupported: list[Path] = []
    files = list(iter_files([paths] if isinstance(paths, (str, Path)) else list(paths), unsupported))
    for other in unsupported:  # a folder's files of other types: each named, none silently left out
        logger.warning("skipped %s", unsupported_message(other))
        if warnings is not None:
            warnings.append(unsupported_message(other))
    return files


def iter_files(paths: list[str | Path] | str | Path, unsupported: list[Path] | None = None) -> Iterator[Path]:
    """Expand files and directories (recursively, sorted) into supported files.

    A directory's files of other types are never read; they are appended to ``unsupported``
    (when given) so that the caller names each one. Hidden files and folders are left out.

    Raises:
        FileNotFoundError: if a named path does not exist.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if unsupported is not None:
                unsupported.extend(p for p in found if p.suffix.lower() not in SUPPORTED)
            yield from (p for p in found if p.suffix.lower() in SUPPORTED)
        elif path.exists():
            yield path
        else:
            raise FileNotFoundError(f"{path}: no such file or directory")


def distinct_ids(files: list[Path]) -> dict[Path, str]:
    """Each file's doc_id: its name without the ending, or, where names repeat, with as many folders as tell them apart.

    Folders are counted below the folder all the files share, so ``附件1.doc`` in five subfolders
    gives five ids, the same on every load of that folder; two files of one name in one folder
    (``通知.doc`` and ``通知.pdf``) keep their endings.

    >>> ids = distinct_ids([Path("in/a/x/附件1.doc"), Path("in/b/x/附件1.doc"), Path("in/x/附件1.doc"),
    ...                     Path("in/b/通知.txt"), Path("in/b/通知.pdf")])
    >>> [ids[p] for p in sorted(ids)]
    ['a-x-附件1', 'b-x-附件1', '通知.pdf', '通知.txt', 'x-附件1']
    """
    common = Path(os.path.commonpath([p.parent for p in files])) if len(files) > 1 else None
    stems: dict[str, list[Path]] = {}
    for path in files:
        stems.setdefault(path.stem, []).append(path)
    ids = {}
    for stem, same in stems.items():
        if len(same) == 1:
            ids[same[0]] = stem
            continue
        folders = {p: p.parent.relative_to(common).parts if common else () for p in same}
        names = {p: p.name if sum(q.parent == p.parent for q in same) > 1 else stem for p in same}
        for p in same:
            for depth in range(len(folders[p]) + 1):
                named = "-".join([*folders[p][len(folders[p]) - depth :], names[p]])
                others = {"-".join([*folders[q][len(folders[q]) - depth :], names[q]]) for q in same if q != p}
                if named not in others:
                    break
            ids[p] = named
    return ids
