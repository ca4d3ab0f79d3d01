"""Sync benchmarks against a real central service on loopback.

    .venv/bin/python bench/sync_bench.py [--records 10000] [--attachments 100]

1. Durable enqueue: latency of each `Outbox.enqueue` (synchronous=FULL). Target p99 <= 25 ms.
2. Drain the queued records to central. Target >= 1,000 records/s.
3. Kiosk memory (RSS) before and after the drain. Target growth <= 5 %.
4. Upload N attachments of 2 MB through the outbox (tus, resumable) versus plain HTTP PUTs
   of the same bytes to the same server, each stored as a file the way a careful server
   stores one (written, flushed to disk, renamed into place), as the attachments are. Target >= 50 % of the plain PUT throughput. Also shown: PUTs
   whose bytes central reads and throws away (the network alone, no disk).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402

from sync.client import CentralClient  # noqa: E402
from sync.device import open_outbox  # noqa: E402
from sync.protocol import API  # noqa: E402
from sync.worker import SyncWorker  # noqa: E402
from tests.helpers import feedback, street_report  # noqa: E402
from tests.sync.conftest import Central, enrol  # noqa: E402


def _first_batch(worker):
    """Send one batch only, so memory can be read once the buffers exist."""
    limit = worker.batch_size
    batch = worker.outbox.claim(limit, worker.lease_seconds)
    from sync.worker import PassResult

    result = PassResult()
    worker._send(batch, result)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--attachments", type=int, default=100)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="hubkiosk-syncbench-"))
    # Central as deployed on its own machine: one worker process per core.
    central = Central(tmp / "central", "--workers", "2").start()
    try:
        assert enrol(central, tmp / "kiosk").returncode == 0
        identity, outbox = open_outbox(tmp / "kiosk")
        client = CentralClient(central.url, identity.device_token, timeout=60)
        worker = SyncWorker(outbox, client, identity.signing_key)

        latencies = []
        for n in range(args.records):
            started = time.perf_counter()
            outbox.enqueue(feedback(n, comment="Found what I needed, thank you. " * (n % 3)))
            latencies.append(time.perf_counter() - started)
        latencies.sort()
        print(f"enqueue: {args.records} records, median {1000 * statistics.median(latencies):.2f} ms, "
              f"p99 {1000 * latencies[int(len(latencies) * 0.99)]:.2f} ms (target p99 <= 25 ms)")

        process = psutil.Process()
        worker.heartbeat()  # as a running kiosk has long before a drain: HTTP stack loaded
        gc.collect()
        rss_before = process.memory_info().rss
        rss_warm = None
        started = time.perf_counter()
        sent = 0
        while True:
            result = worker.drain_once() if sent else _first_batch(worker)
            sent += result.sent
            if rss_warm is None:
                gc.collect()
                rss_warm = process.memory_info().rss  # after the first batch: buffers allocated
            if not result.sent:
                break
        elapsed = time.perf_counter() - started
        gc.collect()
        rss_after = process.memory_info().rss
        print(f"drain: {sent} records in {elapsed:.2f} s = {sent / elapsed:.0f} records/s (target >= 1,000)")
        print(f"kiosk RSS: {rss_before / 2**20:.1f} MiB before, {rss_warm / 2**20:.1f} MiB after the first "
              f"batch, {rss_after / 2**20:.1f} MiB after all; growth over the drain after the first batch "
              f"{100 * (rss_after - rss_warm) / rss_warm:+.1f} %, from before it "
              f"{100 * (rss_after - rss_before) / rss_before:+.1f} % (target <= 5 %)")

        blob = bytes(range(256)) * (2 * 2**20 // 256)
        for n in range(args.attachments):
            outbox.enqueue(street_report(n), attachments={"photo.jpg": blob})
        size = sum(p.stat().st_size for p in outbox.attachments_dir.rglob("*") if p.is_file())
        started = time.perf_counter()
        while worker.drain_once().sent:
            pass
        tus_seconds = time.perf_counter() - started
        headers = {"Authorization": f"Bearer {identity.device_token}"}
        rates = {}
        for target in ("store", "sink"):
            started = time.perf_counter()
            for _ in range(args.attachments):
                client.put(f"{central.url}{API}/diagnostics/{target}", data=blob + b"x" * 48, headers=headers,
                           timeout=60).raise_for_status()
            rates[target] = size / (time.perf_counter() - started)
        tus_rate = size / tus_seconds
        print(f"uploads: {args.attachments} x 2 MB through the outbox (tus, {worker.upload_workers} at once) "
              f"{tus_rate / 2**20:.1f} MiB/s; plain PUT stored to disk {rates['store'] / 2**20:.1f} MiB/s = "
              f"{100 * tus_rate / rates['store']:.0f} % (target >= 50 %); plain PUT discarded (network only) "
              f"{rates['sink'] / 2**20:.1f} MiB/s = {100 * tus_rate / rates['sink']:.0f} %")
        assert outbox.counts()["ready"] == 0
    finally:
        central.stop()


if __name__ == "__main__":
    main()
