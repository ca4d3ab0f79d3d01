"""A kiosk process for the crash tests, meant to be killed with SIGKILL at any moment.

    python crash_child.py enqueue DATA N    queue N records; print each id once committed
    python crash_child.py drain DATA        send everything due, in small batches, forever
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sync.client import CentralClient  # noqa: E402
from sync.device import open_outbox  # noqa: E402
from sync.worker import SyncWorker  # noqa: E402
from tests.helpers import feedback  # noqa: E402


def main() -> None:
    mode, data = sys.argv[1], Path(sys.argv[2])
    identity, outbox = open_outbox(data)
    print("ready", flush=True)  # the parent's kill timer starts here, not at process start
    if mode == "enqueue":
        for n in range(int(sys.argv[3])):
            record_id = outbox.enqueue(feedback(n, comment="x" * (n % 50)),
                                       attachments={"a.bin": b"y" * 100} if n % 7 == 0 else None)
            print(record_id, flush=True)  # printed only after the commit: the kiosk said "Saved"
    else:
        client = CentralClient(identity.central_url, identity.device_token, timeout=5)
        worker = SyncWorker(outbox, client, identity.signing_key, batch_size=7, lease_seconds=0.5)
        while True:
            outbox.wake()
            worker.drain_once()
            time.sleep(0.01)


if __name__ == "__main__":
    main()
