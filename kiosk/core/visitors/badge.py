"""The visitor badge: rendered with Pillow to a PNG, 100 x 70 mm at 300 dpi (a common adhesive
visitor-badge label), and printed as a one-page PDF (`kiosk.core.drawing.label_pdf`).

    >>> png = render_badge(Badge("Jane Smith", "Acme Ltd", "Priya Patel", "22 November 2026",
    ...                          "Riverside Civic Centre", "HKS1:0190..."))     # doctest: +SKIP
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno
from PIL import Image, ImageDraw

from kiosk.core.drawing import DPI, GREY, INK, NAVY, SIZE, WHITE, fit


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


def render_badge(badge: Badge) -> bytes:
    """The badge as PNG bytes."""
    image = Image.new("RGB", SIZE, WHITE)
    draw = ImageDraw.Draw(image)
    w, h = SIZE
    band = 150
    draw.rectangle([0, 0, w, band], fill=NAVY)
    label, font = fit(draw, badge.label_visitor, w // 2, 96, bold=True)
    draw.text((50, band // 2), label, font=font, fill=WHITE, anchor="lm")
    site, font = fit(draw, badge.site, w // 2 - 80, 44, smallest=24)
    draw.text((w - 50, band // 2), site, font=font, fill=WHITE, anchor="rm")

    qr_size = 330
    qr = segno.make(badge.qr, error="m", micro=False)
    buf = io.BytesIO()
    qr.save(buf, kind="png", scale=10, border=1)
    qr_image = Image.open(io.BytesIO(buf.getvalue())).convert("RGB").resize((qr_size, qr_size), Image.NEAREST)
    qr_x, qr_y = w - qr_size - 50, band + 60
    image.paste(qr_image, (qr_x, qr_y))
    hint, font = fit(draw, badge.label_sign_out, qr_size + 40, 30, smallest=20)
    draw.text((qr_x + qr_size // 2, qr_y + qr_size + 30), hint, font=font, fill=GREY, anchor="mm")

    left = 50
    if badge.photo_jpeg:
        photo = Image.open(io.BytesIO(badge.photo_jpeg)).convert("RGB")
        photo.thumbnail((260, 330))
        image.paste(photo, (left, band + 60))
        left += photo.width + 40
    text_width = qr_x - left - 40
    y = band + 70
    name, font = fit(draw, badge.name, text_width, 88, bold=True)
    draw.text((left, y), name, font=font, fill=INK)
    y += font.size + 30
    if badge.company:
        company, font = fit(draw, badge.company, text_width, 56)
        draw.text((left, y), company, font=font, fill=INK)
        y += font.size + 40
    visiting, font = fit(draw, f"{badge.label_visiting}: {badge.host}", text_width, 44, smallest=24)
    draw.text((left, y), visiting, font=font, fill=INK)
    y += font.size + 24
    day, font = fit(draw, badge.date, text_width, 40, smallest=24)
    draw.text((left, y), day, font=font, fill=GREY)
    draw.rectangle([0, h - 24, w, h], fill=NAVY)

    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(DPI, DPI))
    return out.getvalue()
