"""What the app's ASGI middleware share: the path a request asks for, and a JSON answer sent straight back."""

from __future__ import annotations

import json
from typing import Any


async def send_json(send: Any, status: int, error: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    """Send ``{"error": error}`` with ``status`` (and any further ``headers``) as the whole response."""
    data = json.dumps({"error": error}, ensure_ascii=False).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()), *(headers or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


def app_path(scope: dict[str, Any]) -> str:
    """The path an HTTP request asks for, below the app's root path ("" for anything but HTTP)."""
    if scope.get("type") != "http":
        return ""
    return str(scope.get("path", ""))[len(scope.get("root_path", "")) :]
