"""The document scanner's live analysis, capture and PDF, on generated camera frames.

    .venv/bin/python bench/scanning.py [--frames 300]

- Live analysis (what the preview runs on every frame: find the document, check quality,
  track steadiness) on 1280x720 frames of a page being brought up, held, moved and taken
  away, on one core. Target: median <= 15 ms.
- The same with no tracking (every frame searched from scratch), for comparison.
- Capture to reviewed page: find the corners precisely, flatten, enhance, turn upright
  (Tesseract), encode: the wait between the picture and the review screen.
- The size of a 3-page PDF, in colour and in black and white. Target: < 400 KB a page.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from kiosk.core.documents.session import process_capture  # noqa: E402
from scanner.detect import find_document  # noqa: E402
from scanner.live import LiveScanner  # noqa: E402
from scanner.pages import make_pdf  # noqa: E402
from scanner.quality import assess  # noqa: E402
from scanner.samples import background, document_photo  # noqa: E402
from bench._stats import percentile  # noqa: E402


def live_frames(count: int) -> list[np.ndarray]:
    """Scenes of about 5 s at 15 frames a second: empty desk, a page slides in, is held
    still (with a little hand shake), then goes; a different page and surface each time."""
    frames: list[np.ndarray] = []
    scene = 0
    while len(frames) < count:
        seed = 3000 + scene
        desk = background(seed, (1280, 720))
        shot = document_photo(seed, (1280, 720), hand=scene % 3 == 0, out_of_frame=False).image
        frames += [desk] * 10
        for i in range(12):   # sliding in
            frames.append(cv2.warpAffine(shot, np.float32([[1, 0, (12 - i) * 25], [0, 1, 0]]), (1280, 720),
                                         borderMode=cv2.BORDER_REFLECT))
        rng = np.random.default_rng(seed)
        for _ in range(45):   # held, with small shakes
            dx, dy = rng.normal(0, 0.7, 2)
            frames.append(cv2.warpAffine(shot, np.float32([[1, 0, dx], [0, 1, dy]]), (1280, 720),
                                         borderMode=cv2.BORDER_REFLECT))
        frames += [desk] * 8
        scene += 1
    return frames[:count]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=300)
    args = parser.parse_args()
    cv2.setNumThreads(1)   # one core, as the kiosk's helper thread gets
    frames = live_frames(args.frames)

    clock = [0.0]
    live = LiveScanner(clock=lambda: clock[0])
    timings, captures = [], 0
    for frame in frames:
        started = time.perf_counter()
        step = live.analyse(frame)
        timings.append((time.perf_counter() - started) * 1000)
        clock[0] += 1 / 15
        if step.capture:
            captures += 1
            live.reset()
    print(f"live analysis, {len(frames)} frames 1280x720, one core: median {statistics.median(timings):.1f} ms, "
          f"p90 {percentile(timings, 0.9):.1f} ms, max {max(timings):.1f} ms ({captures} auto-captures)")
    searches = []
    for frame in frames[::3]:
        started = time.perf_counter()
        assess(frame, find_document(frame, work_size=256, refine=False))
        searches.append((time.perf_counter() - started) * 1000)
    print(f"  every frame searched afresh (no tracking): median {statistics.median(searches):.1f} ms, "
          f"p90 {percentile(searches, 0.9):.1f} ms")

    shots = [document_photo(seed, (1280, 720), kind="page", hand=False, out_of_frame=False) for seed in (3, 8, 11)]
    made = {}
    for mode in ("colour", "grey"):
        waits, pages = [], []
        for shot in shots * 2:
            started = time.perf_counter()
            page = process_capture(shot.image, mode=mode)
            waits.append(time.perf_counter() - started)
            pages.append(page)
        made[mode] = pages[:3]
        print(f"capture to reviewed page ({mode}): median {statistics.median(waits):.2f} s, "
              f"max {max(waits):.2f} s")
    for mode, pages in made.items():
        pdf = make_pdf([p.image() for p in pages], [p.fmt.dpi for p in pages])
        import pikepdf

        doc = pikepdf.Pdf.open(io.BytesIO(pdf))
        sizes = [len(img.read_raw_bytes()) for page in doc.pages for img in page.get_images().values()]
        print(f"3-page PDF ({mode}, A4 at 200 dpi): {len(pdf) / 1024:.0f} KB, pages "
              + ", ".join(f"{s / 1024:.0f}" for s in sizes) + " KB")


if __name__ == "__main__":
    main()
