"""Progress of a long read (pages read by OCR), told to whoever listens: the CLI's bar, the chat, a parent process.

A reader calls :func:`report` after each page; nothing listens unless a caller wraps the read in
:func:`listening`. The bounded child (:mod:`ingest.isolated`) listens and sends each report to
its parent, which shows it and renews the file's time limit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

#: A listener: (file, done, total, what is counted).
Listener = Callable[[str, int, int, str], None]

_LISTENER: ContextVar[Listener | None] = ContextVar("ingest_progress", default=None)


def report(path: str | Path, done: int, total: int, what: str) -> None:
    """Tell the listener, if any, that ``done`` of ``total`` units of ``path`` are read."""
    listener = _LISTENER.get()
    if listener is not None:
        listener(str(path), done, total, what)


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Send every report made inside the block to ``listener``.

    >>> seen = []
    >>> with listening(lambda *a: seen.append(a)):
    ...     report("scan.pdf", 1, 8, "pages read by OCR")
    >>> seen
    [('scan.pdf', 1, 8, 'pages read by OCR')]
    """
    token = _LISTENER.set(listener)
    try:
        yield
    finally:
        _LISTENER.reset(token)
