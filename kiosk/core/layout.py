"""The rules a kiosk screen's layout must keep, on plain rectangles and colours (no Kivy).

`kiosk.ui.layout_check` reads what is on the window into `Part`s; `check` says what is wrong
with them. A screen passes when:

- no text is clipped, cut short with "...", broken in the middle of a word, or drawn outside
  the widget that holds it;
- no two visible parts overlap (unless one is marked as an overlay, like the camera's guide);
- nothing is outside the window, or cut off by its screen's edge unless it is in a list that
  scrolls;
- everything that can be touched is at least `TOUCH_MM` each way on the real display, but
  the on-screen keyboard's keys, which are at least `KEY_MM` (a full keyboard of 20 mm keys
  would fill a 10.1-inch panel, which is 136 mm tall, and leave no room to see the field);
- text has a contrast of at least 4.5:1 on what is behind it, and the boundary of a control
  (a field's border, a button's fill) at least 3:1 on what is around it (WCAG 2.2, 1.4.3 and
  1.4.11).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

TOUCH_MM = 20
#: Keys of the on-screen keyboard: above WCAG 2.5.5's 44 CSS pixels (11.6 mm), and 20 mm
#: wherever the keyboard still fits in KEYBOARD_SHARE of the window.
KEY_MM = 12
#: The share of the window the keyboard may take before its keys shrink (down to KEY_MM).
KEYBOARD_SHARE = 0.45
TEXT_CONTRAST = 4.5
BOUNDARY_CONTRAST = 3.0
#: Slack in pixels for rounding in Kivy's layouts.
SLACK = 1.0


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def top(self) -> float:
        return self.y + self.h

    def intersection(self, other: Rect) -> Rect | None:
        x, y = max(self.x, other.x), max(self.y, other.y)
        r, t = min(self.right, other.right), min(self.top, other.top)
        if r - x <= SLACK or t - y <= SLACK:
            return None
        return Rect(x, y, r - x, t - y)

    def contains(self, other: Rect, slack: float = SLACK) -> bool:
        return (other.x >= self.x - slack and other.y >= self.y - slack
                and other.right <= self.right + slack and other.top <= self.top + slack)

    def rounded(self) -> list[int]:
        return [round(self.x), round(self.y), round(self.w), round(self.h)]


@dataclass
class Part:
    """One visible thing on screen, as `check` needs it.

    `path` names it for a person reading a failure (the widget classes and ids from the
    window down); `text` is what it shows; `container` is the path of the nearest part that
    draws its box (a button, a card): this part must lie inside it.
    """

    path: str
    rect: Rect
    kind: str = "text"                  # "text", "control", "field", "image"
    text: str = ""
    touchable: bool = False
    key: bool = False                   # a key of the on-screen keyboard (KEY_MM, not TOUCH_MM)
    overlay: bool = False               # may lie over other parts (the camera's guide)
    clipped: str = ""                   # why its text does not fit, if it does not
    container: Rect | None = None
    container_path: str = ""
    text_contrast: float | None = None  # measured on the drawn frame
    boundary_contrast: float | None = None
    ancestors: tuple[str, ...] = field(default=())
    full: Rect | None = None            # its whole size when a scrolling list shows only part of it
    cut: bool = False                   # partly outside the area its screen can show, with no scrolling
    drawn: bool = True                  # False: wholly outside what its screen can show
    scrolls: bool = False               # inside a list that scrolls
    widget: object = None               # what it was read from, for the measuring code
    opacity: float = 1.0


@dataclass(frozen=True)
class Failure:
    rule: str       # "clipped", "overflow", "overlap", "off-screen", "cut-off", "small-target", "contrast",
                    # "boundary", "hidden-field"
    path: str
    detail: str
    text: str = ""
    other: str = ""  # the part it overlaps

    def as_dict(self) -> dict:
        found = {"rule": self.rule, "widget": self.path, "detail": self.detail, "text": self.text}
        if self.other:
            found["other"] = self.other
        return found


def pixels_per_mm(dpi: float) -> float:
    return dpi / 25.4


def display_dpi(width_px: int, height_px: int, diagonal_inches: float) -> float:
    """The real pixel density of a panel from its resolution and its diagonal."""
    return math.hypot(width_px, height_px) / diagonal_inches


def luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG relative luminance of an sRGB colour with channels in 0..1."""
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = luminance(a[:3]), luminance(b[:3])
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def blend(front: tuple[float, ...], back: tuple[float, ...]) -> tuple[float, float, float]:
    """`front` (RGBA) drawn over an opaque `back`."""
    alpha = front[3] if len(front) > 3 else 1.0
    return tuple(alpha * f + (1 - alpha) * b for f, b in zip(front[:3], back[:3]))


