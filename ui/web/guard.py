"""The app's outer wall, one ASGI middleware around everything it serves.

- **Who is calling**: the client address comes from ``X-Forwarded-For`` only when the
  direct peer is a trusted proxy (``LEGENDS_FORWARDED_ALLOW_IPS``), and then by the
  rightmost-untrusted rule: walking the header from the right (the nearest hop), the
  first address that is not itself a trusted proxy is the visitor. With ``*`` every
  peer is "trusted", so only the nearest hop's claim counts: the rightmost address.
  A visitor writing ``X-Forwarded-For: 127.0.0.1, ...`` is never loopback. (uvicorn's
  own handling takes the *leftmost* address for ``*``, so it is switched off.)
- **Body size**: requests whose body is over ``LEGENDS_WEB_MAX_BODY_BYTES`` get 413,
  whether they declare a ``Content-Length`` or stream it in chunks.
- **Routes the page does not need**: Gradio's upload routes (the page has no upload
  field), its monitoring dashboard and the page's OpenAPI/docs are refused.
- **Security headers** on every response: ``X-Content-Type-Options: nosniff``,
  ``Referrer-Policy`` and ``Content-Security-Policy: frame-ancestors`` from
  ``LEGENDS_FRAME_ANCESTORS``.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Gradio's file upload endpoints: the page has no upload field, so nobody needs them.
UPLOAD_PATHS = ("/gradio_api/upload", "/upload", "/gradio_api/upload_progress", "/upload_progress")
# Not for the public: Gradio's monitoring dashboard, and the page's own OpenAPI and docs
# (the documented JSON API keeps its /api/v1/openapi.json and /api/docs).
HIDDEN_PATHS = ("/monitoring", "/openapi.json", "/docs", "/redoc", "/gradio_api/monitoring")
REFERRER_POLICY = b"strict-origin-when-cross-origin"


class TrustedProxies:
    """The ``LEGENDS_FORWARDED_ALLOW_IPS`` list: addresses, networks, or ``*``."""

    def __init__(self, value: str):
        items = [item.strip() for item in value.split(",") if item.strip()]
        self.everyone = "*" in items
        self.networks = [ipaddress.ip_network(item, strict=False) for item in items if item != "*"]

    def __contains__(self, host: str | None) -> bool:
        if self.everyone:
            return True
        try:
            address = ipaddress.ip_address((host or "").split("%")[0])
        except ValueError:
            return False
        return any(address in network for network in self.networks)

    def client(self, forwarded_for: str) -> str | None:
        """The visitor named by an ``X-Forwarded-For`` a trusted peer sent (rightmost-untrusted)."""
        hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
        if not hops:
            return None
        if self.everyone:
            return hops[-1]  # only the nearest hop's claim can be relied on
        for hop in reversed(hops):
            if hop not in self:
                return hop
        return hops[0]  # every hop is one of our proxies: the first one is the visitor


class _BodyTooLarge(Exception):
    pass


def _starts_with(path: str, prefixes: tuple[str, ...]) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in prefixes)


class Guard:
    """The ASGI middleware described in the module docstring."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        frame_ancestors: str,
        forwarded_allow_ips: str,
    ):
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.proxies = TrustedProxies(forwarded_allow_ips)
        self.headers = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", REFERRER_POLICY),
            (b"content-security-policy", f"frame-ancestors {frame_ancestors}".encode()),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        scope = self._with_client(scope)
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if _starts_with(path, UPLOAD_PATHS):
            await self._refuse(send, 403, "This page takes no uploads.")
            return
        if _starts_with(path, HIDDEN_PATHS):
            await self._refuse(send, 404, "Not Found")
            return
        declared = self._content_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            await self._refuse(send, 413, self._too_large_text())
            return
        await self._counted(scope, receive, send)

    # -- the client address -----------------------------------------------------------

    def _with_client(self, scope: Scope) -> Scope:
        peer = scope.get("client")
        if not peer or peer[0] not in self.proxies:
            return scope
        headers = dict(scope.get("headers") or [])
        scope = dict(scope)
        forwarded = headers.get(b"x-forwarded-for")
        if forwarded:
            client = self.proxies.client(forwarded.decode("latin-1"))
            if client:
                scope["client"] = (client, 0)
        proto = headers.get(b"x-forwarded-proto", b"").decode("latin-1").strip().lower()
        if proto in ("http", "https"):
            scope["scheme"] = proto.replace("http", "ws") if scope["type"] == "websocket" else proto
        return scope

    # -- the body limit -----------------------------------------------------------------

    @staticmethod
    def _content_length(scope: Scope) -> int | None:
        for name, value in scope.get("headers") or []:
            if name == b"content-length":
                try:
                    return int(value)
                except ValueError:
                    return None
        return None

    def _too_large_text(self) -> str:
        limit = f"{self.max_body_bytes:,} bytes"
        return f"The request body is larger than this server accepts ({limit})."

    async def _counted(self, scope: Scope, receive: Receive, send: Send) -> None:
        received = 0
        too_large = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    too_large = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if too_large:
                return  # the app's reaction to the cut-off body is replaced by our 413
            if message["type"] == "http.response.start":
                started = True
                message = dict(message)
                message["headers"] = [*message.get("headers", []), *self.headers]
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except _BodyTooLarge:
            pass
        except Exception:
            if not too_large:
                raise
        if too_large and not started:
            await self._refuse(send, 413, self._too_large_text())

    async def _refuse(self, send: Send, status: int, text: str) -> None:
        body = json.dumps({"detail": text}).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            *self.headers,
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
