"""A kiosk whose storage is full: queueing fails with the outbox's own error and a kind
message, the status line tells staff, and nothing already queued is touched."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from datetime import datetime, timezone

import pytest

from kiosk.core.paths import ROOT
from sync import payloads
from sync.crypto import CouncilKeys
from sync.outbox import Outbox, StorageFailed, new_id
from sync.store import open_db
from tests.helpers import feedback, street_report

from .conftest import enrol


def sign_out_all(n: int) -> payloads.VisitorSignOutAll:
    return payloads.VisitorSignOutAll(visit_ids=[new_id() for _ in range(n)], how="staff",
                                      signed_out_at=datetime.now(timezone.utc))


def fill(db) -> None:
    """Fill the database up to a page cap on this connection: every later write is refused
    with SQLITE_FULL, as on a full card."""
    db.execute("CREATE TABLE IF NOT EXISTS ballast (b BLOB)")
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages + 2}")
    for size in (4000, 200, 10, 1):
        try:
            while True:
                db.execute("INSERT INTO ballast VALUES (randomblob(?))", [size])
        except sqlite3.OperationalError as exc:
            assert "full" in str(exc)
    db.execute(f"PRAGMA max_page_count = {db.execute('PRAGMA page_count').fetchone()[0]}")


@pytest.fixture
def outbox(tmp_path):
    keys = CouncilKeys.generate()
    return Outbox(open_db(tmp_path / "kiosk.db"), tmp_path / "attachments", keys.public_b64)


def test_a_full_database_refuses_kindly_and_keeps_the_queue(outbox):
    queued = [outbox.enqueue(feedback(stars=n + 1)) for n in range(3)]
    fill(outbox.db)
    with pytest.raises(StorageFailed) as refused:
        outbox.enqueue(sign_out_all(150),  # bigger than a page: it needs a new one
                       attachments={"signature.png": b"\x89PNG" + b"s" * 3000})
    assert isinstance(refused.value.__cause__, sqlite3.OperationalError)
    assert "full" in outbox.storage_error
    assert not any(outbox.attachments_dir.iterdir())  # the signature file went with the failed record
    assert outbox.counts()["ready"] == 3 and [r.id for r in outbox.claim(10)] == queued
    assert outbox.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    outbox.db.execute("DROP TABLE ballast")
    outbox.enqueue(feedback(stars=5))
    assert outbox.storage_error is None


@contextmanager
def small_disk(folder, size="2m"):
    """A real, tiny file system (tmpfs) at `folder`, for as long as the block runs."""
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small file system here (needs root)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill_disk(folder) -> None:
    with open(folder / "ballast", "wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError:
            pass
    try:
        os.sync()
    except OSError:
        pass


def test_a_full_file_system_refuses_attachments_and_keeps_the_queue(tmp_path, outbox):
    with small_disk(tmp_path / "small") as disk:
        box = Outbox(outbox.db, disk / "attachments", outbox.council_public_b64)
        box.enqueue(feedback(stars=4))
        with pytest.raises(StorageFailed) as refused:
            box.enqueue(street_report(), attachments={"documents.pdf": os.urandom(3 * 2**20)})
        assert isinstance(refused.value.__cause__, OSError)
        assert not any((disk / "attachments").iterdir())
        assert box.counts()["ready"] == 1


def test_sync_push_on_a_full_disk_says_so_and_loses_nothing(central, tmp_path):
    with small_disk(tmp_path / "small", "8m") as disk:
        data = disk / "kiosk"
        assert enrol(central, data).returncode == 0
        from sync.device import open_outbox

        _identity, box = open_outbox(data)
        for n in range(5):
            box.enqueue(feedback(n))
        box.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        box.close()
        fill_disk(disk)
        pushed = subprocess.run([sys.executable, "-m", "sync", "push", "--data", str(data)], cwd=ROOT,
                                capture_output=True, text=True, timeout=60)
        assert "Traceback" not in pushed.stderr, pushed.stderr
        if pushed.returncode == 0:  # the write fitted after all: everything went
            assert "still waiting 0" in pushed.stdout
        else:
            assert "storage refused" in pushed.stderr and "nothing queued was lost" in pushed.stderr
        (disk / "ballast").unlink()
        _identity, box = open_outbox(data)
        assert box.counts()["ready"] + box.counts()["acked"] == 5
        assert box.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
