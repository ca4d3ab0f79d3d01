"""Colours, sizes and icons, switchable at run time (larger text, high contrast).

Kv rules read `theme.<colour>` and multiply font sizes by `theme.scale`, so a change here
re-renders every screen at once.
"""

from __future__ import annotations

import glob
import os

from kivy.event import EventDispatcher
from kivy.metrics import dp, mm
from kivy.properties import ColorProperty, NumericProperty, StringProperty

from kiosk.core.layout import KEY_MM, TOUCH_MM, key_height

# In dp: the padding above and below the bars' controls, and the on-screen keyboard's
# padding and the spacing between its rows.
BAR_PADDING = 8
KEYBOARD_PADDING = 8
KEYBOARD_SPACING = 6

TEXT_SCALES = {"normal": 1.0, "large": 1.2, "largest": 1.4}

STANDARD = {
    "bg": "#F4F6F8",
    "surface": "#FFFFFF",
    "text": "#1B2733",
    "muted": "#4A5A6A",
    "placeholder": "#5F6B78",   # a field's example text: never mistaken for what was typed
    "primary": "#0B5CAD",
    "primary_text": "#FFFFFF",
    "accent": "#E8F1FB",
    "bar": "#0B3D6E",
    "bar_text": "#FFFFFF",
    "focus": "#FFBF47",
    "focus_edge": "#0B0C0C",
    "danger": "#B3261E",
    "danger_text": "#FFFFFF",
    "border": "#6F7C8A",
    "success": "#1E8E3E",
}
HIGH_CONTRAST = {
    "bg": "#000000",
    "surface": "#000000",
    "text": "#FFFFFF",
    "muted": "#FFFFFF",
    "placeholder": "#A6A6A6",
    "primary": "#FFFF00",
    "primary_text": "#000000",
    "accent": "#1A1A1A",
    "bar": "#000000",
    "bar_text": "#FFFF00",
    "focus": "#00FFFF",
    "focus_edge": "#00FFFF",
    "danger": "#FF8080",
    "danger_text": "#000000",
    "border": "#FFFFFF",
    "success": "#00FF66",
}

# Font Awesome Free (solid) code points used on the kiosk.
ICONS = {
    "information": "\uf05a",
    "bins": "\uf1b8",
    "housing": "\uf015",
    "council-tax": "\uf154",
    "changes": "\uf021",
    "places": "\uf3c5",
    "search": "\uf002",
    "back": "\uf060",
    "home": "\uf015",
    "finish": "\uf00d",
    "contrast": "\uf042",
    "text-size": "\uf034",
    "staff": "\uf023",
    "phone": "\uf3cf",
    "touch": "\uf25a",
    "clock": "\uf017",
    "check": "\uf00c",
    "warning": "\uf071",
    "backspace": "\uf55a",
    "shift": "\uf062",
    "page": "\uf15c",
    "next": "\uf054",
    "visitors": "\uf2c1",
    "appointments": "\uf274",
    "qr": "\uf029",
    "sign-out": "\uf2f5",
    "keyboard": "\uf11c",
    "camera": "\uf030",
    "print": "\uf02f",
    "fire": "\uf06d",
    "people": "\uf0c0",
    "signature": "\uf5b7",
    "walk-in": "\uf234",
    "export": "\uf56e",
    "ticket": "\uf3ff",
    "scan": "\uf574",
    "plus": "\uf067",
    "retake": "\uf2ea",
    "crop": "\uf565",
    "send": "\uf1d8",
    "trash": "\uf2ed",
    "palette": "\uf53f",
    "star": "\uf005",
    "thumbs-up": "\uf164",
    "thumbs-down": "\uf165",
    "account": "\uf2c2",
    "report": "\uf0a1",
}


