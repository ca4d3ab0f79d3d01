"""Printed lists (the fire roll-call): A4 pages drawn with Pillow, joined into a PDF.

    >>> pdf = list_pdf("Fire roll-call", "Riverside Civic Centre, 10:42",
    ...                ["Name", "Organisation", "Visiting", "Safe"], [["Jo Bloggs", "Acme", "Priya Patel", "yes"]])
"""

from __future__ import annotations

import io

import img2pdf
from PIL import Image, ImageDraw

from kiosk.core.drawing import fit, font

DPI = 150
PAGE = (round(210 / 25.4 * DPI), round(297 / 25.4 * DPI))
MARGIN = 90
ROW = 54


def _page(title: str, subtitle: str, headings: list[str], rows: list[list[str]], page: int, pages: int) -> bytes:
    image = Image.new("L", PAGE, 255)
    draw = ImageDraw.Draw(image)
    w, _h = PAGE
    y = MARGIN
    draw.text((MARGIN, y), title, font=font(48, bold=True), fill=0)
    y += 70
    draw.text((MARGIN, y), f"{subtitle}   ({page}/{pages})", font=font(26), fill=60)
    y += 60
    widths = [0.34, 0.26, 0.26, 0.14]
    usable = w - 2 * MARGIN
    xs = [MARGIN + round(sum(widths[:i]) * usable) for i in range(len(widths))]
    for x, heading, share in zip(xs, headings, widths, strict=False):
        text, cell_font = fit(draw, heading, round(share * usable) - 12, 26, bold=True, smallest=16)
        draw.text((x, y), text, font=cell_font, fill=0)
    y += ROW - 10
    draw.line([(MARGIN, y), (w - MARGIN, y)], fill=0, width=3)
    y += 12
    for row in rows:
        for x, cell, share in zip(xs, row, widths, strict=False):
            text, cell_font = fit(draw, cell, round(share * usable) - 12, 26, smallest=16)
            draw.text((x, y), text, font=cell_font, fill=0)
        y += ROW
        draw.line([(MARGIN, y - 10), (w - MARGIN, y - 10)], fill=200, width=1)
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(DPI, DPI))
    return out.getvalue()


def list_pdf(title: str, subtitle: str, headings: list[str], rows: list[list[str]]) -> bytes:
    per_page = (PAGE[1] - 2 * MARGIN - 200) // ROW
    chunks = [rows[i:i + per_page] for i in range(0, len(rows), per_page)] or [[]]
    pages = [_page(title, subtitle, headings, chunk, n + 1, len(chunks)) for n, chunk in enumerate(chunks)]
    return img2pdf.convert(pages, layout_fun=img2pdf.get_layout_fun((img2pdf.mm_to_pt(210), img2pdf.mm_to_pt(297))))
