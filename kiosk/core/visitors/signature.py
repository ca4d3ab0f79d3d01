"""A finger signature: strokes of points (0..1 across and up the pad) drawn to a PNG.

    >>> png = render_signature([[(0.1, 0.5), (0.5, 0.7), (0.9, 0.4)]])
"""

from __future__ import annotations

import io
import math

from PIL import Image, ImageDraw

from kiosk.core.visitors import _
from kiosk.core.forms import Invalid

SIZE = (900, 300)
MIN_INK = 0.6  # a tap or a dot is not a signature: about half the pad's width of ink


def ink_length(strokes: list[list[tuple[float, float]]]) -> float:
    return sum(math.dist(a, b) for stroke in strokes for a, b in zip(stroke, stroke[1:], strict=False))


def render_signature(strokes: list[list[tuple[float, float]]]) -> bytes:
    """The signature as a PNG (black on white); `Invalid` if there is not enough of it."""
    if ink_length(strokes) < MIN_INK:
        raise Invalid(_("Please sign in the box with your finger."), "signature")
    w, h = SIZE
    image = Image.new("L", SIZE, 255)
    draw = ImageDraw.Draw(image)
    for stroke in strokes:
        points = [(x * (w - 1), (1 - y) * (h - 1)) for x, y in stroke]
        if len(points) > 1:
            draw.line(points, fill=0, width=6, joint="curve")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
