"""Host search as a visitor types, over a 5,000-person staff directory.

    .venv/bin/python bench/host_search.py [--people 5000] [--visitors 300]

For each simulated visitor, a host is picked and their name typed one letter at a time
(first name, a space, then surname); every keystroke runs the search the host screen runs.
Target: <= 30 ms per keystroke. Also reports how many letters visitors type before their host
is among the four rows the screen shows.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from central.demo import hosts  # noqa: E402
from kiosk.core.visitors.directory import HostDirectory  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--visitors", type=int, default=300)
    args = parser.parse_args()
    started = time.perf_counter()
    directory = HostDirectory.from_reference({"hosts": hosts(args.people)})
    build = time.perf_counter() - started
    rng = random.Random(3)
    timings, letters_needed, typed = [], [], 0
    for _ in range(args.visitors):
        host = rng.choice(directory.hosts)
        first, last = host.name.split(" ", 1)
        # Most visitors start with the surname (and add the first name if it is a common
        # one); some type the first name first.
        text = f"{last} {first}" if rng.random() < 0.7 else f"{first} {last}"
        needed = None
        for n in range(1, len(text) + 1):
            started = time.perf_counter()
            shown = directory.search(text[:n], limit=6)[:4]
            timings.append(time.perf_counter() - started)
            typed += 1
            if needed is None and any(h.name == host.name for h in shown):  # namesakes: the department tells
                needed = n
        letters_needed.append(needed)
    timings.sort()
    ms = [t * 1000 for t in timings]
    print(f"directory of {len(directory)} built in {build * 1000:.0f} ms")
    print(f"{typed} keystrokes: median {statistics.median(ms):.2f} ms, p99 {ms[int(len(ms) * 0.99)]:.2f} ms, "
          f"max {ms[-1]:.2f} ms (target <= 30 ms)")
    never = letters_needed.count(None)
    letters_needed = sorted(n for n in letters_needed if n is not None)
    print(f"letters typed before the host shows among the four rows: median {statistics.median(letters_needed):.0f}, "
          f"90th percentile {letters_needed[int(len(letters_needed) * 0.9)]}" + (f", never: {never}" if never else ""))


if __name__ == "__main__":
    main()
