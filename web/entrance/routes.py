"""Every HTTP route the app serves: who may call it, what it accepts, and the ones closed.

The app is one FastAPI process: the JSON API under ``/api`` (:mod:`web.http_api`) and the chat,
a Gradio app mounted at ``/``. Gradio brings routes of its own that this app has no use for
(monitoring, run history, the vibe editor, recordings, a URL proxy, component servers…):
:class:`RouteGate` answers those ``404`` before Gradio sees them. :data:`ROUTES` is the table the
docs print (``python -m web routes``); a test builds the real app and fails on any route the
table does not name, so a new Gradio route is classified before it is served.

The write rule is :mod:`web.entrance.access` (the write token, on every route that changes the library);
"login" means the ``--auth`` password, which Gradio asks on every route of the chat when it is set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from web.entrance.respond import app_path, send_json

#: Most bytes the browser's upload folder may hold at once (Gradio's copies before they are handled).
MAX_UPLOAD_FOLDER_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class Route:
    """One route (or family of routes) and its rule.

    Attributes:
        shown: The routes as the docs name them, methods first.
        pattern: A regular expression over the path (``{x}`` parts as ``[^/]+``), matched whole.
        who: Who may call it.
        accepts: What input it takes and how it is bounded.
        closed: True when :class:`RouteGate` answers 404 (this app does not use it).
        methods: The methods this row is for, comma-separated ("*": all), where one path has two rules.
    """

    shown: str
    pattern: str
    who: str
    accepts: str
    closed: bool = False
    methods: str = "*"

    def matches(self, path: str, methods: str = "") -> bool:
        """Whether ``path`` (asked with any of ``methods``, comma-separated; "" for any) is this route's."""
        if self.methods != "*" and methods and not set(methods.split(",")) & set(self.methods.split(",")):
            return False
        return re.fullmatch(self.pattern, path) is not None


LOOPBACK_READ = "anyone on loopback; off loopback, the read key or the write token (bearer)"
TOKEN = "the write token (bearer), always"
PAGE = "anyone who reaches the chat (with --auth: logged in)"
NOBODY = "nobody: closed (404)"

# fmt: off
ROUTES: tuple[Route, ...] = (
    # the JSON API (web/http_api.py)
    Route("POST /api/search, /api/batch", r"/api/(search|batch)", LOOPBACK_READ,
          "JSON; a question ≤ 2,000 characters, k 1–100, ≤ 100 questions a batch"),
    Route("GET /api/notices[/{doc_id}[/breakdown]]", r"/api/notices(/[^/]+(/breakdown)?)?", LOOPBACK_READ,
          "a doc_id; format json, xlsx or docx", methods="GET,HEAD"),
    Route("GET /api/tasks, /api/overview, /api/due", r"/api/(tasks|overview|due)", LOOPBACK_READ,
          "a department ≤ 200 characters, a role, a doc_id, due dates and a day as YYYY-MM-DD; "
          "format json, xlsx, csv or (due) ics"),
    Route("GET /api/compare", r"/api/compare", LOOPBACK_READ,
          "two doc_ids ≤ 300 characters (b, and a or b's earlier issue); format json or xlsx"),
    Route("POST /api/notices", r"/api/notices", TOKEN,
          "multipart: one file ≤ 20 MiB of the upload types; replace true or false", methods="POST"),
    Route("POST /api/notices/{doc_id}/delete-token, DELETE /api/notices/{doc_id}",
          r"/api/notices/[^/]+(/delete-token)?", TOKEN, "a doc_id; the delete, the one-time confirm its ask returned"),
    Route("POST /api/dify/retrieval", r"/api/dify/retrieval",
          "the read key or the write token as Dify's API key (bearer), always",
          "Dify's JSON: a query ≤ 2,000 characters, top_k 1–100, a score threshold 0–1, ≤ 20 metadata conditions"),
    Route("POST /mcp (MCP, Streamable HTTP)", r"/mcp", LOOPBACK_READ,
          "JSON-RPC ≤ 1 MiB: the six read-only tools (web/mcp); stateless, JSON answers (GET, DELETE: 405)"),
    Route("GET /api/openapi.json, /api/docs, /api/docs/assets/…", r"/api/(openapi\.json|docs|docs/assets/[^/]+)",
          "anyone", "nothing (the API described; Swagger UI's files from this machine)"),
    # the chat's page and its assets (Gradio)
    Route("GET / and the page's files (/config, /assets, /static, /svelte, icons, theme, manifest)",
          r"/|/config/?|/(assets|static|svelte)/.+|/(favicon\.ico|theme\.css|robots\.txt|manifest\.json)"
          r"|/pwa_icon(/[^/]+)?|/gradio_api/theme\.css", PAGE, "nothing"),
    Route("POST /login, GET /logout", r"/login/?|/logout", "anyone (the --auth login form)",
          "a user name and password"),
    Route("GET /gradio_api/login_check, token, user, app_id", r"/gradio_api/(login_check|token|user|app_id)/?", PAGE,
          "nothing (who is logged in)"),
    Route("GET /gradio_api/info, /gradio_api/openapi.json", r"/gradio_api/(info|openapi\.json)/?", PAGE,
          "nothing (the three read endpoints described)"),
    # the page's events and the three read endpoints for gradio_client
    Route("POST /gradio_api/queue/join, /gradio_api/run/{event}", r"/gradio_api/(queue/join|run/[^/]+/?)",
          PAGE + "; its writes need the write token",
          "the page's events (run: those outside the queue): JSON ≤ 2 MiB, every file named an upload of this app "
          "(web/entrance/files.py)"),
    Route("GET /gradio_api/queue/data, queue/status, heartbeat, startup-events, deep_link",
          r"/gradio_api/queue/(data|status)|/gradio_api/heartbeat/[^/]+|/gradio_api/(startup-events|deep_link)", PAGE,
          "a session id: the results of its own events"),
    Route("POST /gradio_api/cancel, /gradio_api/reset", r"/gradio_api/(cancel|reset)/?", PAGE,
          "an event id of the caller's session"),
    Route("POST /gradio_api/call/{search,tasks,notice}, GET …/{event_id}", r"/gradio_api/call(/v2)?/[^/]+(/[^/]+)?/?",
          PAGE, "the three read endpoints for gradio_client; JSON ≤ 2 MiB, no files"),
    Route("POST /gradio_api/upload, GET /gradio_api/upload_progress", r"/gradio_api/(upload|upload_progress)", PAGE,
          "multipart files ≤ 20 MiB each; refused (507) while the folder holds 512 MiB"),
    Route("GET /gradio_api/file=…", r"/gradio_api/file(=|/).+", PAGE,
          "a file this app made or received for the page (Gradio's allow-list; /etc/passwd: 403)"),
    # Gradio's own features this app does not use
    Route("/monitoring…", r"/monitoring(/.*)?", NOBODY, "—", closed=True),
    Route("/gradio_api/dev, runs, run-history…", r"/gradio_api/(dev|runs|run-history)(/.*)?", NOBODY, "—",
          closed=True),
    Route("/gradio_api/vibe-edit, undo-vibe-edit, vibe-code, vibe-starter-queries",
          r"/gradio_api/(vibe-edit|undo-vibe-edit|vibe-code|vibe-starter-queries)/?", NOBODY, "—", closed=True),
    Route("/gradio_api/process_recording, component_server", r"/gradio_api/(process_recording|component_server/?)",
          NOBODY, "—", closed=True),
    Route("/gradio_api/proxy=…, stream/…, custom_component/…", r"/gradio_api/(proxy=|stream/|custom_component/).*",
          NOBODY, "—", closed=True),
    Route("/gradio_api/api/…", r"/gradio_api/api/.+", NOBODY,
          "— (the same events by name: /call and the queue serve them)", closed=True),
    Route("/openapi.json, /docs/oauth2-redirect", r"/openapi\.json|/docs/oauth2-redirect", NOBODY,
          "— (the API is described at /api/openapi.json)", closed=True),
)
# fmt: on


