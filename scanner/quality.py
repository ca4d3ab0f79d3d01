"""Is this frame good enough to keep? Checks with reasons a person understands.

    >>> assessment = assess(frame, quad)            # doctest: +SKIP
    >>> assessment.problems
    ('glare',)

Problems, most important first (the screen shows only the first):

- `no_document`  no page or card found;
- `not_in_frame` a corner is outside the picture;
- `too_small`    the document fills too little of the picture (move it closer);
- `too_dark`     the paper is not bright enough to read;
- `glare`        a patch of the document is washed out by a reflection;
- `blurry`       the print is not sharp (moving, or out of focus).

Sharpness is measured as how much a slight extra blur takes away from the fine detail
inside the document, so it does not depend on how much print there is or on contrast.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from scanner.detect import Quad

PROBLEMS = ("no_document", "not_in_frame", "too_small", "too_dark", "glare", "blurry")


@dataclass(frozen=True)
class Assessment:
    quad: Quad | None
    problems: tuple[str, ...]
    fill: float = 0.0
    brightness: float = 0.0
    glare: float = 0.0
    sharpness: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_problem(self) -> str | None:
        return self.problems[0] if self.problems else None


def _document_pixels(image: np.ndarray, quad: Quad, size: int = 400):
    """The document's part of a downscaled grey copy, flattened to a rectangle."""
    points = quad.array()
    sides = np.linalg.norm(points - np.roll(points, -1, axis=0), axis=1)
    width, height = max(sides[0], sides[2]), max(sides[1], sides[3])
    scale = min(1.0, size / max(width, height))
    w, h = max(8, int(width * scale)), max(8, int(height * scale))
    target = np.float32([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]])
    matrix = cv2.getPerspectiveTransform(points, target)
    return cv2.warpPerspective(image, matrix, (w, h), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE)


def _native_patch(image: np.ndarray, quad: Quad, size: int = 320) -> np.ndarray:
    """A grey patch from the middle of the document at the camera's own resolution, where
    blur is measured (a downscaled copy would hide it)."""
    h, w = image.shape[:2]
    points = quad.array()
    cx, cy = points.mean(axis=0)
    half_w = int(min(size, (points[:, 0].max() - points[:, 0].min()) * 0.5) / 2)
    half_h = int(min(size, (points[:, 1].max() - points[:, 1].min()) * 0.5) / 2)
    x0, x1 = max(0, int(cx) - half_w), min(w, int(cx) + half_w)
    y0, y1 = max(0, int(cy) - half_h), min(h, int(cy) + half_h)
    patch = image[y0:max(y1, y0 + 1), x0:max(x1, x0 + 1)]
    return cv2.cvtColor(patch, cv2.COLOR_BGR2GRAY) if patch.ndim == 3 else patch


def sharpness(gray: np.ndarray) -> float:
    """1.0 for print as sharp as a camera gives, falling towards 0 as it blurs; 1.0 for a
    blank page (nothing to judge).

    A crisp edge loses about half its steepness when blurred a little more (sigma 1.5
    against 0.5); an edge that is already blurred hardly changes."""
    gray = gray.astype(np.float32)
    if float((gray - cv2.GaussianBlur(gray, (0, 0), 8)).std()) < 1.5:   # no print, only shading
        return 1.0
    fine = cv2.GaussianBlur(gray, (0, 0), 0.5)
    coarse = cv2.GaussianBlur(gray, (0, 0), 1.5)
    fine_mag = cv2.magnitude(cv2.Sobel(fine, cv2.CV_32F, 1, 0), cv2.Sobel(fine, cv2.CV_32F, 0, 1))
    coarse_mag = cv2.magnitude(cv2.Sobel(coarse, cv2.CV_32F, 1, 0), cv2.Sobel(coarse, cv2.CV_32F, 0, 1))
    strong = coarse_mag >= max(4.0, float(np.percentile(coarse_mag, 95)))
    ratio = float(coarse_mag[strong].mean() / (fine_mag[strong].mean() + 1e-6))
    return float(np.clip((0.9 - ratio) / 0.4, 0.0, 1.0))


def assess(image: np.ndarray, quad: Quad | None, *, min_fill: float = 0.18, min_brightness: float = 90,
           max_glare: float = 0.01, min_sharpness: float = 0.3, margin: float = -0.004) -> Assessment:
    """What stands between this frame and a good scan (see the module docstring).

    `margin` is how far inside the picture corners must be, as a share of its long side;
    slightly negative by default because a live preview's corners are found on a small copy
    and may sit a pixel or two beyond the edge of a page that is only just in view."""
    if quad is None:
        return Assessment(None, ("no_document",))
    h, w = image.shape[:2]
    problems = []
    if not quad.inside(w, h, margin * max(w, h)):
        problems.append("not_in_frame")
    fill = quad.area / (w * h)
    if fill < min_fill:
        problems.append("too_small")
    document = _document_pixels(image, quad)
    gray = cv2.cvtColor(document, cv2.COLOR_BGR2GRAY) if document.ndim == 3 else document
    brightness = float(np.percentile(gray, 90))
    if brightness < min_brightness:
        problems.append("too_dark")
    if document.ndim == 3:
        hsv = cv2.cvtColor(document, cv2.COLOR_BGR2HSV)
        washed = (hsv[:, :, 2] >= 250) & (hsv[:, :, 1] < 40)
    else:
        washed = gray >= 250
    washed = cv2.morphologyEx(washed.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    # paper that is simply bright all over is not glare: a reflection is a washed-out patch
    # on paper that is otherwise darker
    paper = float(np.median(gray))
    glare = float(washed.mean()) if paper < 238 else 0.0
    if glare > max_glare:
        problems.append("glare")
    sharp = sharpness(_native_patch(image, quad))
    if sharp < min_sharpness:
        problems.append("blurry")
    return Assessment(quad, tuple(problems), fill=round(fill, 3), brightness=round(brightness, 1),
                      glare=round(glare, 4), sharpness=round(sharp, 3))
