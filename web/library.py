"""The notice library behind the web app: safe uploads, feedback log, and the searcher it serves.

All files the app writes live under one data directory; uploaded files are stored under
names derived from their content hash, never from the path a browser sent.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from index.answer import Answer
from index.filters import year_of
from index.fuse import DEFAULT_MODE
from index.reading.places import DepartmentPlaces
from index.searcher import Searcher
from index.stores.base import NoticeInfo
from index.stores.layout import fsync_directory
from index.writing import writing
from ingest import progress
from ingest.bounds import MAX_UPLOAD_BYTES, UPLOAD_TYPES, LimitError
from ingest.departments import lead_names
from ingest.model import Chunk
from ingest.uploaded import UnreadableUploadError, read_upload
from web.confirmations import Confirmations
from web.feedback import FeedbackLog
from web.overview import Overview, build_overview
from web.tasks import department_tasks, departments
from web.upload_names import UploadNames
from web.uploads import (
    UploadError,
    UploadResult,
    display_name,
    read_regular_file,
    reason_in_chinese,
    safe_stem,
    same_name,
)


def write_problem(exc: BaseException) -> str:
    """Why a write failed, in Chinese: a full disk, no permission, another writer, or the system's words.

    >>> write_problem(OSError(errno.ENOSPC, "No space left on device"))
    '磁盘已满'
    """
    if isinstance(exc, TimeoutError):
        return "另一个写入操作长时间未结束，请稍后再试"
    code = getattr(exc, "errno", None)
    if code in (errno.ENOSPC, errno.EDQUOT):
        return "磁盘已满"
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "没有写入权限"
    return f"写入失败：{getattr(exc, 'strerror', None) or exc}"


def durable_write(path: Path, data: bytes) -> None:
    """Write a file and make it survive a crash: the file's bytes and its directory entry are fsync'd."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    fsync_directory(path.parent)


