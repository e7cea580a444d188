"""Serving the app: slow clients cut, and a stop that stops.

uvicorn bounds an idle keep-alive connection but not one that drips a request: a client that
sends a header byte every few seconds, or a body a byte at a time, holds its socket for as long
as it likes. :class:`BoundedH11Protocol` gives the request line and headers
:data:`HEADER_SECONDS` from the connection's first moment (or the next request's first byte),
and a body at most :data:`BODY_IDLE_SECONDS` between two pieces; past either, the connection is
closed (with ``408 Request Timeout`` when no answer has begun).

:func:`serve` runs uvicorn so that SIGTERM or Ctrl-C ends the process within
:data:`STOP_SECONDS`, even while a request is stuck in a thread that cannot be interrupted:
uvicorn gets the signal and stops gracefully, and a watchdog armed by the signal runs the
cleanup and ends the process at the deadline if the graceful stop has not. Whatever was
acknowledged is on disk already (saves are atomic and fsync'd), so ending is safe.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

#: Seconds a client has to send a request line and its headers.
HEADER_SECONDS = 10.0
#: Longest gap, in seconds, between two pieces of a request body.
BODY_IDLE_SECONDS = 20.0
#: Seconds from SIGTERM to the end of the process, at most.
STOP_SECONDS = 4.5
#: Seconds uvicorn waits for requests in flight before it closes their connections.
GRACEFUL_SECONDS = 2

_TIMEOUT = b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"


class BoundedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with deadlines for a request's headers and between pieces of its body."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Start the header clock: a connection that never sends a request is cut too."""
        super().connection_made(transport)
        self._watch: asyncio.TimerHandle | None = None
        self._phase = ""
        self._arm("headers", HEADER_SECONDS)

    def data_received(self, data: bytes) -> None:
        """Feed uvicorn, then set the clock by what the request still lacks."""
        super().data_received(data)
        if self.transport.is_closing():
            return
        state = self.conn.their_state
        if state is h11.SEND_BODY:
            self._arm("body", BODY_IDLE_SECONDS)  # re-armed by every piece: a steady upload is never cut
        elif state is h11.IDLE:
            if self._phase != "headers":  # the first byte of a next request: its headers' clock, not re-armed
                self._arm("headers", HEADER_SECONDS)
        else:
            self._disarm()  # the request is complete (or the protocol switched): the app answers in its time

    def on_response_complete(self) -> None:
        """After an answer, an idle connection is uvicorn's keep-alive timeout's to close."""
        self._disarm()
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        """Drop the clock with the connection."""
        self._disarm()
        super().connection_lost(exc)

    def _arm(self, phase: str, seconds: float) -> None:
        self._disarm()
        self._phase = phase
        self._watch = self.loop.call_later(seconds, self._expired)

    def _disarm(self) -> None:
        watch = getattr(self, "_watch", None)
        if watch is not None:
            watch.cancel()
        self._watch = None
        self._phase = ""

    def _expired(self) -> None:
        self._watch = None
        if self.transport.is_closing():
            return
        if self.cycle is None or not self.cycle.response_started:
            self.transport.write(_TIMEOUT)
        self.transport.close()  # a handler still reading the body is told the client left


class _StoppingServer(uvicorn.Server):
    """uvicorn's server with a watchdog armed by the first stop signal."""

    def __init__(self, config: uvicorn.Config, on_stop: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_stop = on_stop
        self._armed = threading.Event()

    def handle_exit(self, sig: int, frame: Any) -> None:
        """Stop gracefully, and end the process at :data:`STOP_SECONDS` whatever is still running."""
        if not self._armed.is_set():
            self._armed.set()
            threading.Thread(target=_end_after, args=(STOP_SECONDS, self._on_stop), daemon=True).start()
        super().handle_exit(sig, frame)


def _end_after(seconds: float, on_stop: Callable[[], None]) -> None:
    threading.Event().wait(seconds)
    _finish(on_stop)


def _finish(on_stop: Callable[[], None]) -> None:
    """Run the cleanup and end the process now (threads stuck in a read are not waited for)."""
    try:
        on_stop()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def serve(app: Any, host: str, port: int, on_stop: Callable[[], None]) -> None:
    """Serve ``app`` until SIGTERM or Ctrl-C, then run ``on_stop`` and end within :data:`STOP_SECONDS`."""
    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", http=BoundedH11Protocol,
        timeout_graceful_shutdown=GRACEFUL_SECONDS,
    )  # fmt: skip
    server = _StoppingServer(config, on_stop)
    # uvicorn raises the signal again once it has stopped: that is the end, not an error
    previous = {sig: signal.signal(sig, lambda *_: _finish(on_stop)) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        server.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    _finish(on_stop)


__all__ = ["BODY_IDLE_SECONDS", "HEADER_SECONDS", "STOP_SECONDS", "BoundedH11Protocol", "serve"]