def route_of(path: str, methods: str = "") -> Route | None:
    """The first :data:`ROUTES` row for ``path`` asked with ``methods`` (comma-separated; "" for any), or None."""
    return next((r for r in ROUTES if r.matches(path, methods)), None)


def served_routes(app: Any, prefix: str = "") -> list[tuple[str, str]]:
    """(methods, path) of every route an ASGI app built of FastAPI/Starlette routers serves, mounts included."""
    from fastapi.routing import _IncludedRouter
    from starlette.routing import Mount

    found: list[tuple[str, str]] = []
    for route in getattr(app, "routes", []):
        if isinstance(route, _IncludedRouter):
            found += served_routes(route.original_router, prefix + route.include_context.prefix)
        elif isinstance(route, Mount):
            found += served_routes(route.app, prefix + route.path)
        else:
            found.append((",".join(sorted(getattr(route, "methods", None) or ["WS"])), prefix + route.path))
    return found


def table() -> str:
    """:data:`ROUTES` as a Markdown table (what docs/reliability.md shows)."""
    rows = ["| route | who may call it | what it accepts |", "|---|---|---|"]
    rows += [f"| {route.shown} | {route.who} | {route.accepts} |" for route in ROUTES]
    return "\n".join(rows)


def folder_bytes(folder: Path) -> int:
    """Bytes held by the files under ``folder`` (0 when it does not exist)."""
    if not folder.is_dir():
        return 0
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink())


class RouteGate:
    """ASGI middleware: closed routes answer 404; an upload is refused (507) while the upload folder is full."""

    def __init__(self, app: Any, upload_folder: Path, max_folder_bytes: int = MAX_UPLOAD_FOLDER_BYTES) -> None:
        self.app = app
        self.upload_folder = Path(upload_folder)
        self.max_folder_bytes = max_folder_bytes

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Refuse a closed route or an upload into a full folder; pass everything else on."""
        if path := app_path(scope):
            route = route_of(path)
            if route is not None and route.closed:
                await send_json(send, 404, "this route is closed in this app")
                return
            if path == "/gradio_api/upload" and folder_bytes(self.upload_folder) > self.max_folder_bytes:
                await send_json(send, 507, "上传暂存区已满，请稍后再试")
                return
        await self.app(scope, receive, send)


__all__ = ["MAX_UPLOAD_FOLDER_BYTES", "ROUTES", "Route", "RouteGate", "route_of", "served_routes", "table"]
