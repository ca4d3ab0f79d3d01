"""The live preview's brain: frames in, an outline and one piece of guidance out, and the
moment to take the picture.

    >>> live = LiveScanner()
    >>> step = live.analyse(frame)               # doctest: +SKIP
    >>> step.quad, step.problem, step.progress, step.capture
    (Quad(...), None, 0.6, False)

Each frame is checked cheaply first: if the document is still where it was, the search is
skipped. Auto-capture fires when the document has been found with no problem and has not
moved more than `tolerance` (a share of the frame's diagonal) for `steady_seconds`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from scanner.detect import Quad, find_document
from scanner.quality import Assessment, assess


@dataclass(frozen=True)
class Step:
    quad: Quad | None
    problem: str | None         # a quality problem code, or "hold_still" while moving
    progress: float             # 0..1 towards auto-capture
    capture: bool               # take the picture now
    assessment: Assessment


class LiveScanner:
    def __init__(self, *, steady_seconds: float = 0.8, tolerance: float = 0.012, clock=time.monotonic,
                 work_size: int = 256, auto: bool = True) -> None:
        self.steady_seconds = steady_seconds
        self.tolerance = tolerance
        self.clock = clock
        self.work_size = work_size
        self.auto = auto
        self.reset()

    def reset(self) -> None:
        """Forget the document (after a capture, or when the screen is left)."""
        self._quad: Quad | None = None
        self._steady_since: float | None = None
        self._anchor: np.ndarray | None = None

    def analyse(self, frame: np.ndarray) -> Step:
        h, w = frame.shape[:2]
        quad = find_document(frame, work_size=self.work_size, refine=False, previous=self._quad)
        self._quad = quad
        assessment = assess(frame, quad)
        now = self.clock()
        if quad is None or not assessment.ok:
            self._steady_since, self._anchor = None, None
            return Step(quad, assessment.first_problem, 0.0, False, assessment)
        corners = quad.array()
        moved = (np.abs(corners - self._anchor).max() / np.hypot(w, h)) if self._anchor is not None else 1.0
        if moved > self.tolerance:
            self._steady_since, self._anchor = now, corners
            return Step(quad, "hold_still", 0.0, False, assessment)
        progress = min(1.0, (now - self._steady_since) / self.steady_seconds) if self.steady_seconds else 1.0
        capture = self.auto and progress >= 1.0
        return Step(quad, None, progress, capture, assessment)
