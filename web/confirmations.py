"""One-time confirmation tokens: a destructive request is carried out only with a token its ask step issued.

A browser's ``confirm()`` guards a click, not the server: any client can send the delete event
itself. So a deletion takes two requests: the ask (the server issues a random token bound to one
notice, shown with the question "确认删除《…》？") and the confirmation carrying that token. A
token works once, for its notice only, within :data:`CONFIRM_SECONDS`.

Example:
    >>> tokens = Confirmations()
    >>> token = tokens.issue("notice-a")
    >>> tokens.redeem(token, "notice-b"), tokens.redeem(token, "notice-a"), tokens.redeem(token, "notice-a")
    (False, False, False)
    >>> token = tokens.issue("notice-a")
    >>> tokens.redeem(token, "notice-a"), tokens.redeem(token, "notice-a")
    (True, False)
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable

#: How long a confirmation token stays valid, in seconds.
CONFIRM_SECONDS = 300.0
#: Most tokens held at once (the oldest go first): asks cannot grow memory without bound.
MAX_PENDING = 1000


class Confirmations:
    """Pending confirmation tokens, each bound to one subject (a doc_id) and usable once.

    Args:
        seconds: How long a token stays valid.
        clock: Monotonic seconds (tests pass a fake).
    """

    def __init__(self, seconds: float = CONFIRM_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self._pending: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def issue(self, subject: str) -> str:
        """A new token for ``subject``, valid for :attr:`seconds`."""
        token = secrets.token_urlsafe(18)
        with self._lock:
            now = self.clock()
            self._pending = {t: v for t, v in self._pending.items() if v[1] > now}
            while len(self._pending) >= MAX_PENDING:
                self._pending.pop(next(iter(self._pending)))
            self._pending[token] = (subject, now + self.seconds)
        return token

    def redeem(self, token: object, subject: str) -> bool:
        """Whether ``token`` was issued for ``subject`` and is still valid; a token is spent by any attempt."""
        if not isinstance(token, str) or not token:
            return False
        with self._lock:
            entry = self._pending.pop(token, None)
        return entry is not None and entry[0] == subject and entry[1] > self.clock()
