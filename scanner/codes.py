"""Barcodes and QR codes in a camera frame or photo.

`read_codes(image)` tries zxing-cpp first (the better reader of real photos) and pyzbar as
a second opinion when zxing finds nothing; each code is reported once. When both find
nothing, a few prepared copies are tried in turn (another binarizer, the image enlarged,
local contrast evened out, sharpened, smoothed): each rescues codes the others miss (small
codes, uneven light, soft focus, print grain), and they cost time only when nothing has
been read yet. `thorough=False` stops after the first two readers (a live camera, which
gets another frame in a moment).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import zxingcpp

_ZXING_FORMATS = {
    "QRCode": "QRCode", "MicroQRCode": "MicroQRCode", "DataMatrix": "DataMatrix", "Aztec": "Aztec",
    "PDF417": "PDF417", "Code128": "Code128", "Code39": "Code39", "Code93": "Code93", "EAN13": "EAN13",
    "EAN8": "EAN8", "UPCA": "UPCA", "UPCE": "UPCE", "ITF": "ITF", "Codabar": "Codabar",
}
_PYZBAR_FORMATS = {"QRCODE": "QRCode", "CODE128": "Code128", "CODE39": "Code39", "CODE93": "Code93",
                   "EAN13": "EAN13", "EAN8": "EAN8", "UPCA": "UPCA", "UPCE": "UPCE", "I25": "ITF",
                   "CODABAR": "Codabar", "PDF417": "PDF417"}


@dataclass(frozen=True)
class Code:
    format: str
    text: str


def _gray(image: np.ndarray) -> np.ndarray:
    if image.ndim == 3:
        return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return image


def _zxing(gray: np.ndarray, binarizer=None) -> list[Code]:
    found = []
    options = {} if binarizer is None else {"binarizer": binarizer}
    for barcode in zxingcpp.read_barcodes(gray, **options):
        if barcode.valid and barcode.text:
            name = barcode.format.name if hasattr(barcode.format, "name") else str(barcode.format)
            found.append(Code(_ZXING_FORMATS.get(name, name), barcode.text))
    return found


def _pyzbar(gray: np.ndarray) -> list[Code]:
    try:
        from pyzbar import pyzbar
    except ImportError:  # libzbar0 missing: zxing-cpp alone
        return []
    found = []
    for symbol in pyzbar.decode(gray):
        try:
            text = symbol.data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        found.append(Code(_PYZBAR_FORMATS.get(symbol.type, symbol.type), text))
    return found


def _prepared(gray: np.ndarray):
    """Copies of the image that each rescue codes the plain readers miss."""
    yield lambda: _zxing(gray, zxingcpp.Binarizer.GlobalHistogram)
    h, w = gray.shape[:2]
    if max(h, w) <= 2000:
        big = cv2.resize(gray, (w * 2, h * 2), interpolation=cv2.INTER_CUBIC)
        yield lambda: _zxing(big) or _pyzbar(big)
    yield lambda: _zxing(cv2.createCLAHE(clipLimit=3.0, tileGridSize=(8, 8)).apply(gray))
    soft = cv2.GaussianBlur(gray, (0, 0), 2.0)
    yield lambda: _zxing(cv2.addWeighted(gray, 2.0, soft, -1.0, 0))        # sharpened
    yield lambda: _zxing(cv2.GaussianBlur(gray, (0, 0), 1.2)) or _pyzbar(cv2.GaussianBlur(gray, (0, 0), 1.2))
    _, otsu = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    yield lambda: _pyzbar(otsu)


def read_codes(image: np.ndarray, thorough: bool = True) -> list[Code]:
    """Every code read in `image` (BGR or grey), in the order found, each once."""
    if image is None or image.size == 0:
        return []
    gray = _gray(image)
    codes = _zxing(gray) or _pyzbar(gray)
    if not codes and thorough:
        for attempt in _prepared(gray):
            codes = attempt()
            if codes:
                break
    unique: dict[tuple[str, str], Code] = {}
    for code in codes:
        unique.setdefault((code.format, code.text), code)
    return list(unique.values())
