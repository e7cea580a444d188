"""One FastAPI app for the chat and the JSON API: the routes, errors as JSON, the headers; the chat mounts at /."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.middleware import Middleware

from web.changes.api import compare_router
from web.dify import dify_router
from web.docs_page import add_docs_page, truthful_openapi
from web.due_api import due_router
from web.entrance.access import WriteAccess
from web.entrance.headers import SecurityHeaders
from web.errors import ApiError, error_response, validation_error
from web.http_api import api_router
from web.library import Library
from web.mcp.http import mcp_routes

LOOPBACK = ("127.0.0.1", "localhost", "::1")
#: What the OpenAPI document says of the API as a whole.
DESCRIPTION = """Clauses of government policy notices: search, notices, department tasks, uploads.

**Who may call it.** Reads (search, notices, tasks, overview, MCP at `/mcp`) are open on loopback; bound
beyond it they need a token as `Authorization: Bearer <token>`: the read key, which reads and never writes,
or the write token. Writes (upload, delete) always need the write token. Dify's endpoint
(`/api/dify/retrieval`) always needs the read key (or the write token) as its API key.

**Errors** are JSON `{"error": "…", "parameter": "…", "value": …}` in Chinese, with the status listed
under each operation.
"""


def server_app(
    library: Library,
    *,
    token: str | None = None,
    open_reads: bool = True,
    access: WriteAccess | None = None,
    host: str = "127.0.0.1",
) -> FastAPI:
    """The FastAPI app: the ``/api`` routes (OpenAPI at ``/api/openapi.json``, docs at ``/api/docs``), Dify, MCP.

    Beside the JSON API: Dify's External Knowledge API at ``/api/dify/retrieval`` (:mod:`web.dify`)
    and the MCP server at ``/mcp`` (:mod:`web.mcp.http`), both reading the same library.

    ``access`` is the write rule (:class:`web.entrance.access.WriteAccess`); ``token`` makes one from a
    token; with neither, the library cannot be changed through this app.

    ``app.py`` mounts the chat on it at ``/`` (:func:`gradio.mount_gradio_app`); tests use it
    alone with FastAPI's ``TestClient``.
    """
    if access is None and token:
        access = WriteAccess(token)
    mcp, mcp_lifespan = mcp_routes(library, access, open_reads, host)
    app = FastAPI(
        title="政策条款问答 API",
        description=DESCRIPTION,
        version=_version(),
        openapi_url="/api/openapi.json",
        docs_url=None,  # served from this machine, below: FastAPI's page loads Swagger UI from a CDN
        redoc_url=None,
        middleware=[Middleware(SecurityHeaders)],
        lifespan=mcp_lifespan,
    )
    add_docs_page(app, "/api/docs")

    @app.exception_handler(ApiError)
    def api_error(_: Request, exc: ApiError) -> Any:
        return error_response(exc.status, exc.body)

    @app.exception_handler(RequestValidationError)
    def bad_request(request: Request, exc: RequestValidationError) -> Any:
        return validation_error(exc)

    app.include_router(api_router(library, access, open_reads))
    app.include_router(dify_router(library, access))
    app.include_router(due_router(library, access, open_reads))
    app.include_router(compare_router(library, access, open_reads))
    app.router.routes.extend(mcp)
    truthful_openapi(app)
    return app


def _version() -> str:
    """The installed package's version; in a checkout run without installing, the one pyproject.toml names."""
    try:
        return version("policy-qa")
    except PackageNotFoundError:
        return "0.1.0"
