"""The sync worker against a real central, through a proxy that misbehaves on cue.

The oracle (after Jepsen's queue checker): every record queued is delivered, and none is
lost, duplicated or unexpected, whatever the network did in between.
"""

import json
import subprocess
import sys
import time

import pytest

from kiosk.core.paths import ROOT
from sync.client import CentralClient
from sync.device import open_outbox
from sync.worker import SyncWorker

from .faults import FaultyProxy
from tests.helpers import feedback, street_report, account_signup


def central_records(central, device_id):
    """{id: payload sha256} of everything central holds for one device."""
    import sqlite3

    conn = sqlite3.connect(central.data / "central.db")
    rows = conn.execute("SELECT id, payload_sha256 FROM records WHERE device_id = ?", [device_id]).fetchall()
    return dict(rows)


def check(queued: dict, central, device_id):
    """Classify every record: lost / duplicated / unexpected must all be empty."""
    got = central_records(central, device_id)
    lost = set(queued) - set(got)
    unexpected = set(got) - set(queued)
    changed = {i for i in set(queued) & set(got) if queued[i] != got[i]}
    return {"lost": lost, "unexpected": unexpected, "changed": changed, "delivered": len(set(queued) & set(got))}


@pytest.fixture
def setup(central, kiosk_data):
    identity, outbox = open_outbox(kiosk_data)
    return identity, outbox


def worker_via(url, identity, outbox, **kwargs):
    return SyncWorker(outbox, CentralClient(url, identity.device_token, timeout=kwargs.pop("timeout", 5)),
                      identity.signing_key, **kwargs)


def drain_through_fault(central, identity, outbox, fault, **proxy_options):
    """One pass through a proxy that answers the first request with `fault`."""
    with FaultyProxy(central.url, **proxy_options) as proxy:
        proxy.script = [fault]
        return worker_via(proxy.url, identity, outbox).drain_once()


def queue(outbox, n):
    ids = [outbox.enqueue(feedback(i, comment="Great help from the volunteer")) for i in range(n)]
    return {row[0]: row[1] for row in outbox.db.execute(
        f"SELECT id, payload_sha256 FROM outbox WHERE id IN ({','.join('?' * len(ids))})", ids).fetchall()}


def test_drain_delivers_everything_once(central, setup):
    identity, outbox = setup
    queued = queue(outbox, 120)
    result = worker_via(central.url, identity, outbox, batch_size=50).drain_once()
    assert result.sent == 120 and result.all_sent
    outcome = check(queued, central, identity.device_id)
    assert (outcome["lost"], outcome["unexpected"], outcome["changed"], outcome["delivered"]) == (set(), set(), set(), 120)
    assert outbox.db.execute("SELECT COUNT(*) FROM outbox WHERE payload IS NOT NULL").fetchone()[0] == 0


@pytest.mark.parametrize("faults", [
    ["reset"], ["lost"], ["500"], ["503"], ["429"], ["portal"], ["truncated"], ["stall"],
    ["lost", "reset", "portal", "503", "truncated"],
])
def test_faults_delay_but_never_lose_or_duplicate(central, setup, faults):
    identity, outbox = setup
    queued = queue(outbox, 30)
    with FaultyProxy(central.url, stall_seconds=2.5) as proxy:
        proxy.script = list(faults)
        worker = worker_via(proxy.url, identity, outbox, batch_size=10, timeout=1.5)
        first = worker.drain_once()
        assert not first.all_sent  # the fault was noticed, not taken for an ack
        for _ in range(len(faults) + 5):
            outbox.wake()
            worker.drain_once()
    outcome = check(queued, central, identity.device_id)
    assert (outcome["lost"], outcome["unexpected"], outcome["changed"]) == (set(), set(), set())
    assert outcome["delivered"] == 30
    assert outbox.counts()["acked"] == 30


def test_captive_portal_is_not_an_ack(central, setup):
    identity, outbox = setup
    queue(outbox, 5)
    result = drain_through_fault(central, identity, outbox, "portal")
    assert result.sent == 0 and outbox.counts()["acked"] == 0
    assert "sign-in page" in outbox.last_error()


