"""Central's API at the edge: enrolment, exactly-once submissions, and bad input refused."""

import base64
import json

import pytest
import requests

from sync.crypto import CouncilKeys, seal, sha256_hex, verify
from sync.device import DeviceIdentity
from sync.protocol import API, receipt_message

from .conftest import enrol

UUID = "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b"


def record(identity, record_id=UUID, payload=b'{"journey": "report", "stars": 4, "day": "2026-11-22"}', **overrides):
    sealed = seal(payload, identity.council_public_key)
    body = {"id": record_id, "kind": "feedback", "schema_version": 1, "created_at": "2026-11-22T10:00:00Z",
            "payload": base64.b64encode(sealed).decode(), "payload_sha256": sha256_hex(sealed), "attachments": []}
    body.update(overrides)
    return body


def post(central, identity, records, token=None):
    return requests.post(f"{central.url}{API}/submissions", json={"records": records}, timeout=10,
                         headers={"Authorization": f"Bearer {token or identity.device_token}"})


def new_id(n):
    return f"0190a1b2-c3d4-7e5f-8a6b-{n:012x}"


def test_enrolment_code_works_once(central, tmp_path):
    code = central.enrol_code()
    first = requests.post(f"{central.url}{API}/enrol", json={"code": code, "device_name": "k1", "app_version": "t"})
    assert first.status_code == 200 and first.json()["site"] == "Central Library"
    again = requests.post(f"{central.url}{API}/enrol", json={"code": code, "device_name": "k2", "app_version": "t"})
    assert again.status_code == 403 and "not valid" in again.json()["detail"]


def test_provisioning_saves_an_owner_only_identity(kiosk_data):
    identity = DeviceIdentity.load(kiosk_data)
    assert (kiosk_data / "device.json").stat().st_mode & 0o077 == 0
    assert identity.central_url.startswith("http://127.0.0.1:")


def test_provisioning_explains_a_bad_code(central, tmp_path):
    import subprocess
    import sys

    from kiosk.core.paths import ROOT

    result = subprocess.run([sys.executable, "-m", "provisioning", "enrol", "--server", central.url,
                             "--code", "WRONGCODE1", "--data", str(tmp_path)], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "not accepted" in result.stderr
    assert not (tmp_path / "device.json").exists()


def test_same_record_twice_gets_the_same_receipt(central, kiosk_data):
    identity = DeviceIdentity.load(kiosk_data)
    body = record(identity, new_id(1))
    first = post(central, identity, [body]).json()["results"][0]
    second = post(central, identity, [body]).json()["results"][0]
    assert (first["status"], second["status"]) == ("accepted", "duplicate")
    assert first["receipt"] == second["receipt"]
    assert verify(receipt_message(body["id"], body["payload_sha256"]), first["receipt"], identity.signing_key)


def test_same_id_with_other_content_is_rejected(central, kiosk_data):
    identity = DeviceIdentity.load(kiosk_data)
    post(central, identity, [record(identity, new_id(2))])
    other = post(central, identity, [record(identity, new_id(2), payload=b'{"journey": "report", "stars": 1, "day": "2026-11-22"}')]).json()["results"][0]
    assert other["status"] == "rejected" and "different record" in other["error"]


def test_a_payload_not_sealed_for_this_council_is_rejected(central, kiosk_data):
    identity = DeviceIdentity.load(kiosk_data)
    stranger = CouncilKeys.generate()
    body = record(DeviceIdentity(**{**identity.__dict__, "council_public_key": stranger.public_b64}), new_id(3))
    result = post(central, identity, [body]).json()["results"][0]
    assert result["status"] == "rejected" and result["receipt"] is None


def test_hash_mismatch_is_rejected(central, kiosk_data):
    identity = DeviceIdentity.load(kiosk_data)
    body = record(identity, new_id(4), payload_sha256="0" * 64)
    assert post(central, identity, [body]).json()["results"][0]["status"] == "rejected"


@pytest.mark.parametrize("token, status", [("not-a-token", 401), ("", 401)])
def test_wrong_token(central, kiosk_data, token, status):
    identity = DeviceIdentity.load(kiosk_data)
    response = requests.post(f"{central.url}{API}/submissions", json={"records": [record(identity)]},
                             headers={"Authorization": f"Bearer {token}"} if token else {}, timeout=10)
    assert response.status_code == status


def test_revoked_device_is_refused(central, tmp_path):
    data = tmp_path / "k"
    assert enrol(central, data).returncode == 0
    identity = DeviceIdentity.load(data)
    assert central.cli("revoke", identity.device_id).returncode == 0
    response = post(central, identity, [record(identity, new_id(5))])
    assert response.status_code == 403 and "revoked" in response.json()["detail"]


@pytest.mark.parametrize("bad_id", ["../../etc/passwd", "0190a1b2-c3d4-4e5f-8a6b-7c8d9e0f1a2b",
                                    "0190A1B2-C3D4-7E5F-8A6B-7C8D9E0F1A2B", "x" * 500, ""])
def test_path_tricks_and_bad_ids_are_refused(central, kiosk_data, bad_id):
    identity = DeviceIdentity.load(kiosk_data)
    response = post(central, identity, [record(identity, bad_id)])
    assert response.status_code == 422
    assert bad_id not in response.text or bad_id == ""  # the value is never echoed


def test_malformed_and_oversized_bodies(central, kiosk_data):
    identity = DeviceIdentity.load(kiosk_data)
    headers = {"Authorization": f"Bearer {identity.device_token}", "Content-Type": "application/json"}
    malformed = requests.post(f"{central.url}{API}/submissions", data=b'{"records": [', headers=headers, timeout=10)
    assert malformed.status_code == 422
    huge = requests.post(f"{central.url}{API}/submissions", data=b"x" * (9 * 2**20), headers=headers, timeout=30)
    assert huge.status_code == 413
    empty = requests.post(f"{central.url}{API}/submissions", json={"records": []}, headers=headers, timeout=10)
    assert empty.status_code == 422


def test_stats_count_records_and_distinct_ids(central, kiosk_data):
    identity = DeviceIdentity.load(kiosk_data)
    post(central, identity, [record(identity, new_id(100 + n)) for n in range(3)])
    stats = json.loads(central.cli("stats").stdout)
    assert stats["feedback"]["records"] == stats["feedback"]["distinct_ids"] >= 3


def test_openapi_is_served(central):
    spec = requests.get(f"{central.url}/openapi.json", timeout=10).json()
    assert f"{API}/submissions" in spec["paths"]
