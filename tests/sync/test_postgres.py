"""Central on PostgreSQL: the same exactly-once behaviour as on SQLite.

Runs when HUBKIOSK_TEST_POSTGRES_URL names a server (scripts/test.sh starts a throwaway one).
"""

import base64
import os
import subprocess
import sys
import time

import pytest
import requests

from kiosk.core.paths import ROOT
from sync.crypto import seal, sha256_hex
from sync.protocol import API

from .conftest import free_port

URL = os.environ.get("HUBKIOSK_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(not URL, reason="no PostgreSQL server (HUBKIOSK_TEST_POSTGRES_URL)")


def test_central_on_postgresql(tmp_path):
    port = free_port()
    base = [sys.executable, "-m", "central"]
    server = subprocess.Popen(base + ["serve", "--port", str(port), "--data", str(tmp_path), "--database-url", URL],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if requests.get(f"{url}/healthz", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.05)
        code = subprocess.run(base + ["enrol-code", "--site", "Civic Centre", "--data", str(tmp_path),
                                      "--database-url", URL], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.split()[-1]
        device = requests.post(f"{url}{API}/enrol", json={"code": code, "device_name": "pg", "app_version": "t"},
                               timeout=10).json()
        sealed = seal(b'{"journey": "report", "stars": 5, "day": "2026-11-22"}', device["council_public_key"])
        record = {"id": "0190a1b2-c3d4-7e5f-8a6b-00000000beef", "kind": "feedback", "schema_version": 1,
                  "created_at": "2026-11-22T10:00:00Z", "payload": base64.b64encode(sealed).decode(),
                  "payload_sha256": sha256_hex(sealed), "attachments": []}
        headers = {"Authorization": f"Bearer {device['device_token']}"}
        first = requests.post(f"{url}{API}/submissions", json={"records": [record]}, headers=headers, timeout=10)
        again = requests.post(f"{url}{API}/submissions", json={"records": [record, record]}, headers=headers,
                              timeout=10)
        assert first.json()["results"][0]["status"] == "accepted"
        assert [r["status"] for r in again.json()["results"]] == ["duplicate", "duplicate"]
        stats = subprocess.run(base + ["stats", "--data", str(tmp_path), "--database-url", URL], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout
        assert '"records": 1' in stats
    finally:
        server.terminate()
        server.wait(10)
