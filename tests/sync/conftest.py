"""A real central service on loopback, and enrolled kiosk data folders."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from kiosk.core.paths import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Central:
    """`python -m central serve` in its own process, on a loopback port."""

    def __init__(self, data: Path, *serve_args: str, env: dict | None = None) -> None:
        self.data = data
        self.serve_args = serve_args
        # Tests from one address enrol many kiosks and try many wrong codes and references
        # (schemathesis most of all): the limits themselves are tested in tests/central.
        relaxed = "enrol=100000/minute;track=100000/minute;activate=100000/minute;reset=100000/minute"
        self.env = {**os.environ, "HUBKIOSK_RATE_LIMITS": relaxed, **(env or {})}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Central":
        self.log = open(self.data.parent / f"central-{self.port}.log", "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "central", "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--data", str(self.data), *self.serve_args], cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
            env=self.env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.05)
        raise RuntimeError("central did not start")

    def start_on_same_port(self) -> "Central":
        """Start again after a crash, on the same port and data (kiosks keep their URL)."""
        return self.start()

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        """A `python -m central` command on this central's data (and database, if not SQLite)."""
        database = []
        if "--database-url" in self.serve_args:
            database = ["--database-url", self.serve_args[self.serve_args.index("--database-url") + 1]]
        return subprocess.run([sys.executable, "-m", "central", *args, "--data", str(self.data), *database],
                              cwd=ROOT, capture_output=True, text=True, timeout=60, env=self.env)

    def enrol_code(self, site: str = "Central Library") -> str:
        result = self.cli("enrol-code", "--site", site)
        assert result.returncode == 0, result.stderr
        return result.stdout.split()[-1]


@pytest.fixture(scope="module")
def smtp():
    """A real SMTP server on loopback (aiosmtpd) for one test module's central."""
    from tests.helpers import smtp_server

    with smtp_server() as server:
        yield server


@pytest.fixture(scope="session")
def central(tmp_path_factory):
    server = Central(tmp_path_factory.mktemp("central")).start()
    yield server
    server.stop()


def enrol(central: Central, data: Path, name: str = "kiosk-test",
          site: str = "Central Library") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "provisioning", "enrol", "--server", central.url,
                           "--code", central.enrol_code(site), "--data", str(data), "--name", name],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)


@pytest.fixture
def kiosk_data(central, tmp_path):
    """A kiosk data folder enrolled with the session's central service."""
    data = tmp_path / "kiosk"
    result = enrol(central, data)
    assert result.returncode == 0, result.stderr
    return data
