"""Device facts for the staff panel: versions, disk, memory, uptime. No personal data."""

from __future__ import annotations

import platform
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

import kiosk

_STARTED = time.monotonic()


@dataclass(frozen=True)
class DeviceStatus:
    app_version: str
    python: str
    disk_free_mb: int
    memory_mb: int
    uptime_minutes: int


def device_status(data_dir: Path) -> DeviceStatus:
    """Read the current device facts (cheap enough to call once a second)."""
    disk = shutil.disk_usage(data_dir)
    rss = psutil.Process().memory_info().rss
    return DeviceStatus(
        app_version=kiosk.__version__,
        python=platform.python_version(),
        disk_free_mb=disk.free // 2**20,
        memory_mb=rss // 2**20,
        uptime_minutes=int((time.monotonic() - _STARTED) // 60),
    )
