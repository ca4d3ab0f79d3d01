"""What the printed labels share (visitor badges, scan receipts, slips, the roll-call list):
the label's size, the council's colours, the font, and text fitted to a width.

Drawn with Pillow; the font is the Roboto that Kivy ships, found without importing Kivy.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

import img2pdf
from PIL import ImageDraw, ImageFont

DPI = 300
SIZE_MM = (100, 70)   # a common adhesive label
SIZE = (round(SIZE_MM[0] / 25.4 * DPI), round(SIZE_MM[1] / 25.4 * DPI))
NAVY, WHITE, INK, GREY = (18, 52, 86), (255, 255, 255), (20, 20, 20), (90, 90, 90)


def _font_dir() -> Path:
    spec = importlib.util.find_spec("kivy")
    return Path(spec.submodule_search_locations[0]) / "data" / "fonts"


@lru_cache(maxsize=64)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(_font_dir() / ("Roboto-Bold.ttf" if bold else "Roboto-Regular.ttf")), size)


def fit(draw: ImageDraw.ImageDraw, text: str, width: int, size: int, bold: bool = False, smallest: int = 28):
    """The largest font (down to `smallest`) at which `text` fits `width`; cut with … if need be.
    Returns (text, font)."""
    while size > smallest and draw.textlength(text, font=font(size, bold)) > width:
        size -= 4
    chosen = font(size, bold)
    if draw.textlength(text, font=chosen) > width:
        while text and draw.textlength(text + "…", font=chosen) > width:
            text = text[:-1]
        text = text.rstrip() + "…"
    return text, chosen


def label_pdf(png: bytes) -> bytes:
    """A one-page PDF the size of the label (badges, scan receipts), the PNG embedded as it is."""
    layout = img2pdf.get_layout_fun((img2pdf.mm_to_pt(SIZE_MM[0]), img2pdf.mm_to_pt(SIZE_MM[1])))
    return img2pdf.convert(png, layout_fun=layout)