def test_retry_after_is_honoured(central, setup):
    identity, outbox = setup
    queue(outbox, 3)
    drain_through_fault(central, identity, outbox, "503", retry_after="120")
    waits = [r[0] - outbox.clock() for r in outbox.db.execute("SELECT next_attempt_at FROM outbox").fetchall()]
    assert all(115 < w <= 120.5 for w in waits)


def test_refused_token_pauses_the_queue(central, setup):
    identity, outbox = setup
    queue(outbox, 4)
    result = drain_through_fault(central, identity, outbox, "401")
    assert result.paused and outbox.counts()["ready"] == 4
    assert outbox.db.execute("SELECT MAX(attempts) FROM outbox").fetchone()[0] == 0


def test_one_bad_record_is_dead_lettered_and_the_rest_flow(central, setup):
    identity, outbox = setup
    queued = queue(outbox, 9)
    bad = sorted(queued)[4]
    outbox.db.execute("UPDATE outbox SET payload_sha256 = ? WHERE id = ?", ["0" * 64, bad])
    result = worker_via(central.url, identity, outbox).drain_once()
    assert (result.sent, result.dead) == (8, 1)
    assert outbox.db.execute("SELECT state FROM outbox WHERE id = ?", [bad]).fetchone()[0] == "dead"


def test_worker_thread_sends_when_the_network_returns(central, setup):
    identity, outbox = setup
    worker = SyncWorker(outbox, CentralClient("http://127.0.0.1:9", identity.device_token, timeout=1),
                        identity.signing_key, probe_seconds=0.1)
    queue(outbox, 3)
    worker.drain_once()
    assert worker.status.online is False and worker.status.waiting == 3
    worker.client.base_url = central.url  # the cable is plugged back in
    worker.start()
    try:
        import time

        deadline = time.monotonic() + 15
        while outbox.counts()["acked"] < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
    assert outbox.counts()["acked"] == 3 and worker.status.online


def test_personal_details_are_not_readable_anywhere_in_the_data_folder(central, setup, kiosk_data):
    identity, outbox = setup
    outbox.enqueue(account_signup("Zuzanna", "Kowalczyk", "zuzanna.k@example.org", "+447700900123"),
                   attachments={"signature.png": b"ZUZANNA-SIGNATURE"})
    worker_via(central.url, identity, outbox).drain_once()
    outbox.enqueue(account_signup("Zuzanna", "Kowalczyk", "zuzanna.k@example.org"))  # still queued
    outbox.db.conn.execute("PRAGMA wal_checkpoint(FULL)")
    raw = b"".join(p.read_bytes() for p in kiosk_data.rglob("*") if p.is_file())
    for secret in ("Zuzanna", "Kowalczyk", "zuzanna.k@example.org", "07700 900123", "ZUZANNA-SIGNATURE"):
        assert secret.encode() not in raw
        assert secret.encode("utf-16-le") not in raw


def test_sync_cli_status_push_and_selftest(central, kiosk_data):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "sync", *args, "--data", str(kiosk_data)], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)

    queued = run("selftest", "--count", "40", "--queue-only")
    assert queued.returncode == 0 and "queued 40" in queued.stdout
    status = run("status")
    assert "ready 40" in status.stdout and "online" in status.stdout
    pushed = run("push")
    assert pushed.returncode == 0 and "sent 40" in pushed.stdout
    full = run("selftest", "--count", "25")
    assert full.returncode == 0 and "sent 25" in full.stdout
    stats = json.loads(central.cli("stats").stdout)
    assert stats["diagnostic"]["records"] == stats["diagnostic"]["distinct_ids"] >= 65


