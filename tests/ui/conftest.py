"""Fixtures for tests that need Kivy: a real window under Xvfb, and the whole app in-process.

`kiosk` drives the real `KioskApp` through Kivy's event loop: taps go through the window's
input dispatch as a finger's would, frames are drawn, clocks run.
"""

from __future__ import annotations

import os
import time

import pytest

if not os.environ.get("DISPLAY"):
    pytest.skip("needs a display: run the suite with scripts/test.sh (Xvfb)", allow_module_level=True)

from kivy.base import EventLoop  # noqa: E402
from kivy.core.window import Window  # noqa: E402
from kivy.tests.common import UnitTestTouch  # noqa: E402

from kiosk.core.config import KioskConfig  # noqa: E402
from kiosk.ui.app import KioskApp, load_kv  # noqa: E402
from kiosk.ui.i18n import tr  # noqa: E402
from kiosk.ui.theme import theme  # noqa: E402
from kiosk.ui.widgets import KeyButton, KioskButton, Tile, PageRow  # noqa: E402

load_kv()


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
        """The visible button with this label (inside `within` if given)."""
        found = [b for b in self.visible(KioskButton) if b.label == label
                 and (within is None or b in list(within.walk(restrict=True)))]
        assert found, f"no button {label!r} on {self.screen}: {[b.label for b in self.visible(KioskButton)]}"
        return found[0]

    def tile(self, title: str):
        found = [t for t in self.visible(Tile) + self.visible(PageRow) if t.title == title]
        assert found, f"no tile {title!r} on {self.screen}"
        return found[0]

    # doing
    def tap(self, widget) -> None:
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

    def type(self, text: str) -> None:
        """Type on the on-screen keyboard, one key tap per character."""
        for char in text:
            key = " " if char == " " else char
            keys = {k.key: k for k in self.visible(KeyButton)}
            if key == " ":
                self.tap(keys["space"])
                continue
            target = keys.get(key) or keys.get(key.lower())
            assert target is not None, f"no key {char!r} on the keyboard: {sorted(keys)}"
            if char.isupper() and not self.app.keyboard.shift:
                self.tap(keys["⇧"])
                target = {k.key: k for k in self.visible(KeyButton)}[key.lower()]
            self.tap(target)


@pytest.fixture(scope="session")
def kiosk_app(tmp_path_factory):
    data = tmp_path_factory.mktemp("kiosk-data")
    app = KioskApp(KioskConfig(), data)
    app._run_prepare()
    app.transition_seconds = 0.05
    yield app
    app.stop()


@pytest.fixture
def kiosk(kiosk_app):
    """The running kiosk, wiped and back on the attract screen, in English."""
    app = kiosk_app
    app.pin_gate.state_file.unlink(missing_ok=True)
    (app.data_dir / "settings.json").unlink(missing_ok=True)
    app.settings.values.update(language="en", text_size="normal", high_contrast=False)
    app.idle = type(app.idle)(app.device_config.idle.timeout_seconds, app.device_config.idle.warning_seconds)
    app.wipe()
    driver = Kiosk(app)
    driver.settle()
    assert app.sm.current == "attract" and tr.lang == "en" and not theme.high_contrast
    return driver
