"""The MCP server over Streamable HTTP at ``/mcp``, on the app's port, under the JSON API's token rule.

Stateless, with JSON answers (no server-sent event streams to hold open): each POST is one
request and its answer. Who may call it is who may read the JSON API: anyone on loopback;
bound beyond it, ``Authorization: Bearer <token>``. The SDK's DNS-rebinding check is on for
loopback (a web page elsewhere cannot reach it through a browser).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from mcp.server.transport_security import TransportSecuritySettings

from web.entrance.access import WriteAccess
from web.entrance.respond import send_json
from web.library import Library
from web.mcp import mcp_server

#: Where the MCP endpoint is served.
MCP_PATH = "/mcp"
#: The route takes every method, so that the gate, not the chat mounted at /, answers the ones it refuses.
ANY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
#: The largest request body the endpoint reads.
MAX_MCP_BODY = 1 << 20


class TokenGate:
    """ASGI middleware: the JSON API's read rule in front of the MCP endpoint (401 in its error shape)."""

    def __init__(self, app: Any, access: WriteAccess | None, open_reads: bool) -> None:
        self.app = app
        self.access = access
        self.open_reads = open_reads

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Refuse a method but POST (405), and a request without the token where one is needed; pass the rest on."""
        if scope["type"] == "http" and scope.get("method") != "POST":
            # stateless with JSON answers: nothing to stream on a GET (it would hold a connection open for
            # nothing), no session to DELETE; the spec's answer to both is 405. Answered here, not by the route's
            # methods: the chat mounted at / would take any other method of /mcp and answer 404.
            await send_json(send, 405, "MCP 只接受 POST", headers=[(b"allow", b"POST")])
            return
        if scope["type"] == "http" and not self.open_reads:
            header = dict(scope.get("headers") or []).get(b"authorization", b"").decode("latin-1")
            refused = self.access.read_refusal(header) if self.access else "需要令牌"
            if refused:
                await send_json(send, 401, refused)
                return
        await self.app(scope, receive, send)


def mcp_routes(
    library: Library, access: WriteAccess | None, open_reads: bool, host: str = "127.0.0.1"
) -> tuple[list[Any], Callable[[Any], AbstractAsyncContextManager[None]]]:
    """The routes to add to the app for ``/mcp``, and the lifespan that must run while they serve."""
    from starlette.routing import Route

    server = mcp_server(library)
    loopback = host in ("127.0.0.1", "localhost", "::1")
    security = (
        None if loopback else TransportSecuritySettings(enable_dns_rebinding_protection=False)
    )  # off loopback the token guards it; the Host header is the proxy's
    app = server.streamable_http_app(
        streamable_http_path=MCP_PATH, stateless_http=True, json_response=True, host=host,
        transport_security=security, max_request_body_size=MAX_MCP_BODY,
    )  # fmt: skip
    routes = []
    for route in app.routes:
        if isinstance(route, Route) and route.path == MCP_PATH:
            routes.append(Route(MCP_PATH, TokenGate(route.endpoint, access, open_reads), methods=ANY_METHOD))

    @asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[None]:
        async with server.session_manager.run():
            yield

    return routes, lifespan


__all__ = ["MAX_MCP_BODY", "MCP_PATH", "TokenGate", "mcp_routes"]