def test_not_enrolled_is_explained(tmp_path):
    result = subprocess.run([sys.executable, "-m", "sync", "status", "--data", str(tmp_path)], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "not enrolled" in result.stderr


def test_heartbeat_reaches_central(central, setup):
    identity, outbox = setup
    queue(outbox, 2)
    worker = worker_via(central.url, identity, outbox)
    assert worker.heartbeat()
    import sqlite3

    row = sqlite3.connect(central.data / "central.db").execute(
        "SELECT queue_depth, app_version, disk_free_mb FROM devices WHERE id = ?", [identity.device_id]).fetchone()
    assert row[0] == 2 and row[1] and row[2] > 0


def central_file(central, record_id, name):
    return central.data / "files" / record_id / name


def test_attachments_upload_and_complete_the_record(central, setup):
    identity, outbox = setup
    photo = bytes(range(256)) * 8192  # 2 MiB
    record_id = outbox.enqueue(street_report(1), attachments={"photo.jpg": photo})
    sealed = outbox.attachment_path(record_id, "photo.jpg").read_bytes()
    result = worker_via(central.url, identity, outbox).drain_once()
    assert result.sent == 1 and outbox.counts()["acked"] == 1
    assert central_file(central, record_id, "photo.jpg").read_bytes() == sealed
    assert not (outbox.attachments_dir / record_id).exists()  # gone from the kiosk once delivered
    from central.keys import load_or_create

    assert load_or_create(central.data).open(sealed) == photo  # and central can open it


def test_an_upload_cut_half_way_resumes_from_where_it_stopped(central, setup):
    identity, outbox = setup
    record_id = outbox.enqueue(street_report(2), attachments={"photo.jpg": b"p" * (1536 * 1024)})
    with FaultyProxy(central.url) as proxy:
        worker = worker_via(proxy.url, identity, outbox)
        worker.uploader.chunk_size = 512 * 1024
        # submit, create, first chunk, then the connection drops on the second chunk
        proxy.script = ["pass", "pass", "pass", "reset"]
        first = worker.drain_once()
        assert first.sent == 0 and outbox.counts()["ready"] == 1
        outbox.wake()
        second = worker.drain_once()
    assert second.sent == 1
    patches = [r for r in proxy.requests if r[0] == "PATCH"]
    heads = [r for r in proxy.requests if r[0] == "HEAD"]
    size = outbox.db.execute("SELECT json_extract(attachments, '$[0].size') FROM outbox WHERE id = ?",
                             [record_id]).fetchone()[0]
    chunks = -(-size // (512 * 1024))
    # Resumed, not restarted: the chunks once each, plus the one the cut connection lost.
    assert len(heads) == 1 and len(patches) == chunks + 1
    assert len({path for _method, path in patches}) == 1  # one upload, never created twice
    assert central_file(central, record_id, "photo.jpg").stat().st_size == size


def test_an_upload_that_does_not_match_is_refused(central, setup):
    identity, outbox = setup
    record_id = outbox.enqueue(street_report(3), attachments={"photo.jpg": b"q" * 1000})
    outbox.attachment_path(record_id, "photo.jpg").write_bytes(b"tampered" * 100)
    worker = worker_via(central.url, identity, outbox)
    result = worker.drain_once()
    assert result.sent == 0 and outbox.counts()["acked"] == 0
    assert not central_file(central, record_id, "photo.jpg").exists()


def test_queueing_while_the_worker_sends_on_its_own_thread(central, setup):
    """Journeys queue on the UI thread while the worker sends: separate connections, no
    transaction of one thread ever swallowing the other's statements."""
    identity, outbox = setup
    worker = worker_via(central.url, identity, outbox.reopen())
    worker.start()
    try:
        ids = []
        for n in range(150):
            attachments = {"photo.jpg": bytes([n]) * 40_000} if n % 10 == 0 else None
            ids.append(outbox.enqueue(street_report(n), attachments=attachments))
            if n % 25 == 0:
                worker.nudge()
        worker.nudge()
        deadline = time.monotonic() + 60
        while outbox.counts()["acked"] < 150 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        worker.stop()
    assert outbox.counts()["acked"] == 150 and worker.status.last_error is None
    delivered = central_records(central, identity.device_id)
    assert set(ids) <= set(delivered)
    assert not any((outbox.attachments_dir / i).exists() for i in ids)
