"""Signed, versioned reference data: newer and genuine only."""

from datetime import datetime, timezone

import pytest

from sync.client import CentralClient
from sync.crypto import CouncilKeys, canonical_json
from sync.device import DeviceIdentity
from sync.protocol import SignedDocument, signed_body
from sync.reference import ReferenceRefused, ReferenceStore
from sync.vault import Vault
from sync.store import open_db


def signed(keys, name, version, data):
    issued = datetime(2026, 11, 22, 9, 30, tzinfo=timezone.utc)
    return SignedDocument(name=name, version=version, issued_at=issued, data=data,
                          signature=keys.sign(canonical_json(signed_body(name, version, issued, data))))


@pytest.fixture
def store(tmp_path):
    keys = CouncilKeys.generate()
    return keys, ReferenceStore(open_db(tmp_path / "kiosk.db"), keys.verify_b64, Vault.open(tmp_path))


def test_newer_signed_versions_are_kept(store):
    keys, refs = store
    assert refs.accept(signed(keys, "hosts", 1, {"people": ["A"]}))
    assert refs.accept(signed(keys, "hosts", 2, {"people": ["A", "B"]}))
    assert not refs.accept(signed(keys, "hosts", 2, {"people": ["A", "B"]}))
    assert refs.get("hosts") == {"people": ["A", "B"]} and refs.version("hosts") == 2


def test_older_versions_are_refused(store):
    keys, refs = store
    refs.accept(signed(keys, "hosts", 3, {}))
    with pytest.raises(ReferenceRefused, match="older"):
        refs.accept(signed(keys, "hosts", 2, {}))


def test_tampered_or_foreign_documents_are_refused(store):
    keys, refs = store
    doc = signed(keys, "categories", 1, {"list": ["potholes"]})
    tampered = doc.model_copy(update={"data": {"list": ["potholes", "free money"]}})
    with pytest.raises(ReferenceRefused, match="signature"):
        refs.accept(tampered)
    with pytest.raises(ReferenceRefused):
        refs.accept(signed(CouncilKeys.generate(), "categories", 1, {"list": []}))
    with pytest.raises(ReferenceRefused):
        refs.accept(doc.model_copy(update={"signature": ""}))
    assert refs.get("categories") is None


def test_pull_from_central(central, kiosk_data):
    import subprocess
    import sys

    from kiosk.core.paths import ROOT

    script = ("import sys; from pathlib import Path; from central.app import create_app; "
              "app = create_app(Path(sys.argv[1])); app.state.publish('content', {'pack': 'v2'})")
    subprocess.run([sys.executable, "-c", script, str(central.data)], cwd=ROOT, check=True, timeout=60)
    identity = DeviceIdentity.load(kiosk_data)
    refs = ReferenceStore(open_db(kiosk_data / "kiosk.db"), identity.signing_key, Vault.open(kiosk_data))
    client = CentralClient(identity.central_url, identity.device_token)
    assert refs.pull(client, "content") and refs.get("content") == {"pack": "v2"}
    assert not refs.pull(client, "content")


def test_documents_are_encrypted_at_rest_with_the_device_key(store, tmp_path):
    keys, refs = store
    refs.accept(signed(keys, "directory.riverside", 1, {"hosts": [{"name": "Priya Wojcikowska"}]}))
    assert refs.get("directory.riverside") == {"hosts": [{"name": "Priya Wojcikowska"}]}
    assert not [p for p in tmp_path.rglob("*") if p.is_file() and b"Wojcikowska" in p.read_bytes()]
