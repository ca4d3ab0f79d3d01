"""Barcodes and QR codes in a camera frame or photo.

`read_codes(image)` tries zxing-cpp first (the better reader of real photos) and pyzbar as
a second opinion when zxing finds nothing; each code is reported once.
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


def _zxing(gray: np.ndarray) -> list[Code]:
    found = []
    for barcode in zxingcpp.read_barcodes(gray):
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


def read_codes(image: np.ndarray) -> list[Code]:
    """Every code read in `image` (BGR or grey), in the order found, each once."""
    if image is None or image.size == 0:
        return []
    gray = _gray(image)
    codes = _zxing(gray) or _pyzbar(gray)
    unique: dict[tuple[str, str], Code] = {}
    for code in codes:
        unique.setdefault((code.format, code.text), code)
    return list(unique.values())
