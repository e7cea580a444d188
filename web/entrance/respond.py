"""A JSON answer sent straight from ASGI middleware (before any framework has the request)."""

from __future__ import annotations

import json
from typing import Any


async def send_json(send: Any, status: int, error: str) -> None:
    """Send ``{"error": error}`` with ``status`` as the whole response."""
    data = json.dumps({"error": error}, ensure_ascii=False).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})
