"""500 scripted visits: memory stays flat and screen changes stay smooth.

    .venv/bin/python bench/visits.py [--visits 500]

Each visit, driven by taps through the real window: attract -> home -> Find information ->
a topic -> a page (with its QR code) -> Back -> Finish (the wipe). Reports resident memory
at visit 50 and at the end (target: growth <= 10 %), and the longest frame drawn while a
screen was changing (target: none over 100 ms).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._display import ensure_display  # noqa: E402


def main() -> None:
    ensure_display()
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=500)
    parser.add_argument("--verbose", action="store_true", help="name each slow frame's screen")
    args = parser.parse_args()

    import psutil

    from kiosk.ui.boot import prepare_kivy

    data = Path(tempfile.mkdtemp(prefix="hubkiosk-bench-"))
    prepare_kivy(data)
    from kivy.base import EventLoop
    from kivy.core.window import Window

    from kiosk.core.config import KioskConfig
    from kiosk.ui.app import KioskApp
    from kiosk.ui.driver import Kiosk

    app = KioskApp(KioskConfig(), data)
    app._run_prepare()
    kiosk = Kiosk(app)
    kiosk.settle()
    process = psutil.Process()
    frames: list[float] = []

    def timed_idle(original=EventLoop.idle):
        start = time.perf_counter()
        original()
        if app.sm.transition.is_active:
            frames.append(time.perf_counter() - start)
            if frames[-1] > 0.1 and "--verbose" in sys.argv:
                print(f"slow frame {1000 * frames[-1]:.0f} ms into {app.sm.current}", flush=True)

    EventLoop.idle = timed_idle
    wipes: list[float] = []

    def timed_wipe(original=app.wipe):
        start = time.perf_counter()
        original()
        wipes.append(time.perf_counter() - start)

    app.wipe = timed_wipe
    pack = app.content
    topics = pack.topics
    rss = {}
    started = time.perf_counter()
    for visit in range(1, args.visits + 1):
        topic = topics[visit % len(topics)]
        kiosk.tap_at(Window.width / 2, Window.height / 2)
        kiosk.until_still()
        kiosk.tap(kiosk.tile("Find information"))
        kiosk.until_still()
        kiosk.tap(kiosk.tile(pack.text("en", topic.id).title))
        kiosk.until_still()
        kiosk.tap(kiosk.tile(pack.text("en", topic.pages[0]).title))
        kiosk.until_still()
        kiosk.tap(kiosk.button("Back"))
        kiosk.until_still()
        kiosk.tap(kiosk.button("Finish"))
        kiosk.until_still()
        if app.sm.current == "feedback":         # asked after a page was read (enrolled kiosks)
            kiosk.tap(kiosk.button("No thanks"))
            kiosk.until_still()
        assert app.sm.current == "attract"
        if visit in (min(50, args.visits), args.visits):
            gc.collect()
            rss[visit] = process.memory_info().rss
        if visit % 50 == 0:
            print(f"visit {visit}: {process.memory_info().rss / 2**20:.1f} MiB", flush=True)
    elapsed = time.perf_counter() - started
    first, last = rss[min(50, args.visits)], rss[args.visits]
    print(f"visits: {args.visits} in {elapsed:.0f} s")
    print(f"RSS at visit 50: {first / 2**20:.1f} MiB, at visit {args.visits}: {last / 2**20:.1f} MiB, "
          f"growth {100 * (last - first) / first:+.1f} %  (target <= 10 %)")
    print(f"frames during screen changes: {len(frames)}, median {1000 * statistics.median(frames):.1f} ms, "
          f"p99 {1000 * sorted(frames)[int(len(frames) * 0.99)]:.1f} ms, max {1000 * max(frames):.1f} ms "
          f"(target: none over 100 ms)")
    if wipes:
        print(f"wipes (Finish to the attract screen, old screens collected): {len(wipes)}, median "
              f"{1000 * statistics.median(wipes):.0f} ms, max {1000 * max(wipes):.0f} ms")
    app.stop()


if __name__ == "__main__":
    main()
