"""Kill central with SIGKILL again and again while a kiosk drains records of every kind into
it, then check every record *and every effect* arrived exactly once (tests/effects.py).

Shared by tests/sync/test_crashes.py (a share of the kills) and bench/crashes.py (hundreds).
"""

from __future__ import annotations

import random
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from central import db as tables
from sync.client import CentralClient
from sync.device import open_outbox
from sync.worker import SyncWorker
from tests import effects
from tests.open311_server import Open311Server
from tests.sync.conftest import Central, enrol

SITE = "Riverside Civic Centre"


@dataclass
class Outcome:
    kills: int
    records: int
    seconds: float
    verdict: dict
    kinds: dict

    @property
    def problems(self) -> dict:
        return effects.problems(self.verdict)


def run(root: Path, records: int, kills: int, seed: int, database_url: str | None = None,
        log=lambda *_: None) -> Outcome:
    rng = random.Random(seed)
    backoffice = Open311Server().start()
    data = root / "central"
    data.mkdir(parents=True)
    extra = ("--database-url", database_url) if database_url else ()
    central = Central(data, *extra)
    central.env.update(
        HUBKIOSK_OPEN311_URL=backoffice.url, HUBKIOSK_OPEN311_KEY=backoffice.api_key,
        HUBKIOSK_OPEN311_JURISDICTION=backoffice.jurisdiction, HUBKIOSK_OPEN311_POLL="0.1",
        HUBKIOSK_OPEN311_TIMEOUT="2", HUBKIOSK_OPEN311_BACKOFF="0.2", HUBKIOSK_OPEN311_ATTEMPTS="30")
    effects.prepare_central(data, SITE, appointments=records * 3 + 100, database_url=database_url)
    central.start()
    started = time.perf_counter()
    try:
        assert enrol(central, root / "kiosk", site=SITE).returncode == 0
        identity, outbox = open_outbox(root / "kiosk")
        workload = effects.Workload(SITE, random.Random(seed))
        for _ in range(records):
            workload.queue(outbox)
        client = CentralClient(identity.central_url, identity.device_token, timeout=5)
        worker = SyncWorker(outbox.reopen(), client, identity.signing_key, batch_size=25, lease_seconds=1,
                            upload_workers=2)
        stop = threading.Event()

        def drain() -> None:
            while not stop.is_set():
                try:
                    worker.outbox.wake()
                    worker.drain_once()
                except Exception:  # noqa: BLE001 - central is being killed under it
                    pass
                time.sleep(0.02)

        drainer = threading.Thread(target=drain, daemon=True)
        drainer.start()
        for n in range(kills):
            time.sleep(rng.uniform(0.05, 0.6))  # somewhere in the middle of a batch, or between
            central.proc.send_signal(signal.SIGKILL)
            central.proc.wait()
            central.start_on_same_port()
            if n % 10 == 0:
                log(f"  {n} kills, {outbox.waiting()} records still waiting")
            if outbox.waiting() == 0:  # everything went before the kills ran out: queue more
                for _ in range(max(10, records // 10)):
                    workload.queue(outbox)
        deadline = time.monotonic() + 120
        while outbox.waiting() and time.monotonic() < deadline:
            time.sleep(0.2)
        stop.set()
        drainer.join(30)
        worker.close()
        engine = tables.make_engine(database_url or tables.sqlite_url(data))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # Open311 forwarding goes on after the records are in
            verdict = effects.check(engine, data / "files", workload, backoffice)
            if not verdict["report forwarded over Open311"]["lost"]:
                break
            time.sleep(0.5)
        engine.dispose()
        kinds: dict[str, int] = {}
        for kind, _payload, _files in workload.queued.values():
            kinds[kind] = kinds.get(kind, 0) + 1
        return Outcome(kills, len(workload.queued), time.perf_counter() - started, verdict, kinds)
    finally:
        central.stop()
        backoffice.stop()
