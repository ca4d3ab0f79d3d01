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


SITE = "Riverside Central Library"


def hold_up(feed, tmp_path, image) -> None:
    """Put `image` in front of a screen's camera `feed` (a folder camera showing just it)."""
    import cv2

    folder = tmp_path / "camera"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    cv2.imwrite(str(folder / "frame.png"), image)
    feed.source = f"folder:{folder}"


@pytest.fixture(scope="session")
def smtp():
    """A real SMTP server on loopback (aiosmtpd) receiving central's emails."""
    from tests.helpers import smtp_server

    with smtp_server() as server:
        yield server


@pytest.fixture(scope="session")
def backoffice():
    """The council's back office: a recording Open311 GeoReport v2 server on loopback."""
    from tests.open311_server import Open311Server

    server = Open311Server().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def notify():
    """GOV.UK Notify: the recording stand-in on loopback (tests/notify_server.py)."""
    from tests.notify_server import NotifyServer

    server = NotifyServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def office(smtp, backoffice, notify, tmp_path_factory):
    """Central, with a demo directory, today's invitations and appointments for the site, the
    demo gazetteer and report categories; it forwards reports to `backoffice`, asks it how
    they are getting on every second, and sends residents' notices through `notify`."""
    from tests.sync.conftest import Central, free_port

    port = free_port()
    env = {"HUBKIOSK_OPEN311_URL": backoffice.url, "HUBKIOSK_OPEN311_KEY": backoffice.api_key,
           "HUBKIOSK_OPEN311_JURISDICTION": backoffice.jurisdiction, "HUBKIOSK_OPEN311_POLL": "0.2",
           "HUBKIOSK_OPEN311_STATUS_SECONDS": "1", "HUBKIOSK_PUBLIC_URL": f"http://127.0.0.1:{port}",
           **notify.env()}
    central = Central(tmp_path_factory.mktemp("central"), "--smtp-host", "127.0.0.1",
                      "--smtp-port", str(smtp.port), "--smtp-from", "kiosks@riverside.gov.example", env=env)
    central.port, central.url = port, f"http://127.0.0.1:{port}"
    done = central.cli("demo-data", "--site", SITE, "--hosts", "200")
    assert done.returncode == 0, done.stderr
    central.start()
    yield central
    central.stop()


@pytest.fixture(scope="session")
def kiosk_app(office, tmp_path_factory):
    """The kiosk app, enrolled with `office`, printing badges as files."""
    from kiosk.core.config import CameraSettings, PrinterSettings
    from tests.sync.conftest import enrol

    data = tmp_path_factory.mktemp("kiosk-data")
    done = enrol(office, data, site=SITE)
    assert done.returncode == 0, done.stderr
    config = KioskConfig().model_copy(update={
        "printer": PrinterSettings(kind="folder", folder=str(data.parent / "printed")),
        "camera": CameraSettings(source="none")})  # tests hold up images with a folder camera
    app = KioskApp(config, data)
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
