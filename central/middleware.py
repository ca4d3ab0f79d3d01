"""Plain ASGI middleware for every request: body size limits and security headers."""

from __future__ import annotations

from fastapi import HTTPException
from fastapi.responses import JSONResponse

from central.uploads import MAX_UPLOAD_BYTES
from central.uploads import PREFIX as UPLOADS
from sync.protocol import MAX_BODY_BYTES


class _HttpMiddleware:
    """Plain ASGI middleware that acts on HTTP requests only (`http`), passing the rest on."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.http(scope, receive, send)

    async def http(self, scope, receive, send) -> None:
        raise NotImplementedError


class BodyLimit(_HttpMiddleware):
    """Refuse bodies over the limit before reading them (413), and stop a body sent without
    a length (chunked) once it passes the limit. Plain ASGI, so a large upload streams
    through without the extra task and queue a `BaseHTTPMiddleware` puts on every request."""

    async def http(self, scope, receive, send) -> None:
        # An upload may carry the rest of its file in one request; its route stops it at
        # the upload's own length.
        limit = MAX_UPLOAD_BYTES if scope["path"].startswith(UPLOADS) else MAX_BODY_BYTES
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None:
            if not length.isdigit():
                await JSONResponse({"detail": "Content-Length is not a number"}, status_code=400)(scope, receive, send)
                return
            if int(length) > limit:
                await JSONResponse({"detail": "the request is too large"}, status_code=413)(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise HTTPException(413, "the request is too large")
            return message

        await self.app(scope, counted, send)


# Sent with every response that does not set its own: no sniffing, no framing, no
# referrer, and a policy that forbids framing, plugins and foreign form targets even on
# FastAPI's own /docs page (whose script comes from its CDN, so it sets no script rule).
SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", b"frame-ancestors 'none'; object-src 'none'; base-uri 'none'; form-action 'self'"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


class SecurityHeaders(_HttpMiddleware):
    """Adds SECURITY_HEADERS to every HTTP response that lacks them (plain ASGI)."""

    async def http(self, scope, receive, send) -> None:

        extra = SECURITY_HEADERS
        if scope["path"].startswith("/api/back-office/"):  # residents' details: never kept by a cache
            extra = (*SECURITY_HEADERS, (b"cache-control", b"no-store"))
        if scope["path"].startswith(UPLOADS):  # every tus answer, errors included, names the protocol
            extra = (*SECURITY_HEADERS, (b"tus-resumable", b"1.0.0"))

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _value in headers}
                headers += [(name, value) for name, value in extra if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
