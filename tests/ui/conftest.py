"""Fixtures for tests that need Kivy: a real window under Xvfb, and the whole app in-process.

`kiosk` drives the real `KioskApp` through Kivy's event loop: taps go through the window's
input dispatch as a finger's would, frames are drawn, clocks run.
"""

from __future__ import annotations

import os

import pytest

if not os.environ.get("DISPLAY"):
    pytest.skip("needs a display: run the suite with scripts/test.sh (Xvfb)", allow_module_level=True)

from kiosk.core.config import KioskConfig  # noqa: E402
from kiosk.ui.app import KioskApp, load_kv  # noqa: E402
from kiosk.ui.i18n import tr  # noqa: E402
from kiosk.ui.theme import theme  # noqa: E402
from kiosk.ui.driver import Kiosk  # noqa: E402

load_kv()


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
