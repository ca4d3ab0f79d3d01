"""Idle rules: active, warning with a countdown, expiry; touches and "more time"."""

import pytest

from kiosk.core.idle import IdleMonitor


@pytest.fixture
def idle():
    now = [0.0]
    monitor = IdleMonitor(timeout=90, warning=30, clock=lambda: now[0])
    monitor.now = now
    return monitor


def test_off_until_started(idle):
    assert idle.poll().phase == "off"
    idle.now[0] = 1000
    assert idle.poll().phase == "off"


def test_phases_and_countdown(idle):
    idle.start()
    idle.now[0] = 59.9
    assert idle.poll().phase == "active"
    idle.now[0] = 60
    assert (idle.poll().phase, idle.poll().seconds_left) == ("warning", 30)
    idle.now[0] = 89.2
    assert idle.poll().seconds_left == 1
    idle.now[0] = 90
    assert idle.poll().phase == "expired"


def test_touch_restarts_only_while_active(idle):
    idle.start()
    idle.now[0] = 50
    idle.touch()
    idle.now[0] = 105
    assert idle.poll().phase == "active"
    idle.now[0] = 115  # warning now
    idle.touch()
    idle.now[0] = 140
    assert idle.poll().phase == "expired"


def test_more_time_restarts_from_the_warning(idle):
    idle.start()
    idle.now[0] = 70
    idle.extend()
    idle.now[0] = 129
    assert idle.poll().phase == "active"


def test_stop_disarms(idle):
    idle.start()
    idle.stop()
    idle.now[0] = 500
    assert idle.poll().phase == "off"


def test_warning_must_be_shorter():
    with pytest.raises(ValueError):
        IdleMonitor(timeout=30, warning=30)
