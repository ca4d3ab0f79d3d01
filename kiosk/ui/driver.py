"""Drive the running kiosk by touch, as a person would: used by the tests and benchmarks.

Taps go through the window's input dispatch exactly as a finger's do (`UnitTestTouch`), and
frames are drawn by Kivy's own event loop, so what is measured and tested is the real app.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from kivy.base import EventLoop
from kivy.core.window import Window
from kivy.tests.common import UnitTestTouch

from kiosk.ui.widgets import KeyButton, KioskButton, PageRow, Tile, scroll_area_of

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp


class Kiosk:
    """A person at the kiosk: looks at what is on screen and taps it."""

    def __init__(self, app: KioskApp) -> None:
        self.app = app

    # time
    def frames(self, n: int = 1) -> None:
        for _ in range(n):
            EventLoop.idle()

    def settle(self) -> None:
        self.frames(12)

    def wait(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            EventLoop.idle()

    # looking
    @property
    def screen(self) -> str:
        return self.app.sm.current

    def widgets(self):
        """Everything on the window now, dialogs included, front-most last."""
        for root in list(Window.children):
            yield from root.walk(restrict=True)

    def visible(self, cls):
        return [w for w in self.widgets() if isinstance(w, cls) and w.opacity > 0 and not w.disabled
                and w.get_root_window() is not None and self._on_screen(w)]

    def _on_screen(self, widget) -> bool:
        x, y = widget.to_window(*widget.center)
        return 0 <= x <= Window.width and 0 <= y <= Window.height

    def button(self, label: str, within=None):
        """The visible button with this label (inside `within` if given), scrolled into view
        first if it is further down a list, as a person would."""
        def matching():
            return [b for b in self.visible(KioskButton) if b.label == label
                    and (within is None or b in list(within.walk(restrict=True)))]

        found = matching()
        if not found and self.scroll_to(lambda w: isinstance(w, KioskButton) and w.label == label):
            found = matching()
        assert found, f"no button {label!r} on {self.screen}: {[b.label for b in self.visible(KioskButton)]}"
        return found[0]

    def scroll_to(self, wanted) -> bool:
        """Scroll the list holding the first widget for which `wanted(widget)` is true until
        it shows (a swipe); False if there is none in a list."""
        for widget in self.widgets():
            if not wanted(widget) or widget.opacity == 0 or widget.disabled:
                continue
            area = scroll_area_of(widget)
            if area is not None:
                area.scroll_to(widget, animate=False)
                self.settle()
                return True
        return False

    def tile(self, title: str):
        found = [t for t in self.visible(Tile) + self.visible(PageRow) if t.title == title]
        assert found, f"no tile {title!r} on {self.screen}"
        return found[0]

    # doing
    def reveal(self, widget) -> None:
        """If `widget` is in a list scrolled past it (or under the keyboard), scroll it into
        view first, as a person would swipe before touching it."""
        area = scroll_area_of(widget)
        if area is None:
            return
        x, y = widget.to_window(*widget.center)
        left, bottom = area.to_window(area.x, area.y)
        if not (left <= x <= left + area.width and bottom <= y <= bottom + area.height):
            area.scroll_to(widget, animate=False)
            self.settle()

    def tap(self, widget) -> None:
        self.reveal(widget)
        x, y = widget.to_window(*widget.center)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        self.frames(2)
        touch.touch_up()
        self.settle()

    def tap_at(self, x: float, y: float) -> None:
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        self.frames(2)
        touch.touch_up()
        self.settle()

    def draw(self, widget, points) -> None:
        """Draw one stroke across `widget` with a finger: `points` in 0..1 of its size."""
        def at(p):
            return widget.to_window(widget.x + p[0] * widget.width, widget.y + p[1] * widget.height)

        touch = UnitTestTouch(*at(points[0]))
        touch.touch_down()
        self.frames(1)
        for point in points[1:]:
            touch.touch_move(*at(point))
            self.frames(1)
        touch.touch_up()
        self.settle()

    def until(self, condition, timeout: float = 15.0, what: str = "") -> None:
        """Draw frames until `condition()` is true (the camera, the network...)."""
        end = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < end, f"waited {timeout} s for {what or condition}"
            EventLoop.idle()
        self.frames(3)

    def type(self, text: str) -> None:
        """Type on the on-screen keyboard, one key tap per character."""
        for char in text:
            key = " " if char == " " else char
            keys = {k.key: k for k in self.visible(KeyButton)}
            if key == " ":
                self.tap(keys["space"])
                continue
            target = keys.get(key) or keys.get(key.lower()) or keys.get(key.upper())
            assert target is not None, (f"no key {char!r} in {text!r} on the keyboard: {sorted(keys)} "
                                        f"(keyboard shown: {self.app.keyboard.shown}, on {self.screen})")
            if char.isupper() and key not in keys and not self.app.keyboard.shift and "⇧" in keys:
                self.tap(keys["⇧"])   # (a keyboard without shift, as for email, has one case)
                target = {k.key: k for k in self.visible(KeyButton)}[key.lower()]
            self.tap(target)

    def until_still(self, timeout: float = 5.0) -> None:
        """Draw frames until no screen transition is running (and a few more to lay out)."""
        end = time.monotonic() + timeout
        while self.app.sm.transition.is_active and time.monotonic() < end:
            EventLoop.idle()
        self.frames(3)
