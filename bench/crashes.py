"""Crash soak: SIGKILL the kiosk many times while it queues and sends, then check nothing
was lost, duplicated or unexpected (the same oracle as tests/sync/test_crashes.py).

    .venv/bin/python bench/crashes.py [--kills 150] [--seed N]
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
    args = parser.parse_args()
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


if __name__ == "__main__":
    main()