class Library:
    """A searcher plus the data directory where uploads and the feedback log are kept.

    Searches may run from many threads; an upload swaps in a new searcher under a lock, so a
    search sees either the old index or the new one, never half of each.
    """

    def __init__(self, searcher: Searcher, data_dir: Path, feedback_log: Path | None = None) -> None:
        self.searcher = searcher
        self.data_dir = Path(data_dir)
        self.uploads = self.data_dir / "uploads"
        self.feedback_log = Path(feedback_log) if feedback_log else self.data_dir / "feedback.jsonl"
        self.feedback = FeedbackLog(self.feedback_log)
        self.upload_names = UploadNames(self.data_dir / "upload-names.jsonl")
        self._lock = threading.Lock()
        self._upload_lock = threading.Lock()
        self._version: tuple[Searcher, str] | None = None
        self._all: tuple[Searcher, list[Any]] | None = None
        self._by_id: tuple[Searcher, dict[str, Chunk]] | None = None
        self._departments: tuple[Searcher, list[str]] | None = None
        self._overview: tuple[Searcher, Overview] | None = None
        self.confirmations = Confirmations()
        self.reconciled = self.reconcile()

    def reconcile(self) -> list[str]:
        """Make ``uploads/`` agree with the index after a crash; returns the names removed.

        An upload is stored under its final name before the index swap, and deleted after a
        notice's removal: killed in between, a stored file has no notice (removed here) while
        every notice in the index keeps its file. Scratch and staging leftovers go too.
        """
        if not self.uploads.is_dir():
            return []
        held = {n.doc_id for n in self.searcher.notices()}
        removed = []
        for path in sorted(self.uploads.iterdir()):
            leftover = path.name.startswith((".staging-", ".reading-"))
            if leftover or (not path.name.startswith(".") and path.stem not in held):
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
                removed.append(path.name)
        return removed

    def index_version(self) -> str:
        """The version of the index now answering (:meth:`index.Searcher.version`), computed once per index."""
        searcher = self.searcher
        if self._version is None or self._version[0] is not searcher:
            self._version = (searcher, searcher.version())
        return self._version[1]

    def answer(
        self,
        question: str,
        k: int = 5,
        mode: str = DEFAULT_MODE,
        filters: dict[str, Any] | None = None,
        history: Sequence[Any] | None = None,
    ) -> Answer:
        """Answer a question with the current searcher (a follow-up read against ``history``, oldest first)."""
        return self.searcher.answer(question, k=k, mode=mode, filters=filters, history=history)  # type: ignore[arg-type]

    def notices(self) -> list[list[Any]]:
        """Rows of (doc_id, title, issuer, date, chunk count) for the notices in the index."""
        return [[n.doc_id, n.title, n.issuer, n.date, n.chunks] for n in self.searcher.notices()]

    def document(self, doc_id: str) -> tuple[NoticeInfo, list[Chunk]]:
        """One notice as the index now answering holds it (:meth:`index.Searcher.document`).

        Raises:
            KeyError: for a doc_id not in the library.
        """
        return self.searcher.document(doc_id)

    def doc_of(self, chunk_id: str) -> str:
        """The doc_id of the notice a chunk id belongs to (its longest doc_id prefix before "#").

        Raises:
            KeyError: when no notice in the library holds that chunk id.
        """
        owners = [n.doc_id for n in self.searcher.notices() if chunk_id.startswith(n.doc_id + "#")]
        if not owners:
            raise KeyError(f"not in the index: {chunk_id!r}")
        return max(owners, key=len)

    def lead_departments(self) -> list[str]:
        """The departments that lead items, each once in its canonical form; generic units left out."""
        return sorted({d for n in self.searcher.notices() for d in lead_names(n.leads)})

    def departments(self) -> list[str]:
        """Every department named as lead or support, once each in its canonical form (the task-list choices).

        Computed once per index (every page load asks for it).
        """
        searcher = self.searcher
        if self._departments is None or self._departments[0] is not searcher:
            self._departments = (searcher, departments(self._chunks(), self.department_places()))
        return list(self._departments[1])

    def tasks(self, department: str, role: str = "", doc_id: str = "") -> list[Any]:
        """The items a department leads or supports, across the notices or in one (:func:`web.tasks.department_tasks`).

        Raises:
            ValueError: for an unknown role, or a department no item names.
        """
        places = self.department_places()
        found = department_tasks(self._chunks(), department, role, doc_id, places)
        if not found and not department_tasks(self._chunks(), department, places=places):
            raise ValueError(f"{department}：库中没有由该部门牵头或配合的条目")
        return found

    def overview(self) -> Overview:
        """Departments × notices with lead and support counts (:func:`web.overview.build_overview`), once per index."""
        searcher = self.searcher
        if self._overview is None or self._overview[0] is not searcher:
            self._overview = (searcher, build_overview(self._chunks(), searcher.notices(), self.department_places()))
        return self._overview[1]

    def department_places(self) -> DepartmentPlaces | None:
        """The places of the library's departments (None when its store reads no places)."""
        library = self.searcher.store.analyzer.library
        return DepartmentPlaces(library) if library is not None else None

    def clauses(self) -> dict[str, Chunk]:
        """Every chunk of the index now answering, by id (built once per index)."""
        searcher = self.searcher
        if self._by_id is None or self._by_id[0] is not searcher:
            self._by_id = (searcher, {c.id: c for c in self._chunks()})
        return self._by_id[1]

    def _chunks(self) -> list[Any]:
        """All chunks of the index now answering, read once per index."""
        searcher = self.searcher
        if self._all is None or self._all[0] is not searcher:
            self._all = (searcher, searcher.all_chunks())
        return self._all[1]

    def years(self) -> list[str]:
        """The years of the notices' dates (ISO or raw, such as "2023224")."""
        return sorted({y for n in self.searcher.notices() if (y := year_of(n.date))})

    def upload(
        self,
        path: str | Path,
        original_name: str | None = None,
        *,
        replace: bool = False,
        on_progress: progress.Listener | None = None,
    ) -> UploadResult:
        """Store one uploaded file safely and add it to the index (incrementally).

        A file whose content is already in the library is reported, not added again. A file
        with the name of a notice in the library (its doc_id, or the name it was uploaded
        under) but other content is a changed version: without ``replace`` nothing is stored
        and the result is ``pending`` (the caller asks); with ``replace`` the new notice takes
        the old one's place in one change, and the old stored upload is deleted. ``on_progress``
        hears each page a long read (OCR of a scan) reports.

        Raises:
            UploadError: for an unknown type, a file over the size limit, an empty file, or a
                file that cannot be read as a notice (the reader's reason is given). Nothing
                is stored or changed then.
        """
        path = Path(path)
        name = display_name(original_name or path.name)
        suffix = Path(name).suffix.lower()
        if suffix not in UPLOAD_TYPES:
            raise UploadError(f"{name}: 不支持的文件类型 {suffix or '(无扩展名)'}；支持 {' '.join(UPLOAD_TYPES)}")
        data = read_regular_file(path, name, MAX_UPLOAD_BYTES)  # a device, FIFO or link is refused unread
        digest = hashlib.sha256(data).hexdigest()
        if (stored := self._same_content(name, digest)) is not None:
            return stored
        # parsed outside the lock (bounded by ingest.bounds): a slow file never holds up other uploads
        doc_id, chunks = self._read(data, name, on_progress)  # an unreadable file is refused before anything is asked
        with self._upload_lock:  # one change at a time: the duplicate check and the swap go together
            if (stored := self._same_content(name, digest)) is not None:
                return stored  # stored by another upload while this one was parsed
            older = [n for n in self.searcher.notices() if same_name(n, safe_stem(name))]
            replaces = tuple(n.doc_id for n in older)
            titles = "、".join(f"《{n.title}》" for n in older)
            if older and not replace:
                status = f"库中已有同名通知{titles}，内容不同；确认后可替换"
                return UploadResult(name, None, 0, status, replaces, pending=True)
            target = self.uploads / f"{doc_id}{suffix}"
            try:
                durable_write(target, data)  # stored under its final name before the swap: acknowledged means stored
                # one change: the new notice in, the old versions out; a local index is saved in place, atomically,
                # under the index's writer lock, on top of what another writer (the CLI) may have saved
                with writing(self.searcher) as current:
                    searcher = current.add(chunks, replacing=replaces)
            except BaseException as exc:
                target.unlink(missing_ok=True)
                if isinstance(exc, (OSError, TimeoutError)):
                    raise UploadError(f"{name}: 未能保存（{write_problem(exc)}）；库未改变") from exc
                raise
            with self._lock:
                self.searcher = searcher
            self._forget_uploads(replaces)
            self.upload_names.remember(doc_id, name)
        status = f"已替换{titles}" if replaces else "已添加"
        return UploadResult(name, doc_id, len(chunks), status, replaces)

    def _same_content(self, name: str, digest: str) -> UploadResult | None:
        """The result for a file whose content the library already holds, else None."""
        same = next((n.doc_id for n in self.searcher.notices() if n.sha256 == digest), None)
        if same is None:
            return None
        return UploadResult(name, same, 0, f"已在库中（与 {same} 内容相同），未重复添加")

    def _forget_uploads(self, doc_ids: Iterable[str]) -> None:
        """Delete the stored uploads of notices no longer in the index."""
        gone = set(doc_ids)
        for stored in self.uploads.glob("*") if gone else ():
            if stored.stem in gone:
                stored.unlink(missing_ok=True)

    def ask_delete(self, doc_id: str) -> tuple[str, str]:
        """The confirmation token that :meth:`delete` needs for ``doc_id``, and the notice's title.

        Raises:
            UploadError: naming a doc_id that is not in the library.
        """
        notice = next((n for n in self.searcher.notices() if n.doc_id == doc_id), None)
        if notice is None:
            raise UploadError(f"{doc_id}：库中没有这份通知")
        return self.confirmations.issue(doc_id), notice.title

    def delete(self, doc_id: str, token: str) -> str:
        """Remove a notice from the index (and its stored upload, if it was uploaded); returns its title.

        ``token`` is the one :meth:`ask_delete` issued for this notice: a deletion is carried out
        only as the second of two requests, whatever the client.

        Raises:
            UploadError: without a valid token for this notice (none, spent, expired, another
                notice's), for a doc_id not in the library, or the last notice (an index cannot
                be empty). Nothing is changed then.
        """
        if not self.confirmations.redeem(token, doc_id):
            raise UploadError(f"{doc_id}：删除未经确认（确认已过期、已使用或属于另一份通知），库未改变；请重新确认")
        with self._upload_lock:  # one change at a time, as uploads
            notice = next((n for n in self.searcher.notices() if n.doc_id == doc_id), None)
            if notice is None:
                raise UploadError(f"{doc_id}：库中没有这份通知")
            if len(self.searcher.notices()) == 1:
                raise UploadError(f"{notice.title}：这是库中唯一的通知，不能删除（库不能为空）")
            try:
                with writing(self.searcher) as current:  # saved in place, under the writer lock, on the newest state
                    searcher = current.remove([doc_id])
            except (OSError, TimeoutError) as exc:
                raise UploadError(f"{notice.title}: 未能删除（{write_problem(exc)}）；库未改变") from exc
            with self._lock:
                self.searcher = searcher
            self._forget_uploads([doc_id])
        return notice.title

    def _read(self, data: bytes, name: str, on_progress: progress.Listener | None = None) -> tuple[str, list[Chunk]]:
        """The upload's doc_id and chunks (ingest.uploaded.read_upload); UploadError with the reason in Chinese."""
        try:  # in a child process with a memory and a time limit: a heavy file is refused, the server unharmed
            return read_upload(data, name, self.uploads, on_progress)
        except (LimitError, UnreadableUploadError) as exc:
            if "no text to read" in str(exc):
                raise UploadError(f"{name}: 没有可读取的文字（扫描件或文件损坏？）") from exc
            raise UploadError(f"{name}: 无法读取（{reason_in_chinese(str(exc))}）") from exc
        except OSError as exc:  # the scratch copy could not be written (a full disk): the server's problem, in words
            raise UploadError(f"{name}: 未能处理（{write_problem(exc)}）；库未改变") from exc
        except Exception as exc:  # a parser failure is the uploader's problem to hear about
            raise UploadError(f"{name}: 无法读取（文件内容无法解析，可能已损坏）") from exc

    def record_feedback(self, question: str, chunk_ids: list[str], vote: str, **bound: Any) -> dict[str, Any]:
        """Append one vote to the feedback log (:meth:`web.feedback.FeedbackLog.record`)."""
        return self.feedback.record(question, chunk_ids, vote, **bound)
