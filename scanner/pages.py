"""From a photo and four corners to a clean, upright page, and pages to a PDF.

    >>> page = flatten(photo, quad)                 # doctest: +SKIP
    >>> page = enhance(page, "colour")              # or "grey"
    >>> page, turned = upright(page)                # 0, 90, 180 or 270 degrees
    >>> pdf = make_pdf([page, page2], dpi=page_dpi(page))

Output sizes: a page whose shape is near A4 becomes A4 at 200 dpi (1654 x 2339), a card
near the ID-1 shape (driving licence, bank card) becomes 85.6 x 54 mm at 300 dpi, anything
else keeps its shape with its long side as long as A4's. Pages in the PDF are JPEG, grey
pages with one channel, each squeezed under `max_page_bytes` (400 KB) by stepping the JPEG
quality down.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import dataclass

import cv2
import img2pdf
import numpy as np

from scanner import ScannerError
from scanner.detect import Quad

A4_MM = (210.0, 297.0)
CARD_MM = (53.98, 85.6)
PAGE_DPI = 200
CARD_DPI = 300


@dataclass(frozen=True)
class Format:
    name: str            # "a4", "card" or "other"
    size: tuple[int, int]  # output pixels (width, height)
    dpi: int


def _px(mm: float, dpi: int) -> int:
    return int(round(mm / 25.4 * dpi))


def page_format(quad: Quad) -> Format:
    """The paper the quad most likely shows, from the lengths of its sides."""
    p = quad.array()
    width = (np.linalg.norm(p[1] - p[0]) + np.linalg.norm(p[2] - p[3])) / 2
    height = (np.linalg.norm(p[3] - p[0]) + np.linalg.norm(p[2] - p[1])) / 2
    landscape = width > height
    ratio = min(width, height) / max(width, height)
    a4_ratio, card_ratio = A4_MM[0] / A4_MM[1], CARD_MM[0] / CARD_MM[1]
    off_a4, off_card = abs(ratio - a4_ratio) / a4_ratio, abs(ratio - card_ratio) / card_ratio
    if off_a4 < 0.12 and off_a4 <= off_card:
        short, long_, dpi, name = _px(A4_MM[0], PAGE_DPI), _px(A4_MM[1], PAGE_DPI), PAGE_DPI, "a4"
    elif off_card < 0.12:
        short, long_, dpi, name = _px(CARD_MM[0], CARD_DPI), _px(CARD_MM[1], CARD_DPI), CARD_DPI, "card"
    else:
        long_ = _px(A4_MM[1], PAGE_DPI)
        short, dpi, name = int(round(long_ * ratio)), PAGE_DPI, "other"
    size = (long_, short) if landscape else (short, long_)
    return Format(name, size, dpi)


def flatten(image: np.ndarray, quad: Quad, fmt: Format | None = None) -> np.ndarray:
    """The document seen straight on, at its format's size (perspective corrected)."""
    fmt = fmt or page_format(quad)
    w, h = fmt.size
    # a hair inside the found edge, so no sliver of the desk shows along the sides
    inset = 0.003 * max(w, h)
    target = np.float32([[-inset, -inset], [w - 1 + inset, -inset], [w - 1 + inset, h - 1 + inset],
                         [-inset, h - 1 + inset]])
    matrix = cv2.getPerspectiveTransform(quad.array(), target)
    return cv2.warpPerspective(image, matrix, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)


