"""One writer at a time on a local index directory, and no lost update.

Every save takes an exclusive ``flock`` on ``.NAME.lock`` beside the directory (the directory
itself is swapped on each save, so the lock cannot live in it). A writer that should read the
index fresh — the CLI's ``add``/``remove``, the app before an upload or a delete — holds the
lock from load to save, so a second writer waits and then loads what the first wrote.

Each save writes a new ``generation`` into the manifest. A store saved over a directory whose
generation is no longer the one it was loaded from (another writer saved in between) is
refused with :class:`index.errors.IndexChangedError`, never written over it.

The lock is re-entrant within a process (threads and nested calls share one ``flock``), and
released by the kernel when a writer dies, so a killed writer never leaves the index locked.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from index.errors import IndexChangedError
from index.stores.layout import read_manifest_raw

#: How long a writer waits for another one to finish, in seconds.
WAIT_SECONDS = 600.0

_guard = threading.Lock()
_held: dict[Path, tuple[threading.RLock, list[int]]] = {}  # lock path → (in-process lock, [fd, depth])


def lock_path(index: Path) -> Path:
    """The lock file of an index directory: ``.NAME.lock`` beside it."""
    index = Path(index).absolute()
    return index.parent / f".{index.name}.lock"


@contextmanager
def writer_lock(index: Path, wait: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold the index's writer lock for the block (re-entrant within this process).

    Raises:
        TimeoutError: naming the index when another writer holds it longer than ``wait`` seconds.
    """
    path = lock_path(index)
    with _guard:
        local, state = _held.setdefault(path, (threading.RLock(), [-1, 0]))
    if not local.acquire(timeout=wait):
        raise TimeoutError(f"{index}: another writer in this process has held the index for over {wait:.0f} s")
    try:
        if state[1] == 0:
            state[0] = _flock(path, index, wait)
        state[1] += 1
        try:
            yield
        finally:
            state[1] -= 1
            if state[1] == 0:
                os.close(state[0])  # closing the descriptor releases the flock
                state[0] = -1
    finally:
        local.release()


def _flock(path: Path, index: Path, wait: float) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() > deadline:
                os.close(fd)
                raise TimeoutError(
                    f"{index}: another process has been writing the index for over {wait:.0f} s"
                ) from None
            time.sleep(0.05)


def disk_generation(index: Path) -> str | None:
    """The generation of the index saved at ``index`` (None when there is none, or it has none)."""
    try:
        value = read_manifest_raw(Path(index)).get("generation")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def new_generation() -> str:
    """A fresh generation id for a save."""
    return uuid.uuid4().hex


def check_generation(index: Path, on_disk: str | None, loaded: str | None) -> None:
    """Refuse to save over an index another writer changed since this store was loaded.

    ``loaded`` is None for a store that was not loaded from this directory (a build replaces
    whatever is there, as asked); ``on_disk`` is None for an index written before generations.

    Raises:
        IndexChangedError: naming the index and what to do.
    """
    if loaded is not None and on_disk is not None and on_disk != loaded:
        raise IndexChangedError(
            f"{index}: another writer changed the index after this one loaded it; nothing was written. "
            "Open the index again and repeat the change."
        )
