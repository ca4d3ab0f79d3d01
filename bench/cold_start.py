"""Cold start: from launching the kiosk to an attract screen that takes touches.

    .venv/bin/python bench/cold_start.py [--runs 5]

Each run starts `python -m kiosk` as a new process with a fresh data folder and waits for
the file it writes once the attract screen has been drawn and input is live. Target:
median <= 2.5 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._display import ensure_display  # noqa: E402


def one_run(root: Path) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        ready = Path(tmp) / "ready"
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "kiosk", "--data", str(Path(tmp) / "data"),
                                 "--ready-file", str(ready)], cwd=root,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while not ready.exists():
                if proc.poll() is not None:
                    raise RuntimeError("the kiosk exited before it was ready")
                if time.perf_counter() - started > 60:
                    raise RuntimeError("not ready after 60 s")
                time.sleep(0.005)
            return time.perf_counter() - started
        finally:
            proc.terminate()
            proc.wait(10)


def main() -> None:
    ensure_display()
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    root = Path(__file__).resolve().parents[1]
    one_run(root)  # warm the OS file cache, as a kiosk that has booted before would be
    times = [one_run(root) for _ in range(args.runs)]
    print("cold start (s):", " ".join(f"{t:.2f}" for t in times))
    print(f"median {statistics.median(times):.2f} s  (target <= 2.5 s)")


if __name__ == "__main__":
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    main()