def _background(gray_or_colour: np.ndarray) -> np.ndarray:
    """The paper's own brightness at each point, with the print closed away."""
    h, w = gray_or_colour.shape[:2]
    small = cv2.resize(gray_or_colour, (max(1, w // 8), max(1, h // 8)), interpolation=cv2.INTER_AREA)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (9, 9))
    small = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel)
    small = cv2.medianBlur(small, 5)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def enhance(page: np.ndarray, mode: str = "colour", kind: str = "a4") -> np.ndarray:
    """A cleaner page: shading and the colour cast of the room's light taken out, the paper
    made white and the print dark. `mode` "grey" returns one channel. Cards (`kind`
    "card") keep their printed colours: only the contrast is stretched."""
    if mode not in ("colour", "grey"):
        raise ValueError(f"unknown mode {mode!r}")
    source = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY) if mode == "grey" and page.ndim == 3 else page
    if kind == "card":
        low, high = np.percentile(source, (1, 99))
        scale = 255.0 / max(1.0, high - low)
        return np.clip((source.astype(np.float32) - low) * scale, 0, 255).astype(np.uint8)
    background = _background(source).astype(np.float32)
    # paper a little under its own brightness becomes white: the grain of the paper and the
    # camera's noise would otherwise cost more JPEG bytes than the print
    flat = source.astype(np.float32) / np.maximum(background, 1) * (255.0 / 0.92)
    # print a touch darker: a gentle curve that keeps the greys of photos and stamps
    flat = 255.0 * (np.clip(flat, 0, 255) / 255.0) ** 1.4
    return np.clip(flat, 0, 255).astype(np.uint8)


_ROTATE = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


def orientation(page: np.ndarray, *, min_confidence: float = 2.0, timeout: float = 15.0) -> int:
    """Degrees clockwise to turn `page` so its text is upright (0, 90, 180, 270), from
    Tesseract's orientation detection; 0 when Tesseract is absent or unsure (no text, a
    photo)."""
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        return 0
    gray = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY) if page.ndim == 3 else page
    ok, png = cv2.imencode(".png", gray)
    if not ok:
        return 0
    try:
        done = subprocess.run([tesseract, "stdin", "stdout", "--psm", "0", "-l", "osd", "--dpi", "200"],
                              input=png.tobytes(), capture_output=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return 0
    text = done.stdout.decode("utf-8", "replace")
    rotate = re.search(r"Rotate:\s*(\d+)", text)
    confidence = re.search(r"Orientation confidence:\s*([\d.]+)", text)
    if not rotate or not confidence or float(confidence.group(1)) < min_confidence:
        return 0
    degrees = int(rotate.group(1)) % 360
    return degrees if degrees in _ROTATE else 0


def rotate(page: np.ndarray, degrees: int) -> np.ndarray:
    """`page` turned clockwise by a multiple of 90 degrees."""
    degrees %= 360
    return page if degrees == 0 else cv2.rotate(page, _ROTATE[degrees])


def upright(page: np.ndarray) -> tuple[np.ndarray, int]:
    """The page turned so its text reads the right way up, and by how much."""
    degrees = orientation(page)
    return rotate(page, degrees), degrees


def encode_page(page: np.ndarray, dpi: int = PAGE_DPI, *, max_bytes: int = 400_000, quality: int = 85) -> bytes:
    """JPEG bytes of a page (its dpi recorded in the file), the quality stepped down until
    it fits in `max_bytes`."""
    from PIL import Image

    image = Image.fromarray(page if page.ndim == 2 else cv2.cvtColor(page, cv2.COLOR_BGR2RGB))
    while True:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality, optimize=True, dpi=(dpi, dpi))
        if buffer.tell() <= max_bytes or quality <= 35:
            return buffer.getvalue()
        quality -= 10


def make_pdf(pages: list[np.ndarray], dpis: list[int] | None = None, *, max_page_bytes: int = 400_000) -> bytes:
    """One PDF with a page per image, each at its real size (from its dpi); the JPEGs are
    embedded as they are, not encoded again."""
    if not pages:
        raise ScannerError("a PDF needs at least one page")
    dpis = dpis or [PAGE_DPI] * len(pages)
    jpegs = [encode_page(page, dpi, max_bytes=max_page_bytes) for page, dpi in zip(pages, dpis, strict=True)]
    return img2pdf.convert(jpegs)
