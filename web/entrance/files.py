"""No request names a file on the server: every file a Gradio event receives must be a browser's upload.

Gradio sends files to its events as ``FileData`` objects (``{"path": …, "meta": {"_type":
"gradio.FileData"}}``) and copies each named path into its cache before the callback runs. A
client can write any path there: ``/etc/passwd`` is copied and served back, ``/dev/zero`` is
copied for ever and takes a core. Gradio checks such paths only in an app it launched itself,
not in one mounted on FastAPI, as this one is (``gr.mount_gradio_app``).

:class:`FileGuard` reads the JSON body of every request that runs an event (the queue, ``/call``,
``/run``, ``/api``) before Gradio does, bounded at :data:`MAX_EVENT_BYTES`, and refuses it with
``403`` when any ``FileData`` in it names anything but a regular file inside the app's own upload
folder, links resolved: another folder, a device, a FIFO, ``/proc``, a link out, a URL. The
browser's own uploads (``POST /gradio_api/upload``, multipart) are not events and pass.

Example:
    >>> guard = FileGuard(None, Path("/srv/app/tmp/gradio"))
    >>> guard.refusal({"data": [{"path": "/etc/passwd", "meta": {"_type": "gradio.FileData"}}]})
    '/etc/passwd: not a file uploaded to this app'
"""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from web.entrance.respond import app_path, send_json

#: The largest event body read (the page's events carry a question, choices, ids: a few KB).
MAX_EVENT_BYTES = 2 * 1024 * 1024
#: Routes under the app's root that run an event with the data they carry.
EVENT_ROUTES = ("/gradio_api/queue/join", "/gradio_api/call/", "/gradio_api/run/", "/gradio_api/api/")

Scope = dict[str, Any]


def file_paths(value: Any) -> Iterator[str]:
    """Every ``path`` of a ``FileData``-like object anywhere in a JSON value (a dict with a path and file meta)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            meta = item.get("meta")
            tagged = isinstance(meta, dict) and meta.get("_type") == "gradio.FileData"
            if "path" in item and (tagged or "url" in item):
                yield str(item["path"])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def regular_file_within(path: str | Path, folder: str | Path) -> Path | None:
    """The real path of ``path`` when it is a regular file inside ``folder``, links resolved; else None.

    None for a missing path, one outside (``..``, a link out), the folder itself, a device, a
    FIFO, a socket, ``/proc``, or a URL.
    """
    try:
        real = Path(path).resolve(strict=True)
        if real.is_relative_to(Path(folder).resolve()) and stat.S_ISREG(real.stat().st_mode):
            return real
    except (OSError, RuntimeError, ValueError):
        pass
    return None


class FileGuard:
    """ASGI middleware: events whose data names a file outside ``folder`` are refused before Gradio reads it."""

    def __init__(self, app: Any, folder: Path) -> None:
        self.app = app
        self.folder = Path(folder)

    def refusal(self, body: Any) -> str | None:
        """Why an event body is refused (the first bad path), or None."""
        for path in file_paths(body):
            if regular_file_within(path, self.folder) is None:
                return f"{path[:200]}: not a file uploaded to this app"
        return None

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        """Read an event's body (bounded), refuse a server path in it, or pass the request on unchanged."""
        route = app_path(scope)
        if scope.get("method") != "POST" or not any(route.startswith(r) for r in EVENT_ROUTES):
            await self.app(scope, receive, send)
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > MAX_EVENT_BYTES:
                await send_json(send, 413, f"event body over {MAX_EVENT_BYTES} bytes")
                return
        body = b"".join(chunks)
        try:
            problem = self.refusal(json.loads(body)) if body.strip() else None
        except (ValueError, RecursionError):
            problem = None  # not JSON: Gradio answers it as the malformed request it is
        if problem:
            await send_json(send, 403, problem)
            return
        sent = False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


__all__ = ["EVENT_ROUTES", "MAX_EVENT_BYTES", "FileGuard", "file_paths", "regular_file_within"]
