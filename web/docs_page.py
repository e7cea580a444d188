"""The API described: its OpenAPI document as the routes behave, and its page at ``/api/docs`` with no CDN.

FastAPI lists a 422 ``{"detail": […]}`` on every route that takes a parameter; this API answers
422 in its own shape (:class:`web.errors.ErrorBody`), and only where a parameter can be wrong.
:func:`truthful_openapi` keeps the 422s the routes declare and drops the ones FastAPI added.

FastAPI's own page loads Swagger UI's script and style from a CDN, a blank page where the
network is closed. Here they come from the ``fastapi-offline`` package's copy of Swagger UI 5
(which reads OpenAPI 3.1), served under ``/api/docs/assets``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

#: Swagger UI's script, style and icon, as the package ships them.
ASSETS = Path(fastapi_offline.__file__).parent / "static"
#: Where the page finds them.
ASSETS_URL = "/api/docs/assets"


def truthful_openapi(app: FastAPI) -> None:
    """Make ``app``'s OpenAPI document list only the error responses its routes declare (no FastAPI 422s)."""
    made = app.openapi

    def document() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = made()
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                invalid = operation.get("responses", {}).get("422", {})
                if "HTTPValidationError" in json.dumps(invalid):
                    del operation["responses"]["422"]
        schemas = schema.get("components", {}).get("schemas", {})
        if "HTTPValidationError" not in json.dumps(schema.get("paths", {})):
            schemas.pop("HTTPValidationError", None)
            schemas.pop("ValidationError", None)
        app.openapi_schema = schema
        return schema

    app.openapi = document  # type: ignore[method-assign]


def add_docs_page(app: FastAPI, docs_url: str = "/api/docs") -> None:
    """Serve Swagger UI for ``app.openapi_url`` at ``docs_url``, its assets from this process."""
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS), name="docs-assets")

    @app.get(docs_url, include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=str(app.openapi_url),
            title=f"{app.title} — 接口文档",
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
            oauth2_redirect_url=None,
        )


__all__ = ["ASSETS", "ASSETS_URL", "add_docs_page", "truthful_openapi"]
