"""Central with several worker processes (`serve --workers 2`), and the upload store's
guarantees when a process other than the one that began an upload carries it on."""

from __future__ import annotations

import hashlib

import pytest

from sync.device import open_outbox

from .conftest import Central, enrol
from .test_worker import central_records, worker_via
from tests.helpers import feedback, street_report


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    server = Central(tmp_path_factory.mktemp("central-workers"), "--workers", "2").start()
    yield server
    server.stop()


def test_records_and_chunked_uploads_across_worker_processes(two_workers, tmp_path):
    assert enrol(two_workers, tmp_path / "kiosk").returncode == 0
    identity, outbox = open_outbox(tmp_path / "kiosk")
    ids = []
    for n in range(12):
        photo = hashlib.sha256(str(n).encode()).digest() * (40_000 + 9_000 * n)  # 1.3-4.7 MB
        ids.append(outbox.enqueue(street_report(n), attachments={"photo.jpg": photo}))
    ids += [outbox.enqueue(feedback(n)) for n in range(200)]
    sealed = {i: outbox.attachment_path(i, "photo.jpg").read_bytes() for i in ids[:12]}
    worker = worker_via(two_workers.url, identity, outbox, timeout=30)
    worker.uploader.chunk_size = 1 * 2**20  # several chunks each
    sent = 0
    for _ in range(5):
        sent += worker.drain_once().sent
        if sent == len(ids):
            break
        outbox.wake()
    worker.close()
    assert sent == len(ids) and outbox.counts()["acked"] == len(ids)
    assert set(ids) == set(central_records(two_workers, identity.device_id))
    for record_id, data in sealed.items():
        assert (two_workers.data / "files" / record_id / "photo.jpg").read_bytes() == data
    assert not [p for p in (two_workers.data / "uploads").iterdir() if not p.name.startswith(".")]


def test_an_upload_carried_on_by_another_process_is_still_checked_whole(tmp_path):
    """The running hash lives in one process; another (or a restarted one) rebuilds it from
    the stored bytes, and a lock taken by one process keeps the other out."""
    import asyncio

    from central.files import HashingStorage, LocalStorage

    data = b"".join(hashlib.sha256(bytes([n])).digest() for n in range(256)) * 100

    async def scenario():
        first, second = HashingStorage(LocalStorage(tmp_path)), HashingStorage(LocalStorage(tmp_path))
        uid = "0123456789abcdef0123456789abcdef"
        await first.create(uid)
        await first.append(uid, data[:300_000])
        await first.flush(uid)
        async with first.inner.lock(uid):
            with pytest.raises(TimeoutError):
                async with second.inner.lock(uid, timeout=0.2):
                    pass
        await second.append(uid, data[300_000:])  # the rest reaches another process
        await second.flush(uid)
        whole = hashlib.sha256(data).hexdigest()
        assert await second.sha256(uid) == (whole, len(data))
        assert await first.sha256(uid) == (whole, len(data))  # its own hash is stale: not used
        fresh = HashingStorage(LocalStorage(tmp_path))  # after a restart
        assert await fresh.sha256(uid) == (whole, len(data))
        other = "fedcba9876543210fedcba9876543210"
        await first.create(other)  # created here, all its bytes in a request to `second`
        await second.append(other, data)
        await second.flush(other)
        assert second._hashes[other][1] == len(data)  # hashed as it streamed, no re-read
        assert await second.sha256(other) == (whole, len(data))
        assert not await first.exists("../../etc/passwd") and await first.read_info("nope") is None

    asyncio.run(scenario())
