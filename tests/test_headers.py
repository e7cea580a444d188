"""Every response of the app carries the anti-framing and no-sniff headers."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.middleware import Middleware

from web.entrance.headers import SecurityHeaders


def test_every_response_carries_the_security_headers() -> None:
    app = FastAPI(middleware=[Middleware(SecurityHeaders)])

    @app.get("/page")
    def page() -> dict[str, str]:
        return {"ok": "yes"}

    client = TestClient(app)
    for response in (client.get("/page"), client.get("/missing")):
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["content-security-policy"] == "frame-ancestors 'none'"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
