"""Central sets its own limits on slow and huge requests (no proxy needed in front)."""

from __future__ import annotations

import socket
import time

import pytest
import requests

from central.server import GuardedHttpTools

from .conftest import Served


class QuickGuard(GuardedHttpTools):
    head_seconds = 0.5
    body_idle_seconds = 0.5
    body_seconds = 3.0


@pytest.fixture
def quick(app):
    with Served(app, http=QuickGuard) as server:
        yield server


def connect(server) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    return sock


def answer(sock: socket.socket) -> bytes:
    """What the server sends before it closes the connection."""
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    return data


def test_huge_headers_are_refused(quick):
    sock = connect(quick)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (200 * 1024) + b"\r\n\r\n")
    assert answer(sock).startswith(b"HTTP/1.1 431 ")
    # a 40 MiB header is not even read to its end
    sock = connect(quick)
    try:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (40 * 2**20))
    except (BrokenPipeError, ConnectionResetError):
        pass
    assert requests.get(f"{quick.url}/healthz", timeout=5).ok


def test_a_head_sent_slowly_times_out(quick):
    sock = connect(quick)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    started = time.monotonic()
    assert answer(sock).startswith(b"HTTP/1.1 408 ")
    assert time.monotonic() - started < 5


def test_a_stalled_body_is_dropped_and_many_stalled_connections_go(quick):
    socks = []
    for _ in range(100):
        sock = connect(quick)
        sock.sendall(b"POST /api/v1/enrol HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 1000\r\n\r\n{\"code\":")
        socks.append(sock)
    time.sleep(1.5)
    closed = sum(answer(sock) == b"" for sock in socks)
    assert closed == 100
    assert requests.get(f"{quick.url}/healthz", timeout=5).ok


def test_a_body_trickled_for_too_long_is_dropped(quick):
    sock = connect(quick)
    sock.sendall(b"POST /api/v1/enrol HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 100000\r\n\r\n")
    started = time.monotonic()
    try:
        while time.monotonic() - started < 8:
            sock.sendall(b" ")  # a byte every 0.2 s: never idle long enough to trip the idle limit
            time.sleep(0.2)
    except (BrokenPipeError, ConnectionResetError):
        pass
    assert time.monotonic() - started < 6  # cut at the 3 s body limit
