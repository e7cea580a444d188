"""/api/docs in Chromium with every request outside the app blocked: Swagger UI renders the API from this machine.

Also a Dify record's link (``/#clause=ID``) opens that clause in the chat. Runs against the shared
app server (marked ``model``; ≈ 10 s).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.appserver import HAS_CHROMIUM, chromium_page

pytestmark = [
    pytest.mark.model,
    pytest.mark.skipif(not HAS_CHROMIUM, reason="Debian's chromium is not installed (the test command installs it)"),
]


def _only_the_app(page: Any, url: str) -> list[str]:
    """Abort every request that leaves the app; the list of those aborted."""
    blocked: list[str] = []

    def route(request_route: Any) -> None:
        asked = request_route.request.url
        if asked.startswith(url) or asked.startswith("data:") or asked.startswith("blob:"):
            request_route.continue_()
        else:
            blocked.append(asked)
            request_route.abort()

    page.route("**/*", route)
    return blocked


def test_the_api_docs_render_every_operation_offline(app_server: dict[str, Any]) -> None:
    url = str(app_server["url"])
    operations = httpx.get(f"{url}api/openapi.json", timeout=30).json()["paths"]
    count = sum(len(methods) for methods in operations.values())
    with chromium_page() as page:
        blocked = _only_the_app(page, url)
        page.goto(f"{url}api/docs")
        page.wait_for_selector(".opblock", timeout=30_000)
        shown = page.locator(".opblock").count()
        assert shown == count, (shown, count)
        assert page.locator(".opblock-summary-path", has_text="/api/dify/retrieval").count() == 1
        assert page.locator("button.authorize").count() == 1  # the token scheme is offered
        assert blocked == [], blocked


def test_a_clause_link_opens_that_clause_in_the_chat(app_server: dict[str, Any]) -> None:
    url = str(app_server["url"])
    clause = "000_4339a6bb93f327d8#四/13"
    with chromium_page() as page:
        page.goto(f"{url}#clause={quote(clause)}")
        page.wait_for_selector("#notice-view .here", timeout=60_000)
        assert "强化政务服务效能监管" in page.locator("#notice-view .here").inner_text()
