"""The MCP server: over stdio (``legends mcp``) and at ``/mcp`` on ``legends serve``."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI
from mcp.server.transport_security import TransportSecuritySettings

from assistant import Assistant
from ui.api import ApiParts
from ui.mcp_server.server import build_server

MCP_PATH = "/mcp"


def mount_mcp(app: FastAPI, parts: ApiParts, host: str = "127.0.0.1") -> None:
    """Serve the MCP server over streamable HTTP at ``/mcp`` on ``app``.

    Stateless JSON responses: any process behind a load balancer can answer any call, and
    no per-client session is kept in memory. On loopback the SDK's DNS-rebinding guard is
    on (a web page cannot reach a local server through a rebound name); on a public
    address the proxy in front decides which host names reach the server.
    """
    server = build_server(parts.assistant, parts.slots, parts.credentials)
    security = (
        None
        if host in ("127.0.0.1", "localhost", "::1")
        else TransportSecuritySettings(enable_dns_rebinding_protection=False)
    )
    http_app = server.streamable_http_app(
        streamable_http_path=MCP_PATH,
        stateless_http=True,
        json_response=True,
        transport_security=security,
        host=host,
    )
    # The route itself joins the FastAPI app (a Mount at /mcp would not match "/mcp").
    for route in http_app.routes:
        app.router.routes.append(route)
    earlier = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application):
        async with earlier(application) as state, server.session_manager.run():
            yield state

    app.router.lifespan_context = lifespan


def run_stdio(assistant: Assistant) -> None:
    """Serve one local client over stdin/stdout until it disconnects (trusted: no limits)."""
    build_server(assistant).run("stdio")


__all__ = ["MCP_PATH", "mount_mcp", "run_stdio"]
