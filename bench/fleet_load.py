"""A borough's morning: many kiosks, each with its own outbox, drain into one central at once.

    .venv/bin/python bench/fleet_load.py [--kiosks 200] [--records 50] [--workers 2] [--postgres URL]

Central runs as `python -m central serve --workers N` on loopback (SQLite in a temporary
folder, or a fresh database on the PostgreSQL server given). Each simulated kiosk has its
own device database and sealed outbox, queues `--records` records of every kind before the
clock starts (check-ins with host emails, documents, reports, signups, feedback...,
attachments left out: uploads are measured by bench/sync_bench.py), then all kiosks drain
at once, each on its own thread with its own HTTP session, in batches of 100 as kiosks do.

Reported: aggregate records per second, batch latency (median, p95, p99), and every
record's fate at central (lost, duplicated: both must be 0). The kiosks share this
process, so on a 2-core machine they compete with central for the CPU: the figures are a
floor for central on a machine of its own.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from central import db as tables  # noqa: E402
from central.app import create_code  # noqa: E402
from sync.client import CentralClient  # noqa: E402
from sync.device import DeviceIdentity  # noqa: E402
from sync.outbox import Outbox  # noqa: E402
from sync.protocol import API  # noqa: E402
from sync.store import open_db  # noqa: E402
from sync.worker import SyncWorker  # noqa: E402
from tests import effects  # noqa: E402
from tests.helpers import fresh_postgres_database  # noqa: E402
from tests.sync.conftest import Central  # noqa: E402
from bench._stats import percentile  # noqa: E402

KINDS = ("visitor-checkin", "appointment-arrival", "document-scan", "street-report", "account-signup",
         "signup-follow-up", "feedback")


class TimedClient(CentralClient):
    """A kiosk's client that notes how long each batch took central to answer."""

    latencies: list[float] = []
    lock = threading.Lock()

    def submit(self, batch):
        started = time.perf_counter()
        try:
            return super().submit(batch)
        finally:
            with self.lock:
                TimedClient.latencies.append(time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kiosks", type=int, default=200)
    parser.add_argument("--records", type=int, default=50, help="records per kiosk")
    parser.add_argument("--workers", type=int, default=2, help="central worker processes")
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server to run central on")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="hubkiosk-fleet-"))
    data = root / "central"
    data.mkdir()
    url = fresh_postgres_database(args.postgres) if args.postgres else None
    site = "Riverside Civic Centre"
    effects.prepare_central(data, site, appointments=args.kiosks * args.records + 10, database_url=url)
    central = Central(data, "--workers", str(args.workers), *(("--database-url", url) if url else ()))
    central.start()
    engine = tables.make_engine(url or tables.sqlite_url(data))
    try:
        print(f"central: {args.workers} workers on {'PostgreSQL' if url else 'SQLite'}; "
              f"{args.kiosks} kiosks x {args.records} records")
        workers, queued = [], {}
        rng = random.Random(7)
        workload = effects.Workload(site, rng, attachments=False)  # uploads: bench/sync_bench.py
        for n in range(args.kiosks):
            code = create_code(engine, site)
            body = requests.post(f"{central.url}{API}/enrol", timeout=30, json={
                "code": code, "device_name": f"kiosk-{n}", "app_version": "bench"}).json()
            identity = DeviceIdentity(body["device_id"], body["device_token"], central.url, body["site"],
                                      body["council_public_key"], body["signing_key"])
            outbox = Outbox(open_db(root / f"kiosk-{n}.db"), root / f"attachments-{n}", identity.council_public_key)
            for _ in range(args.records):
                kind = rng.choice(KINDS)
                queued[workload.queue(outbox, kind)] = identity.device_id
            workers.append(SyncWorker(outbox, TimedClient(central.url, identity.device_token, timeout=120),
                                      identity.signing_key, batch_size=100, upload_workers=1))
        total = len(queued)
        print(f"queued {total} records on {args.kiosks} kiosks; draining all at once")
        start = threading.Barrier(len(workers) + 1)

        def drain(worker: SyncWorker) -> None:
            start.wait()
            for _ in range(20):
                worker.outbox.wake()
                worker.drain_once()
                if worker.outbox.counts()["ready"] + worker.outbox.counts()["sending"] == 0:
                    break

        threads = [threading.Thread(target=drain, args=(w,)) for w in workers]
        for thread in threads:
            thread.start()
        start.wait()
        began = time.perf_counter()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
        acked = sum(w.outbox.counts()["acked"] for w in workers)
        with engine.connect() as conn:
            rows = dict(conn.execute(select(tables.records.c.id, func.count()).group_by(tables.records.c.id)).all())
        lost = sum(1 for i in queued if i not in rows)
        duplicated = sum(1 for n in rows.values() if n > 1)
        lat = TimedClient.latencies
        print(f"{acked}/{total} records acked in {elapsed:.1f} s: {total / elapsed:.0f} records/s")
        print(f"batches: {len(lat)}, latency median {statistics.median(lat) * 1000:.0f} ms, "
              f"p95 {percentile(lat, 0.95) * 1000:.0f} ms, p99 {percentile(lat, 0.99) * 1000:.0f} ms")
        print(f"records: lost {lost}, duplicated {duplicated}")
        verdict = effects.check(engine, data / "files", workload)
        wrong = effects.problems(verdict)
        print(f"effects: {len(verdict)} kinds of effect checked, "
              + (f"problems {wrong}" if wrong else "each exactly once"))
        return 1 if lost or duplicated or wrong or acked != total else 0
    finally:
        central.stop()
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
