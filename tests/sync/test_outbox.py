"""The outbox on its own: sealing, leases, acks, backoff, dead letters, orphans."""

import json

import pytest

from sync.crypto import CouncilKeys
from sync.outbox import Outbox, OutboxError, backoff_seconds
from sync.store import open_db
from tests.helpers import FakeClock
from tests.helpers import feedback, street_report, account_signup



@pytest.fixture
def council():
    return CouncilKeys.generate()


@pytest.fixture
def box(tmp_path, council):
    clock = FakeClock()
    outbox = Outbox(open_db(tmp_path / "kiosk.db"), tmp_path / "attachments", council.public_b64, clock=clock)
    outbox.test_clock = clock
    return outbox


def all_bytes(folder):
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def test_payloads_are_sealed_before_they_reach_the_disk(box, council, tmp_path):
    record_id = box.enqueue(account_signup("Jolanta", "Bloggs-Ąęł", "jolanta@example.org"),
                            attachments={"photo.jpg": b"JPEG-secret-face"})
    box.db.conn.execute("PRAGMA wal_checkpoint(FULL)")
    raw = all_bytes(tmp_path)
    for secret in (b"Jolanta", "Ąęł".encode(), b"jolanta@example.org", b"JPEG-secret-face"):
        assert secret not in raw
    [item] = box.claim(10)
    assert item.id == record_id
    opened = json.loads(council.open(item.payload))
    assert (opened["first_name"], opened["last_name"], opened["email"]) == ("Jolanta", "Bloggs-Ąęł", "jolanta@example.org")
    sealed_photo = box.attachment_path(record_id, "photo.jpg").read_bytes()
    assert council.open(sealed_photo) == b"JPEG-secret-face"
    assert item.attachments[0]["name"] == "photo.jpg"


def test_ids_are_uuid7_and_ordered(box):
    ids = [box.enqueue(feedback(n)) for n in range(20)]
    assert ids == sorted(ids)
    assert all(i[14] == "7" for i in ids)


def test_lease_hides_then_lapses(box):
    box.enqueue(feedback(1))
    assert len(box.claim(10, lease_seconds=60)) == 1
    assert box.claim(10) == []  # leased
    box.test_clock.now += 61
    assert len(box.claim(10)) == 1  # a crashed sender's lease ran out: resent, never skipped


def test_ack_drops_payload_and_files_and_keeps_a_receipt(box):
    record_id = box.enqueue(street_report(1), attachments={"a.png": b"x"})
    box.claim(1)
    box.ack(record_id, "signature")
    row = box.db.execute("SELECT state, payload, receipt FROM outbox WHERE id = ?", [record_id]).fetchone()
    assert row == ("acked", None, "signature")
    assert not (box.attachments_dir / record_id).exists()
    box.test_clock.now += 8 * 86400
    assert box.purge_receipts() == 1


def test_retry_backs_off_and_counts_attempts(box):
    record_id = box.enqueue(feedback(1))
    box.claim(1)
    box.retry(record_id, "offline", delay=30)
    assert box.claim(1) == []
    box.test_clock.now += 31
    [again] = box.claim(1)
    assert again.attempts == 1
    assert box.last_error() == "offline"


def test_wake_makes_everything_due(box):
    record_id = box.enqueue(feedback(1))
    box.claim(1)
    box.retry(record_id, "offline", delay=600)
    box.wake()
    assert len(box.claim(1)) == 1


def test_dead_letters_leave_the_queue(box):
    record_id = box.enqueue(feedback(1))
    box.claim(1)
    box.dead(record_id, "422: bad record")
    assert box.counts() == {"ready": 0, "sending": 0, "acked": 0, "dead": 1}
    box.test_clock.now += 10_000
    assert box.claim(10) == []


def test_full_jitter_backoff_is_bounded():
    assert backoff_seconds(3, rng=lambda: 1.0) == 16.0
    assert backoff_seconds(50, rng=lambda: 1.0) == 900.0
    assert backoff_seconds(5, rng=lambda: 0.0) == 0.0


@pytest.mark.parametrize("thing", [{"journey": "information"}, "feedback", None])
def test_only_a_payload_model_is_queued(box, thing):
    """A record's kind and version come from its model (sync/payloads.py): a bare dict, a
    kind name or nothing is refused before anything is written."""
    with pytest.raises(OutboxError):
        box.enqueue(thing)
    assert box.counts()["ready"] == 0


@pytest.mark.parametrize("name", ["../escape", ".hidden", "a/b", ""])
def test_bad_attachment_names_are_refused_and_nothing_is_left(box, name):
    with pytest.raises(OutboxError):
        box.enqueue(street_report(), attachments={name: b"x"})
    assert box.counts()["ready"] == 0
    assert list(box.attachments_dir.iterdir()) == []


def test_orphan_attachment_folders_are_swept(box):
    (box.attachments_dir / "0190aaaa-0000-7000-8000-000000000000").mkdir()
    keep = box.enqueue(street_report(), attachments={"a.png": b"x"})
    assert box.sweep_orphans() == 1
    assert (box.attachments_dir / keep).exists()
