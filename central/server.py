"""Running central under uvicorn with its own limits on slow and huge requests.

Central is often exposed without a reverse proxy (a hub PC, a small council), so it sets the
limits a proxy would, itself, on the fast httptools parser:

- a request's line and headers together at most `MAX_HEAD_BYTES` (64 KiB), else 431 and the
  connection closed (without a limit the parser keeps whatever it is sent);
- the head must arrive within `HEAD_SECONDS` of its first byte, or of the connection opening
  (slowloris);
- while a body is being sent, a pause longer than `BODY_IDLE_SECONDS` closes the connection,
  and so does a body still arriving after `BODY_SECONDS` (a trickle that never stalls long);
- an idle keep-alive connection closes after uvicorn's `timeout_keep_alive` (5 s);
- at most `MAX_CONNECTIONS` connections at once per worker process (503 past that).

Closing a connection mid-body tells the app `http.disconnect`: an upload keeps the bytes it
had (tus resumes from there) and a batch is simply not stored.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

MAX_HEAD_BYTES = 64 * 2**10
HEAD_SECONDS = 10.0
BODY_IDLE_SECONDS = 30.0
BODY_SECONDS = 15 * 60.0
MAX_CONNECTIONS = 2000


class _HeadTooLarge(Exception):
    pass


class GuardedHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol with head-size, head-time and body-time limits."""

    head_bytes = MAX_HEAD_BYTES
    head_seconds = HEAD_SECONDS
    body_idle_seconds = BODY_IDLE_SECONDS
    body_seconds = BODY_SECONDS

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head_seen = 0
        self._body_deadline: float | None = None
        self._head_timer: asyncio.TimerHandle | None = None
        self._body_timer: asyncio.TimerHandle | None = None
        self._arm_head_timer()

    def connection_lost(self, exc) -> None:
        self._cancel_timers()
        super().connection_lost(exc)

    # ----- the head ---------------------------------------------------------------------------
    def _arm_head_timer(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.head_seconds, self._too_slow)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_seen = 0
        self._arm_head_timer()

    def on_url(self, url: bytes) -> None:
        self._count_head(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count_head(len(name) + len(value) + 4)
        super().on_header(name, value)

    def _count_head(self, size: int) -> None:
        self._head_seen += size
        if self._head_seen > self.head_bytes:
            raise _HeadTooLarge()

    def on_headers_complete(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        super().on_headers_complete()
        self._body_deadline = self.loop.time() + self.body_seconds
        self._arm_body_timer()

    def data_received(self, data: bytes) -> None:
        try:
            super().data_received(data)
        except _HeadTooLarge:  # in case the parser passes a callback's exception on as is
            self._refuse(431, "Request headers too large")

    def send_400_response(self, msg: str) -> None:
        if self._head_seen > self.head_bytes:
            self._refuse(431, "Request headers too large")
        else:
            super().send_400_response(msg)

    # ----- the body ---------------------------------------------------------------------------
    def _arm_body_timer(self) -> None:
        if self._body_timer is not None:
            self._body_timer.cancel()
        if self._body_deadline is None:
            return
        wait = min(self.body_idle_seconds, max(0.0, self._body_deadline - self.loop.time()))
        self._body_timer = self.loop.call_later(wait, self._too_slow)

    def on_body(self, body: bytes) -> None:
        super().on_body(body)
        self._arm_body_timer()

    def on_message_complete(self) -> None:
        self._body_deadline = None
        if self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None
        super().on_message_complete()

    # ----- closing ------------------------------------------------------------------------------
    def _too_slow(self) -> None:
        self._head_timer = self._body_timer = None
        if self.transport is None or self.transport.is_closing():
            return
        if self.cycle is None or self.cycle.response_complete:
            self._refuse(408, "Request timeout")  # waiting for a head that did not come
        else:
            self.transport.close()  # a body that stalled: the app is told http.disconnect

    def _refuse(self, status: int, message: str) -> None:
        self._cancel_timers()
        if self.transport is None or self.transport.is_closing():
            return
        body = message.encode()
        self.transport.write(b"".join([
            STATUS_LINE[status], b"content-type: text/plain; charset=utf-8\r\n",
            b"content-length: " + str(len(body)).encode() + b"\r\n", b"connection: close\r\n\r\n", body]))
        self.transport.close()

    def _cancel_timers(self) -> None:
        for timer in (getattr(self, "_head_timer", None), getattr(self, "_body_timer", None)):
            if timer is not None:
                timer.cancel()
        self._head_timer = self._body_timer = None


def uvicorn_settings() -> dict:
    """Keyword arguments for uvicorn.run: the guarded protocol and the connection limits."""
    return {"http": GuardedHttpTools, "limit_concurrency": MAX_CONNECTIONS, "timeout_keep_alive": 5,
            "timeout_graceful_shutdown": 10, "server_header": False}
