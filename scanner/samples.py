"""Synthetic camera images for demos and tests: codes as a camera sees them.

    >>> frame = code_photo("HKV1:7KQ2M9")        # a QR code on paper, held at an angle
    >>> blank = empty_scene()                     # the camera with nothing held up
"""

from __future__ import annotations

import io

import cv2
import numpy as np
import segno


def empty_scene(seed: int = 1, size: tuple[int, int] = (1280, 720)) -> np.ndarray:
    """A textured, unevenly lit background (BGR)."""
    w, h = size
    rng = np.random.default_rng(seed)
    scene = rng.normal(120, 25, (h, w, 3)).clip(0, 255).astype(np.uint8)
    scene = cv2.GaussianBlur(scene, (0, 0), 3)
    light = np.linspace(0.7, 1.15, w)[None, :, None]
    return (scene * light).clip(0, 255).astype(np.uint8)


def code_photo(text: str, seed: int = 1, size: tuple[int, int] = (1280, 720)) -> np.ndarray:
    """`text` as a QR code printed on paper, held at an angle in front of the camera,
    slightly blurred (BGR)."""
    buf = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buf, kind="png", scale=12, border=4)
    code = cv2.imdecode(np.frombuffer(buf.getvalue(), np.uint8), cv2.IMREAD_COLOR)
    h, w = code.shape[:2]
    scene = empty_scene(seed, size)
    sx, sy = size[0] / 1280, size[1] / 720
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[430 * sx, 150 * sy], [860 * sx, 185 * sy], [835 * sx, 600 * sy], [410 * sx, 570 * sy]])
    matrix = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(code, matrix, size)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), matrix, size)
    scene[mask > 0] = warped[mask > 0]
    return cv2.GaussianBlur(scene, (0, 0), 1.1)
