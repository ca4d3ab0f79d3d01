"""Crash soak: SIGKILL the kiosk many times while it queues and sends, then check nothing
was lost, duplicated or unexpected (the same oracle as tests/sync/test_crashes.py).

    .venv/bin/python bench/crashes.py [--kills 150] [--seed N]
    .venv/bin/python bench/crashes.py --central [--kills 200] [--records 3000] [--postgres URL]

With --central it kills central instead, while a kiosk drains records of every kind into it,
and checks every record and every effect (visits, host and activation emails, documents
and their PDFs, reports and their Open311 requests, accounts, follow-ups, feedback) arrived
exactly once (tests/effects.py).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sync.client import CentralClient  # noqa: E402
from sync.device import open_outbox  # noqa: E402
from sync.worker import SyncWorker  # noqa: E402
from tests.sync.conftest import Central, enrol  # noqa: E402
from tests.sync.test_crashes import classify, kill_after, spawn  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=150)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--central", action="store_true", help="kill central, check every effect")
    parser.add_argument("--records", type=int, default=3000, help="with --central: records queued at first")
    parser.add_argument("--postgres", metavar="URL", help="with --central: central on this PostgreSQL server")
    args = parser.parse_args()
    if args.central:
        sys.exit(central_soak(args))
    rng = random.Random(args.seed)
    tmp = Path(tempfile.mkdtemp(prefix="hubkiosk-crash-"))
    central = Central(tmp / "central").start()
    try:
        data = tmp / "kiosk"
        assert enrol(central, data).returncode == 0
        committed: set[str] = set()
        started = time.perf_counter()
        for n in range(args.kills):
            if n % 2 == 0:
                out = kill_after(spawn("enqueue", data, 100_000), rng.uniform(0.25, 0.9))
                committed.update(line.strip() for line in out.splitlines() if len(line.strip()) == 36)
            else:
                kill_after(spawn("drain", data), rng.uniform(0.3, 1.0))
        identity, outbox = open_outbox(data)
        worker = SyncWorker(outbox, CentralClient(central.url, identity.device_token), identity.signing_key)
        time.sleep(0.6)
        for _ in range(50):
            outbox.wake()
            worker.drain_once()
            if outbox.waiting() == 0:
                break
        outcome = classify(data / "kiosk.db", central.data / "central.db", identity.device_id, committed)
        print(f"seed {args.seed}: {args.kills} kills in {time.perf_counter() - started:.0f} s; "
              f"{outcome['committed']} records confirmed before a kill, {outcome['delivered']} delivered; "
              f"lost {len(outcome['lost'])}, duplicated {len(outcome['duplicated'])}, "
              f"unexpected {len(outcome['unexpected'])}")
        sys.exit(1 if outcome["lost"] or outcome["duplicated"] or outcome["unexpected"] else 0)
    finally:
        central.stop()


def central_soak(args) -> int:
    from tests.helpers import fresh_postgres_database
    from tests.sync.central_crashes import run

    url = fresh_postgres_database(args.postgres) if args.postgres else None
    outcome = run(Path(tempfile.mkdtemp(prefix="hubkiosk-central-crash-")), args.records, args.kills, args.seed,
                  url, log=print)
    print(f"seed {args.seed}: central ({'PostgreSQL' if url else 'SQLite'}) killed {outcome.kills} times in "
          f"{outcome.seconds:.0f} s; {outcome.records} records: "
          + ", ".join(f"{kind} {n}" for kind, n in sorted(outcome.kinds.items())))
    for effect, verdict in outcome.verdict.items():
        print(f"  {effect:32s} lost {len(verdict['lost'])}, duplicated {len(verdict['duplicated'])}, "
              f"unexpected {len(verdict['unexpected'])}")
    return 1 if outcome.problems else 0


if __name__ == "__main__":
    main()
