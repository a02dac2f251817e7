"""Security headers on every response (SPEC §8): a strict same-origin CSP, no sniffing, no framing by others.

The pages load their scripts and styles from ``/static`` or inline (the
``/map/frame`` document carries vis-network inline and is embedded by the
pages in an ``<iframe>``), so the policy allows ``'self'`` and inline code but
no other origin: nothing is fetched from the internet. CORS stays off: no
``Access-Control-Allow-Origin`` header is ever sent, so other sites' scripts
cannot read the API's answers.

The middleware is pure ASGI, so streamed responses (exports, SPARQL results)
pass through unbuffered.

Examples:
    >>> "default-src 'self'" in HEADERS["content-security-policy"]
    True
    >>> HEADERS["x-frame-options"]
    'SAMEORIGIN'
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI

from graph.settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Only this origin; inline scripts and styles for the pages and the self-contained map frame.
CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "frame-src 'self'",
    "frame-ancestors 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
])

#: The headers every response carries (lower-case names, as ASGI sends them).
HEADERS: dict[str, str] = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "SAMEORIGIN",
    "referrer-policy": "no-referrer",
}


class SecurityHeaders:
    """ASGI middleware that sets :data:`HEADERS` on every HTTP response, replacing any route's values."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in HEADERS.items()]
        self.names = {k for k, _ in self.raw}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in self.names]
                message["headers"] = kept + self.raw
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install(app: FastAPI, settings: Settings | None = None) -> None:
    """Add the security headers to every response of ``app`` (``settings`` is reserved for later)."""
    del settings
    app.add_middleware(SecurityHeaders)  # type: ignore[arg-type]
