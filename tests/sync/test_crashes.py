"""Kill the kiosk with SIGKILL while it queues and while it sends, and kill central too.

Afterwards every record the kiosk ever committed is classified against central's database:
lost (committed, never delivered), duplicated (delivered twice), unexpected (at central but
never queued) or delivered. The first three must be empty.
"""

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sync.client import CentralClient
from sync.device import open_outbox
from sync.worker import SyncWorker

from .conftest import Central, enrol

CHILD = Path(__file__).with_name("crash_child.py")
KILLS = 20  # per phase: the suite's share; bench/crashes.py runs well over 200 kills


def spawn(*args):
    """Start a kiosk process and wait until it is ready to work: kill timers start then, so
    a slow start-up on a busy machine does not eat them."""
    proc = subprocess.Popen([sys.executable, str(CHILD), *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc


def kill_after(proc, seconds):
    time.sleep(seconds)
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate()
    return out


def classify(kiosk_db: Path, central_db: Path, device_id: str, committed: set[str]) -> dict:
    queued = {r[0]: r[1] for r in sqlite3.connect(kiosk_db).execute("SELECT id, payload_sha256 FROM outbox")}
    conn = sqlite3.connect(central_db)
    rows = conn.execute("SELECT id, payload_sha256 FROM records WHERE device_id = ?", [device_id]).fetchall()
    at_central = {}
    duplicated = set()
    for rid, sha in rows:
        if rid in at_central:
            duplicated.add(rid)
        at_central[rid] = sha
    return {
        "lost": {i for i in committed if i not in at_central} | {i for i in queued if i not in at_central},
        "duplicated": duplicated,
        "unexpected": {i for i in at_central if i not in queued or queued[i] != at_central[i]},
        "delivered": len(set(at_central) & set(queued)),
        "committed": len(committed),
    }


@pytest.fixture
def own_central(tmp_path):
    server = Central(tmp_path / "central").start()
    yield server
    server.stop()


def test_sigkill_during_enqueue_and_send_loses_and_duplicates_nothing(own_central, tmp_path):
    rng = random.Random(20261122)
    data = tmp_path / "kiosk"
    assert enrol(own_central, data).returncode == 0
    committed: set[str] = set()
    for _ in range(KILLS):  # killed while queueing
        out = kill_after(spawn("enqueue", data, 10_000), rng.uniform(0.25, 0.9))
        committed.update(line.strip() for line in out.splitlines() if len(line.strip()) == 36)
    for n in range(KILLS):  # killed while sending, with more being queued in between
        if n % 10 == 0:
            out = kill_after(spawn("enqueue", data, 10_000), rng.uniform(0.3, 0.6))
            committed.update(line.strip() for line in out.splitlines() if len(line.strip()) == 36)
        kill_after(spawn("drain", data), rng.uniform(0.3, 0.9))
    # Central is killed mid-request too, then restarted on the same data.
    drain = spawn("drain", data)
    time.sleep(0.8)
    own_central.proc.send_signal(signal.SIGKILL)
    own_central.proc.wait()
    time.sleep(0.3)
    kill_after(drain, 0.1)
    own_central.start_on_same_port()
    # A clean final drain, as the kiosk would do once things are calm again.
    identity, outbox = open_outbox(data)
    worker = SyncWorker(outbox, CentralClient(own_central.url, identity.device_token), identity.signing_key)
    time.sleep(0.6)  # leases of the killed senders lapse
    outbox.wake()
    for _ in range(20):
        outbox.wake()
        if worker.drain_once().all_sent and outbox.waiting() == 0:
            break
    outcome = classify(data / "kiosk.db", own_central.data / "central.db", identity.device_id, committed)
    assert outcome["committed"] > 200
    assert (outcome["lost"], outcome["duplicated"], outcome["unexpected"]) == (set(), set(), set())
    assert outcome["delivered"] == outbox.counts()["acked"]
    assert outbox.sweep_orphans() >= 0 and not any(
        p for p in (data / "attachments").iterdir() if p.name not in {r[0] for r in outbox.db.execute(
            "SELECT id FROM outbox WHERE state IN ('ready', 'sending')").fetchall()})


def test_killing_central_mid_batch_loses_and_repeats_no_effect(tmp_path):
    """Every record kind, central killed 6 times while it stores batches: every visit,
    email, document, report (and its Open311 request), account, follow-up and answer is
    there exactly once. bench/crashes.py --central runs the same for hundreds of kills."""
    from .central_crashes import run

    outcome = run(tmp_path, records=160, kills=6, seed=20261201)
    assert outcome.records >= 160
    assert outcome.problems == {}, outcome.problems


@pytest.mark.skipif(not os.environ.get("HUBKIOSK_TEST_POSTGRES_URL"), reason="no PostgreSQL server")
def test_killing_central_on_postgresql_loses_and_repeats_no_effect(tmp_path):
    from tests.helpers import fresh_postgres_database

    from .central_crashes import run

    url = fresh_postgres_database(os.environ["HUBKIOSK_TEST_POSTGRES_URL"])
    outcome = run(tmp_path, records=60, kills=3, seed=20261202, database_url=url)
    assert outcome.problems == {}, outcome.problems
