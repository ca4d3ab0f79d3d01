"""The status line's words for the sync state, following the real worker live."""

import pytest
from kivy.base import EventLoop

from kiosk.ui.i18n import tr
from kiosk.ui.syncing import KioskSync
from tests.sync.conftest import Central, enrol
from tests.helpers import feedback


@pytest.fixture
def enrolled(tmp_path):
    central = Central(tmp_path / "central").start()
    data = tmp_path / "kiosk"
    assert enrol(central, data).returncode == 0
    yield central, data
    central.stop()


def settle():
    for _ in range(3):
        EventLoop.idle()


def test_status_follows_the_connection(enrolled):
    central, data = enrolled
    changes = []
    sync = KioskSync(data, lambda: changes.append(sync.short_status()))
    tr.switch("en")
    assert sync.enrolled and sync.short_status() == "Connecting"
    sync.outbox.enqueue(feedback(stars=5))
    sync.outbox.enqueue(feedback(stars=4))
    central.stop()
    sync.worker.drain_once()
    settle()
    assert changes[-1] == "Offline, 2 waiting to send"
    panel = dict(sync.panel_lines())
    assert panel["Waiting to send"] == "2" and panel["Last successful sync"] == "not yet"
    assert panel["Last problem"] == "no connection to central"
    central.start_on_same_port()
    sync.outbox.wake()
    sync.worker.drain_once()
    settle()
    assert changes[-1] == "Online"
    assert dict(sync.panel_lines())["Last problem"] == "none"
    tr.switch("pl")
    assert sync.short_status() == "Połączono"
    tr.switch("en")


def test_a_kiosk_not_enrolled_says_so(tmp_path):
    sync = KioskSync(tmp_path, lambda: None)
    assert not sync.enrolled
    assert sync.short_status() == "Not connected to central yet"
    sync.start()
    sync.stop()  # both harmless
