"""One FastAPI app for the chat and the JSON API: the routes, errors as JSON, the headers; the chat mounts at /."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.middleware import Middleware

from web.entrance.access import WriteAccess
from web.entrance.headers import SecurityHeaders
from web.http_api import ApiError, api_router, error_response, validation_error
from web.library import Library

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def server_app(
    library: Library, *, token: str | None = None, open_reads: bool = True, access: WriteAccess | None = None
) -> FastAPI:
    """The FastAPI app with the ``/api`` routes (OpenAPI at ``/api/openapi.json``, docs at ``/api/docs``).

    ``access`` is the write rule (:class:`web.entrance.access.WriteAccess`); ``token`` makes one from a
    token; with neither, the library cannot be changed through this app.

    ``app.py`` mounts the chat on it at ``/`` (:func:`gradio.mount_gradio_app`); tests use it
    alone with FastAPI's ``TestClient``.
    """
    app = FastAPI(
        title="政策条款问答 API",
        description="Clauses of government policy notices: search, notices, department tasks, uploads.",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        middleware=[Middleware(SecurityHeaders)],
    )

    @app.exception_handler(ApiError)
    def api_error(_: Request, exc: ApiError) -> Any:
        return error_response(exc.status, exc.body)

    @app.exception_handler(RequestValidationError)
    def bad_request(request: Request, exc: RequestValidationError) -> Any:
        return validation_error(exc)

    if access is None and token:
        access = WriteAccess(token)
    app.include_router(api_router(library, access, open_reads))
    return app
