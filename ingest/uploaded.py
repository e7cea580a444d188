"""An uploaded file as a notice: its safe name, its id, and its chunks, read the same way at upload and at repair.

An upload named ``汉中 要点.docx`` with sha256 ``1a2b3c4d…`` is stored as
``uploads/汉中_要点_1a2b3c4d.docx`` and its notice's doc_id is that file's stem. It is read in a
child process (:mod:`ingest.isolated`) from a scratch file named after the *original* stem, so a
notice without a title line is titled ``汉中_要点``. Its chunks carry the file's hash and stored
name. A repair (``python -m index repair``) reads a stored upload through the same function:
the original stem is the doc_id less its hash, so the notice comes back the same, id, title and
hash alike.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import uuid
from pathlib import Path

from ingest import progress
from ingest.bounds import LimitError
from ingest.isolated import read_isolated
from ingest.model import Chunk

_UNSAFE = re.compile(r"[^\w\u4e00-\u9fff-]+")
_STORED = re.compile(r"(?P<stem>.+)_(?P<digest>[0-9a-f]{8})")


class UnreadableUploadError(ValueError):
    """An uploaded file that yields no notice; the message is the reader's reason (English, with the path)."""


def safe_stem(name: str) -> str:
    """A file stem safe to store: word characters, CJK and "-" only, at most 40 characters.

    >>> safe_stem("../../etc/passwd; rm -rf *.txt"), safe_stem("汉中市 2024 工作要点")
    ('passwd_rm_-rf', '汉中市_2024_工作要点')
    """
    stem = Path(name.replace("\\", "/")).name
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    return _UNSAFE.sub("_", stem).strip("_")[:40] or "notice"


def upload_id(name: str, digest: str) -> str:
    """The doc_id (and stored file stem) of an upload sent as ``name`` with sha256 ``digest``.

    >>> upload_id("汉中 要点.docx", "1a2b3c4d" + "0" * 56)
    '汉中_要点_1a2b3c4d'
    """
    return f"{safe_stem(name)}_{digest[:8]}"


def read_upload(
    data: bytes, name: str, scratch_root: Path, on_progress: progress.Listener | None = None
) -> tuple[str, list[Chunk]]:
    """The doc_id and chunks of an uploaded file's bytes, sent under ``name`` (ids and hash stamped).

    Read in a child process from a private scratch folder under ``scratch_root`` (removed after);
    ``on_progress`` hears each page a long read (OCR) reports.

    Raises:
        LimitError: over a limit of :mod:`ingest.bounds`, or the child ran out of memory or time.
        UnreadableUploadError: the reader refused the file, or it holds no text.
        OSError: the scratch copy could not be written (a full disk); nothing is left behind.
    """
    suffix = Path(name).suffix.lower()
    digest = hashlib.sha256(data).hexdigest()
    doc_id = upload_id(name, digest)
    folder = scratch_root / f".reading-{doc_id}-{uuid.uuid4().hex[:8]}"
    try:  # a full disk fails the write: the scratch folder goes all the same (OSError to the caller)
        folder.mkdir(parents=True)
        scratch = folder / f"{safe_stem(name)}{suffix}"  # a notice without a title line is titled by its file name
        scratch.write_bytes(data)
        notices, problems = read_isolated(scratch, on_progress=on_progress)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if problems:
        raise UnreadableUploadError(problems[0])
    chunks = [chunk for notice in notices for chunk in notice.chunks]
    if not chunks:
        raise UnreadableUploadError(f"{name}: no text to read (a scan, or a damaged file?)")
    for chunk in chunks:
        chunk.doc_id = doc_id
        chunk.id = doc_id + chunk.id[chunk.id.index("#") :]
        chunk.metadata = {**chunk.metadata, "sha256": digest, "file": f"{doc_id}{suffix}"}
    return doc_id, chunks


def read_stored(path: Path, scratch_root: Path) -> list[Chunk]:
    """The chunks of an upload as stored (``uploads/<stem>_<hash8><suffix>``), as they were when it was added.

    Raises:
        UnreadableUploadError: the file's name is not a stored upload's, its content no longer has
            the hash its name records (damaged), or the reader refuses it.
        LimitError: as :func:`read_upload`.
    """
    named = _STORED.fullmatch(path.stem)
    if named is None:
        raise UnreadableUploadError(f"{path}: not a stored upload (its name lacks the content hash)")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest[:8] != named["digest"]:
        raise UnreadableUploadError(f"{path}: its content changed since it was stored (sha256 {digest[:8]}…)")
    doc_id, chunks = read_upload(data, named["stem"] + path.suffix, scratch_root)
    if doc_id != path.stem:
        raise UnreadableUploadError(f"{path}: reads as {doc_id}, not as its name says")
    return chunks


__all__ = ["LimitError", "UnreadableUploadError", "read_stored", "read_upload", "safe_stem", "upload_id"]
