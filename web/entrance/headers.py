"""Security headers on every HTTP response of the app: no framing (clickjacking), no MIME sniffing, no referrer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

#: Added to (or replacing) each response's headers.
HEADERS = (
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)
_NAMES = {name for name, _ in HEADERS}

Message = MutableMapping[str, Any]


class SecurityHeaders:
    """ASGI middleware: :data:`HEADERS` on every HTTP response (``middleware=[Middleware(SecurityHeaders)]``)."""

    def __init__(self, app: Callable[..., Awaitable[None]]) -> None:
        self.app = app

    async def __call__(
        self, scope: Message, receive: Callable[[], Awaitable[Message]], send: Callable[[Message], Awaitable[None]]
    ) -> None:
        """Pass the request on; add the headers to the response's start message."""
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message.get("type") == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _NAMES]
                message = {**message, "headers": [*kept, *HEADERS]}
            await send(message)

        await self.app(scope, receive, sending)