def hex_colour(value: str) -> tuple[float, float, float]:
    value = value.lstrip("#")
    return tuple(int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))


def key_height(window_px: float, rows: int, touch_px: float, key_px: float, chrome_px: float) -> float:
    """How tall the keyboard's keys are: a full touch target while the keyboard fits in
    `KEYBOARD_SHARE` of the window, shorter on a dense panel but never under `key_px`.
    `chrome_px` is the keyboard's own padding and spacing per row.

    >>> key_height(800, 4, 75, 45, 6)     # a 96 dpi window: full-size keys fit
    75
    >>> round(key_height(800, 6, 118, 71, 6))   # 10.1 inches, six rows: 12 mm keys
    71
    """
    fit = window_px * KEYBOARD_SHARE / max(rows, 1) - chrome_px
    return max(key_px, min(touch_px, fit))


def check(parts: list[Part], screen: Rect, min_target_px: float, min_key_px: float | None = None) -> list[Failure]:
    """Everything wrong with one state of a screen, in a stable order."""
    failures: list[Failure] = []
    min_key_px = min_target_px if min_key_px is None else min_key_px
    for part in parts:
        label = part.text[:60]
        if part.clipped:
            failures.append(Failure("clipped", part.path, part.clipped, label))
        if part.container is not None and not part.container.contains(part.rect):
            failures.append(Failure("overflow", part.path,
                                    f"drawn at {part.rect.rounded()} outside {part.container_path} "
                                    f"at {part.container.rounded()}", label))
        # In a list that scrolls, only what the list shows now must be on the window.
        placed = part.rect if part.scrolls or part.full is None else part.full
        if part.drawn and not screen.contains(placed):
            failures.append(Failure("off-screen", part.path, f"at {placed.rounded()}", label))
        elif part.cut:
            failures.append(Failure("cut-off", part.path,
                                    f"at {(part.full or part.rect).rounded()}, partly outside its screen's area "
                                    "and not in a list that scrolls", label))
        whole = part.full or part.rect
        least, least_mm = (min_key_px, KEY_MM) if part.key else (min_target_px, TOUCH_MM)
        if part.touchable and min(whole.w, whole.h) < least - SLACK:
            failures.append(Failure("small-target", part.path,
                                    f"{round(whole.w)}x{round(whole.h)} px, "
                                    f"under {round(least)} px ({least_mm} mm)", label))
        if part.text_contrast is not None and part.text_contrast < TEXT_CONTRAST - 0.05:
            failures.append(Failure("contrast", part.path, f"text contrast {part.text_contrast:.2f}:1", label))
        if part.boundary_contrast is not None and part.boundary_contrast < BOUNDARY_CONTRAST - 0.05:
            failures.append(Failure("boundary", part.path,
                                    f"boundary contrast {part.boundary_contrast:.2f}:1", label))
    failures += overlaps(parts)
    return failures


def overlaps(parts: list[Part]) -> list[Failure]:
    """Pairs of parts drawn over each other. A part never overlaps what contains it (a label
    in its button), and overlays may lie over anything."""
    found = []
    solid = [p for p in parts if not p.overlay and p.drawn]
    ordered = sorted(solid, key=lambda p: p.rect.x)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b.rect.x >= a.rect.right - SLACK:
                break
            if a.path in b.ancestors or b.path in a.ancestors:
                continue
            shared = a.rect.intersection(b.rect)
            if shared is not None:
                found.append(Failure("overlap", a.path, f"overlaps by {round(shared.w)}x{round(shared.h)} px",
                                     f"{a.text[:40]} / {b.text[:40]}", other=b.path))
    return found
