"""The visitor badge: rendered with Pillow to a PNG and wrapped in a one-page PDF (img2pdf)
for the printer. 100 x 70 mm at 300 dpi, a common adhesive visitor-badge label.

    >>> png = render_badge(Badge("Jane Smith", "Acme Ltd", "Priya Patel", "22 November 2026",
    ...                          "Riverside Civic Centre", "HKS1:0190..."))     # doctest: +SKIP
"""

from __future__ import annotations

import importlib.util
import io
from dataclasses import dataclass
from pathlib import Path

import img2pdf
import segno
from PIL import Image, ImageDraw, ImageFont

DPI = 300
SIZE_MM = (100, 70)
SIZE = (round(SIZE_MM[0] / 25.4 * DPI), round(SIZE_MM[1] / 25.4 * DPI))
NAVY, WHITE, INK, GREY = (18, 52, 86), (255, 255, 255), (20, 20, 20), (90, 90, 90)


@dataclass(frozen=True)
class Badge:
    name: str
    company: str
    host: str
    date: str  # already written out in the kiosk's language
    site: str
    qr: str  # what the sign-out QR code says
    label_visitor: str = "VISITOR"
    label_visiting: str = "Visiting"
    label_sign_out: str = "Scan to sign out"
    photo_jpeg: bytes | None = None


def _font_dir() -> Path:
    spec = importlib.util.find_spec("kivy")  # Kivy ships Roboto; found without importing Kivy
    return Path(spec.submodule_search_locations[0]) / "data" / "fonts"


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(_font_dir() / ("Roboto-Bold.ttf" if bold else "Roboto-Regular.ttf")), size)


def _fit(draw: ImageDraw.ImageDraw, text: str, width: int, size: int, bold: bool = False, smallest: int = 28):
    """The largest font (down to `smallest`) at which `text` fits `width`; cut with … if need be."""
    while size > smallest and draw.textlength(text, font=_font(size, bold)) > width:
        size -= 4
    font = _font(size, bold)
    if draw.textlength(text, font=font) > width:
        while text and draw.textlength(text + "…", font=font) > width:
            text = text[:-1]
        text = text.rstrip() + "…"
    return text, font


def render_badge(badge: Badge) -> bytes:
    """The badge as PNG bytes."""
    image = Image.new("RGB", SIZE, WHITE)
    draw = ImageDraw.Draw(image)
    w, h = SIZE
    band = 150
    draw.rectangle([0, 0, w, band], fill=NAVY)
    label, font = _fit(draw, badge.label_visitor, w // 2, 96, bold=True)
    draw.text((50, band // 2), label, font=font, fill=WHITE, anchor="lm")
    site, font = _fit(draw, badge.site, w // 2 - 80, 44, smallest=24)
    draw.text((w - 50, band // 2), site, font=font, fill=WHITE, anchor="rm")

    qr_size = 330
    qr = segno.make(badge.qr, error="m", micro=False)
    buf = io.BytesIO()
    qr.save(buf, kind="png", scale=10, border=1)
    qr_image = Image.open(io.BytesIO(buf.getvalue())).convert("RGB").resize((qr_size, qr_size), Image.NEAREST)
    qr_x, qr_y = w - qr_size - 50, band + 60
    image.paste(qr_image, (qr_x, qr_y))
    hint, font = _fit(draw, badge.label_sign_out, qr_size + 40, 30, smallest=20)
    draw.text((qr_x + qr_size // 2, qr_y + qr_size + 30), hint, font=font, fill=GREY, anchor="mm")

    left = 50
    if badge.photo_jpeg:
        photo = Image.open(io.BytesIO(badge.photo_jpeg)).convert("RGB")
        photo.thumbnail((260, 330))
        image.paste(photo, (left, band + 60))
        left += photo.width + 40
    text_width = qr_x - left - 40
    y = band + 70
    name, font = _fit(draw, badge.name, text_width, 88, bold=True)
    draw.text((left, y), name, font=font, fill=INK)
    y += font.size + 30
    if badge.company:
        company, font = _fit(draw, badge.company, text_width, 56)
        draw.text((left, y), company, font=font, fill=INK)
        y += font.size + 40
    visiting, font = _fit(draw, f"{badge.label_visiting}: {badge.host}", text_width, 44, smallest=24)
    draw.text((left, y), visiting, font=font, fill=INK)
    y += font.size + 24
    day, font = _fit(draw, badge.date, text_width, 40, smallest=24)
    draw.text((left, y), day, font=font, fill=GREY)
    draw.rectangle([0, h - 24, w, h], fill=NAVY)

    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(DPI, DPI))
    return out.getvalue()


def label_pdf(png: bytes) -> bytes:
    """A one-page PDF the size of the label (badges, scan receipts), the PNG embedded as it is."""
    layout = img2pdf.get_layout_fun((img2pdf.mm_to_pt(SIZE_MM[0]), img2pdf.mm_to_pt(SIZE_MM[1])))
    return img2pdf.convert(png, layout_fun=layout)
