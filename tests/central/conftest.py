"""Central in process: FastAPI's TestClient over a real SQLite file, and, where real sockets
are the point (concurrency, timeouts, other tus clients), the same app served by uvicorn on
a loopback port from a thread of the test process."""

from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient

from central.app import create_app, create_code
from central.server import uvicorn_settings
from sync.crypto import seal, sha256_hex
from sync.outbox import new_id
from sync.protocol import API
from tests.sync.conftest import free_port


@dataclass
class Device:
    id: str
    token: str
    site: str
    council_key: str
    signing_key: str

    @property
    def auth(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}


def enrol(client, app, site: str = "Central Library", name: str = "kiosk-1") -> Device:
    """Enrol a device at `site` through the API (a fresh one-time code each time)."""
    code = create_code(app.state.engine, site)
    answer = client.post(f"{API}/enrol", json={"code": code, "device_name": name, "app_version": "test"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    return Device(body["device_id"], body["device_token"], body["site"], body["council_public_key"],
                  body["signing_key"])


# a valid record that names nobody and causes nothing but its row (and its attachments)
DIAGNOSTIC = {"selftest": "0123abcd", "n": 0}


def sealed(device: Device, kind: str, payload: dict, record_id: str | None = None,
           attachments: dict[str, bytes] | None = None) -> tuple[dict, dict[str, bytes]]:
    """A wire record as a kiosk builds it (payload and files sealed to the council), and the
    sealed attachment bytes to upload."""
    box = seal(json.dumps(payload).encode(), device.council_key)
    files = {name: seal(data, device.council_key) for name, data in (attachments or {}).items()}
    record = {"id": record_id or new_id(), "kind": kind, "schema_version": 1,
              "created_at": "2026-12-01T10:00:00+00:00", "payload": base64.b64encode(box).decode(),
              "payload_sha256": sha256_hex(box),
              "attachments": [{"name": n, "sha256": sha256_hex(b), "size": len(b)} for n, b in files.items()]}
    return record, files


def submit(client, device: Device, *records: dict):
    return client.post(f"{API}/submissions", json={"records": list(records)}, headers=device.auth)


@pytest.fixture
def app(tmp_path):
    return create_app(tmp_path / "central")


@pytest.fixture
def client(app):
    with TestClient(app) as test_client:
        yield test_client


class Served:
    """`app` served by uvicorn (central's own protocol and limits) in a thread, on loopback."""

    def __init__(self, app, **settings) -> None:
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                **{**uvicorn_settings(), **settings})
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="central-under-test", daemon=True)

    def __enter__(self) -> "Served":
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("central did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_exc) -> None:
        self.server.should_exit = True
        self.thread.join(15)


@pytest.fixture
def served(app):
    with Served(app) as server:
        yield server


def data_files(folder: Path) -> int:
    """Bytes in every file under `folder`."""
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())
