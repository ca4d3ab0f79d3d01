"""A Hypothesis state machine: queue, claim, crash, restart, deliver and lose responses in
any order, against the real central on loopback; nothing is ever lost or duplicated."""

import itertools
import sqlite3

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from sync.client import CentralClient
from sync.device import DeviceIdentity
from sync.outbox import Outbox
from sync.protocol import SubmissionBatch
from sync.store import open_db
from sync.worker import SyncWorker, to_wire

from .conftest import enrol
from tests.helpers import feedback


@pytest.fixture(scope="module")
def enrolled(central, tmp_path_factory):
    data = tmp_path_factory.mktemp("model-kiosk")
    assert enrol(central, data).returncode == 0
    return central, DeviceIdentity.load(data), tmp_path_factory.mktemp("model-runs")


def test_outbox_state_machine(enrolled):
    central, identity, runs = enrolled
    counter = itertools.count()

    class OutboxMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.folder = runs / f"run-{next(counter)}"
            self.now = 1_000_000.0
            self.committed: set[str] = set()
            self.open()

        def clock(self):
            return self.now

        def open(self):
            """Start (or restart after a crash) the kiosk process: new connection, same files."""
            self.outbox = Outbox(open_db(self.folder / "kiosk.db"), self.folder / "attachments",
                                 identity.council_public_key, clock=self.clock)
            self.client = CentralClient(central.url, identity.device_token, timeout=10)
            self.worker = SyncWorker(self.outbox, self.client, identity.signing_key, batch_size=4,
                                     lease_seconds=30)

        def at_central(self) -> set[str]:
            if not self.committed:
                return set()
            conn = sqlite3.connect(central.data / "central.db")
            marks = ",".join("?" * len(self.committed))
            return {r[0] for r in conn.execute(f"SELECT id FROM records WHERE id IN ({marks})",
                                               list(self.committed))}

        @rule(n=st.integers(1, 5), with_file=st.booleans())
        def enqueue(self, n, with_file):
            for i in range(n):
                files = {"f.bin": b"z" * 10} if with_file else None
                self.committed.add(self.outbox.enqueue(feedback(i), attachments=files))

        @rule()
        def deliver(self):
            self.worker.drain_once()

        @rule(k=st.integers(1, 4))
        def crash_after_claim(self, k):
            """A sender claims records and dies before it sends them."""
            self.outbox.claim(k, lease_seconds=30)
            self.open()

        @rule(k=st.integers(1, 4))
        def response_lost(self, k):
            """Central commits the batch but the answer never arrives; then the sender dies."""
            batch = self.outbox.claim(k, lease_seconds=30)
            if batch:
                self.client.submit(SubmissionBatch(records=[to_wire(i) for i in batch]))
            self.open()

        @rule()
        def restart(self):
            self.open()

        @rule(seconds=st.sampled_from([1, 31, 120, 1000]))
        def time_passes(self, seconds):
            self.now += seconds

        @invariant()
        def nothing_unexpected(self):
            at_central = self.at_central()
            assert at_central <= self.committed
            acked = {r[0] for r in self.outbox.db.execute("SELECT id FROM outbox WHERE state = 'acked'")}
            assert acked <= at_central  # never acked without central having it

        def teardown(self):
            self.now += 10_000  # every lease and backoff has run out
            for _ in range(10):
                self.outbox.wake()
                self.worker.drain_once()
            assert self.at_central() == self.committed  # nothing lost
            assert self.outbox.counts()["acked"] == len(self.committed)
            assert self.outbox.counts()["dead"] == 0

    OutboxMachine.TestCase.settings = settings(
        max_examples=20, stateful_step_count=25, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    OutboxMachine.TestCase().runTest()
