"""Sync command line for installers and IT staff.

    python -m sync status --data DIR         counts by state, oldest unsent, last error, online
    python -m sync push --data DIR           one drain pass; exit 0 only when everything is sent
    python -m sync selftest --data DIR [--count N] [--queue-only]
                                             queue N diagnostic records (sealed like any other)
                                             and, unless --queue-only, send them and report speed
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from pathlib import Path

from sync import SyncError
from sync.client import CentralClient
from sync.device import open_outbox
from sync.payloads import Diagnostic
from sync.store import StorageFailed
from sync.worker import SyncWorker


def _worker(data: Path):
    identity, outbox = open_outbox(data)
    client = CentralClient(identity.central_url, identity.device_token)
    return identity, outbox, SyncWorker(outbox, client, identity.signing_key)


def status(args) -> int:
    identity, outbox, worker = _worker(Path(args.data))
    counts = outbox.counts()
    online = worker.client.healthy()
    print(f"device:         {identity.device_id} ({identity.site})")
    print(f"central:        {identity.central_url} ({'online' if online else 'OFFLINE'})")
    print("records:        " + ", ".join(f"{state} {n}" for state, n in counts.items()))
    print(f"oldest unsent:  {outbox.oldest_unsent() or '-'}")
    print(f"last error:     {outbox.last_error() or '-'}")
    return 0


def push(args) -> int:
    try:
        _identity, outbox, worker = _worker(Path(args.data))
        outbox.wake()
        result = worker.drain_once()
    except StorageFailed as exc:
        print(f"The kiosk's storage refused a write ({exc.__cause__ or exc}); nothing queued was lost. "
              "Free some disk space and run this again.", file=sys.stderr)
        return 1
    waiting = outbox.waiting()
    leased = f" ({result.leased_elsewhere} being sent by another process)" if result.leased_elsewhere else ""
    print(f"sent {result.sent}, dead-lettered {result.dead}, still waiting {waiting}{leased}")
    for error in result.errors[-3:]:
        print(f"error: {error}", file=sys.stderr)
    return 0 if waiting == 0 and not result.paused else 1


def selftest(args) -> int:
    identity, outbox, worker = _worker(Path(args.data))
    run = uuid.uuid4().hex[:8]
    started = time.perf_counter()
    for n in range(args.count):
        outbox.enqueue(Diagnostic(selftest=run, n=n, device=identity.device_id))
    queued = time.perf_counter() - started
    print(f"queued {args.count} diagnostic records in {queued:.2f} s ({args.count / max(queued, 1e-9):.0f}/s)")
    if args.queue_only:
        return 0
    started = time.perf_counter()
    sent = 0
    while True:
        result = worker.drain_once()
        sent += result.sent
        if not result.sent or result.paused:
            break
    elapsed = time.perf_counter() - started
    waiting = outbox.waiting()
    print(f"sent {sent} in {elapsed:.2f} s ({sent / max(elapsed, 1e-9):.0f} records/s); "
          f"waiting {waiting}, dead {outbox.counts()['dead']}")
    return 0 if waiting == 0 else 1


def _count(text: str) -> int:
    n = int(text)
    if not 1 <= n <= 10**6:  # a diagnostic record counts to a million at most (sync/payloads.py)
        raise argparse.ArgumentTypeError("between 1 and 1,000,000")
    return n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sync", description="hubkiosk sync")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("status", "push", "selftest"):
        p = sub.add_parser(name)
        p.add_argument("--data", required=True, help="the kiosk's data folder")
        if name == "selftest":
            p.add_argument("--count", type=_count, default=100, help="1 to 1,000,000 diagnostic records")
            p.add_argument("--queue-only", action="store_true")
    args = parser.parse_args(argv)
    try:
        return {"status": status, "push": push, "selftest": selftest}[args.command](args)
    except SyncError as exc:
        print(exc, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
