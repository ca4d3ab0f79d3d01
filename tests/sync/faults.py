"""A loopback proxy in front of central that misbehaves on cue.

Each request takes the next fault from `script` (then passes through):
  "pass"       forward to central and relay its answer
  "reset"      close the connection without a word
  "lost"       forward (central commits) and then drop the answer: a response lost in transit
  "stall"      say nothing for `stall_seconds`
  "500", "503", "429"   that status; 503/429 carry Retry-After: `retry_after`
  "portal"     200 with a Wi-Fi sign-in page
  "truncated"  200 with half of central's real JSON body
  "401"        as if the token were refused
"""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

PORTAL = b"<html><body><h1>Welcome to Library Wi-Fi</h1><form>Accept terms</form></body></html>"


class FaultyProxy:
    def __init__(self, upstream: str, stall_seconds: float = 3.0, retry_after: str = "1") -> None:
        self.upstream = upstream
        self.script: list[str] = []
        self.seen: list[str] = []
        self.requests: list[tuple[str, str]] = []
        self.stall_seconds = stall_seconds
        self.retry_after = retry_after
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args):
                pass

            def _forward(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                headers["X-Forwarded-Host"] = self.headers.get("Host", "")  # upload URLs point back here
                return requests.request(self.command, proxy.upstream + self.path, data=body, headers=headers,
                                        timeout=30)

            def _reply(self, status, body, content_type="application/json", extra=None, length=None):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body) if length is None else length))
                for k, v in (extra or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()

            def _reset(self):
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                self.connection.close()
                self.close_connection = True

            def _handle(self):
                fault = proxy.script.pop(0) if proxy.script else "pass"
                proxy.seen.append(fault)
                proxy.requests.append((self.command, self.path))
                if fault == "pass":
                    answer = self._forward()
                    passed = {k: v for k, v in answer.headers.items() if k.lower() in (
                        "retry-after", "location", "upload-offset", "upload-length", "tus-resumable")}
                    self._reply(answer.status_code, answer.content, answer.headers.get("Content-Type", ""), passed)
                elif fault == "reset":
                    self._reset()
                elif fault == "lost":
                    self._forward()
                    self._reset()
                elif fault == "stall":
                    time.sleep(proxy.stall_seconds)
                    self._reset()
                elif fault in ("500", "503", "429", "401"):
                    extra = {"Retry-After": proxy.retry_after} if fault in ("503", "429") else {}
                    self._reply(int(fault), b'{"detail": "injected"}', extra=extra)
                elif fault == "portal":
                    self._reply(200, PORTAL, "text/html")
                elif fault == "truncated":
                    answer = self._forward()
                    half = answer.content[: len(answer.content) // 2]
                    self._reply(200, half, length=len(answer.content))
                    self._reset()
                else:
                    raise ValueError(fault)

            do_GET = do_POST = do_PUT = do_PATCH = do_HEAD = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "FaultyProxy":
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.server.shutdown()
        self.server.server_close()
