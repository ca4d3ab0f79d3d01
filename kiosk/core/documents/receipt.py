"""The slip a resident takes away after scanning: the receipt number to quote, what was
sent and when. Same label as the visitor badge (100 x 70 mm at 300 dpi); only the last four
characters of their reference are printed, in case the slip is left behind.

    >>> png = render_receipt(Slip(title="Documents received", number="DOC-7KQ2-M9XA",
    ...                           lines=["Council Tax: proof of income", "3 pages",
    ...                                  "22 November 2026, 14:05"], note="Keep this slip.",
    ...                           site="Riverside Central Library"))        # doctest: +SKIP
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw

from kiosk.core.drawing import DPI, GREY, INK, NAVY, SIZE, WHITE, fit, label_pdf


def print_slip(printer, png: bytes, job: str) -> bool:
    """Print a slip on the badge label; False when there is no printer,
    `kiosk.core.printing.PrintError` when it failed."""
    if not printer.available:
        return False

    printer.print_pdf(label_pdf(png), job, png)
    return True


@dataclass(frozen=True)
class Slip:
    title: str          # all text already in the resident's language
    number: str
    lines: list[str]
    note: str
    site: str


def render_receipt(slip: Slip) -> bytes:
    """The slip as PNG bytes."""
    image = Image.new("RGB", SIZE, WHITE)
    draw = ImageDraw.Draw(image)
    w, h = SIZE
    band = 130
    draw.rectangle([0, 0, w, band], fill=NAVY)
    title, font = fit(draw, slip.title, w - 100, 64, bold=True)
    draw.text((50, band // 2), title, font=font, fill=WHITE, anchor="lm")
    number, font = fit(draw, slip.number, w - 100, 120, bold=True)
    y = band + 50
    draw.text((w // 2, y), number, font=font, fill=INK, anchor="mt")
    y += font.size + 50
    for line in slip.lines:
        text, font = fit(draw, line, w - 100, 44, smallest=24)
        draw.text((50, y), text, font=font, fill=INK)
        y += font.size + 16
    note, font = fit(draw, slip.note, w - 100, 34, smallest=20)
    draw.text((50, h - 90), note, font=font, fill=GREY, anchor="lm")
    site, font = fit(draw, slip.site, w - 100, 28, smallest=20)
    draw.text((50, h - 45), site, font=font, fill=GREY, anchor="lm")
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(DPI, DPI))
    return out.getvalue()