def icon_font() -> str:
    """Path of the Font Awesome solid font shipped by the `fontawesomefree` package."""
    import fontawesomefree

    root = os.path.dirname(fontawesomefree.__file__)
    found = glob.glob(os.path.join(root, "static", "fontawesomefree", "webfonts", "fa-solid-900.ttf"))
    if not found:
        raise FileNotFoundError("fa-solid-900.ttf not found in the fontawesomefree package")
    return found[0]


class Theme(EventDispatcher):
    """Current look of the kiosk."""

    BAR_PADDING = BAR_PADDING
    KEYBOARD_PADDING = KEYBOARD_PADDING
    KEYBOARD_SPACING = KEYBOARD_SPACING

    bg = ColorProperty(STANDARD["bg"])
    surface = ColorProperty(STANDARD["surface"])
    text = ColorProperty(STANDARD["text"])
    muted = ColorProperty(STANDARD["muted"])
    placeholder = ColorProperty(STANDARD["placeholder"])
    primary = ColorProperty(STANDARD["primary"])
    primary_text = ColorProperty(STANDARD["primary_text"])
    accent = ColorProperty(STANDARD["accent"])
    bar = ColorProperty(STANDARD["bar"])
    bar_text = ColorProperty(STANDARD["bar_text"])
    focus = ColorProperty(STANDARD["focus"])
    focus_edge = ColorProperty(STANDARD["focus_edge"])   # the ring's dark edge: 3:1 on any background
    danger = ColorProperty(STANDARD["danger"])
    danger_text = ColorProperty(STANDARD["danger_text"])
    success = ColorProperty(STANDARD["success"])
    border = ColorProperty(STANDARD["border"])
    scale = NumericProperty(1.0)
    text_size = StringProperty("normal")
    icon_font = StringProperty("")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.icon_font = icon_font()
        self.high_contrast = False

    def set_contrast(self, high: bool) -> None:
        self.high_contrast = bool(high)
        for name, value in (HIGH_CONTRAST if high else STANDARD).items():
            setattr(self, name, value)

    def set_text_size(self, size: str) -> None:
        if size not in TEXT_SCALES:
            raise ValueError(size)
        self.text_size = size
        self.scale = TEXT_SCALES[size]

    def next_text_size(self) -> str:
        names = list(TEXT_SCALES)
        return names[(names.index(self.text_size) + 1) % len(names)]

    @staticmethod
    def touch() -> float:
        """Minimum size of anything that can be tapped, in pixels."""
        return mm(TOUCH_MM)

    @staticmethod
    def key_min() -> float:
        """The smallest a key of the on-screen keyboard may be, in pixels."""
        return mm(KEY_MM)

    @staticmethod
    def bar_height() -> float:
        """Height of the top and bottom bars: a touch target and their padding."""
        return mm(TOUCH_MM) + dp(2 * BAR_PADDING)

    @staticmethod
    def key(rows: int, window_height: float) -> float:
        """Height of the on-screen keyboard's keys, for a keyboard of `rows` rows (see
        `kiosk.core.layout.key_height`)."""
        rows = max(rows, 1)
        chrome = Theme.keyboard_height(rows, 0) / rows
        return key_height(window_height, rows, mm(TOUCH_MM), mm(KEY_MM), chrome)

    @staticmethod
    def keyboard_height(rows: int, key: float) -> float:
        """Height of an on-screen keyboard of `rows` rows of `key`-high keys, with its
        padding (`KEYBOARD_PADDING`) and the spacing between rows (`KEYBOARD_SPACING`), in dp."""
        return rows * key + dp(max(rows - 1, 0) * KEYBOARD_SPACING + 2 * KEYBOARD_PADDING)

    @staticmethod
    def fixed(size: float, _scale: float) -> float:
        """A font size that stays the same at every text size (the bars' own controls).

        Kv rules pass `theme.scale` so that this rule runs after the general `<Label>` rule
        (which scales) each time the text size changes, and so has the last word."""
        return size

    @staticmethod
    def icon(name: str) -> str:
        return ICONS.get(name, ICONS["information"])


theme = Theme()
