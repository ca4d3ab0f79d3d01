"""Document detection accuracy and speed on generated camera frames.

    .venv/bin/python bench/detection.py [--frames 300] [--seed 1000] [--show-worst 8 DIR]

Frames come from `scanner.samples.document_photo`: pages and ID cards in perspective on
varied surfaces (wood, cloth, tiles, clutter, pale and dark desks, and the real photographs
scikit-image ships), some held with a hand over an edge, some with a corner just outside
the frame, some blurred, darkened or with glare. Reports the mean IoU with the true corners,
the share of frames with IoU >= 0.9, misses, and the time per frame on one core.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402

from scanner.detect import find_document, quad_iou  # noqa: E402
from scanner.samples import document_photo  # noqa: E402


def textbook(image):
    """The textbook detector, for comparison: Canny, then the largest four-sided contour."""
    h, w = image.shape[:2]
    scale = 500 / max(h, w)
    small = cv2.resize(image, None, fx=scale, fy=scale)
    gray = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), (5, 5), 0)
    edges = cv2.Canny(gray, 75, 200)
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:5]:
        approx = cv2.approxPolyDP(contour, 0.02 * cv2.arcLength(contour, True), True)
        if len(approx) == 4:
            return approx.reshape(4, 2) / scale
    return None


def shots(count: int, seed: int):
    for i in range(count):
        s = seed + i
        # a fifth of the frames carry one of the hard conditions at a time
        extra = {}
        pick = s % 10
        if pick == 1:
            extra["blur"] = 2.0
        elif pick == 2:
            extra["dark"] = 0.45
        elif pick == 3:
            extra["glare"] = 0.5
        size = (1280, 720) if s % 3 else (960, 1280)
        yield document_photo(s, size, **extra)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1000)
    parser.add_argument("--show-worst", nargs=2, metavar=("N", "DIR"))
    parser.add_argument("--textbook", action="store_true", help="also score the textbook detector")
    args = parser.parse_args()
    cv2.setNumThreads(1)
    results, baseline = [], []
    for shot in shots(args.frames, args.seed):
        if args.textbook:
            found = textbook(shot.image)
            baseline.append(quad_iou(found, shot.quad) if found is not None else 0.0)
        started = time.perf_counter()
        quad = find_document(shot.image)
        elapsed = time.perf_counter() - started
        iou = quad_iou(quad.array(), shot.quad) if quad else 0.0
        results.append((iou, elapsed, shot, quad))
    ious = [r[0] for r in results]
    times = sorted(r[1] * 1000 for r in results)
    print(f"frames {len(results)}: mean IoU {statistics.mean(ious):.3f}, "
          f"IoU >= 0.9: {sum(i >= 0.9 for i in ious) / len(ious):.1%}, "
          f"IoU >= 0.95: {sum(i >= 0.95 for i in ious) / len(ious):.1%}, "
          f"none found {sum(r[3] is None for r in results)}")
    for kind in ("page", "card"):
        part = [r[0] for r in results if r[2].kind == kind]
        if part:
            print(f"  {kind}s ({len(part)}): mean IoU {statistics.mean(part):.3f}")
    for key in ("hand", "out_of_frame"):
        part = [r[0] for r in results if r[2].settings[key]]
        if part:
            print(f"  {key} ({len(part)}): mean IoU {statistics.mean(part):.3f}")
    if baseline:
        print(f"  textbook detector (Canny, largest quadrilateral) on the same frames: mean IoU "
              f"{statistics.mean(baseline):.3f}, IoU >= 0.9: {sum(i >= 0.9 for i in baseline) / len(baseline):.1%}")
    print(f"time per frame (full detection with refinement): median {statistics.median(times):.1f} ms, "
          f"p90 {times[int(len(times) * 0.9)]:.1f} ms")
    if args.show_worst:
        count, folder = int(args.show_worst[0]), Path(args.show_worst[1])
        folder.mkdir(parents=True, exist_ok=True)
        for n, (iou, _, shot, quad) in enumerate(sorted(results, key=lambda r: r[0])[:count]):
            image = shot.image.copy()
            cv2.polylines(image, [shot.quad.astype(int)], True, (0, 255, 0), 2)
            if quad:
                cv2.polylines(image, [quad.array().astype(int)], True, (0, 0, 255), 2)
            cv2.putText(image, f"{iou:.2f} {shot.kind} {shot.settings}", (10, 30),
                        cv2.FONT_HERSHEY_SIMPLEX, 0.6, (0, 255, 255), 2)
            cv2.imwrite(str(folder / f"worst{n}.jpg"), image)


if __name__ == "__main__":
    main()
