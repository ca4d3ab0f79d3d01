"""Idle rules for a shared terminal: a warning with a countdown, then a wipe.

    >>> now = [0.0]
    >>> idle = IdleMonitor(timeout=90, warning=30, clock=lambda: now[0])
    >>> idle.start(); now[0] = 61; idle.poll()
    IdleState(phase='warning', seconds_left=29)
    >>> now[0] = 90; idle.poll().phase
    'expired'

The monitor is armed when a person starts a session and disarmed on the attract screen.
Any touch or key press during the active phase calls `touch()`. Once the warning shows,
only its "I need more time" button (`extend()`) keeps the session: a stray touch elsewhere
must not silently keep a departed resident's details on screen.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Callable, Literal

Phase = Literal["off", "active", "warning", "expired"]


@dataclass(frozen=True)
class IdleState:
    phase: Phase
    seconds_left: int = 0  # until the wipe, during the warning


class IdleMonitor:
    """Tracks the last interaction and says when to warn and when to wipe."""

    def __init__(self, timeout: float, warning: float, clock: Callable[[], float] = time.monotonic):
        if not 0 < warning < timeout:
            raise ValueError("warning must be shorter than timeout, and both positive")
        self.timeout = timeout
        self.warning = warning
        self.clock = clock
        self._last: float | None = None

    @property
    def armed(self) -> bool:
        return self._last is not None

    def start(self) -> None:
        """Arm the monitor: a person has begun using the kiosk."""
        self._last = self.clock()

    def stop(self) -> None:
        """Disarm (back on the attract screen)."""
        self._last = None

    def touch(self) -> None:
        """Record an interaction; ignored once the warning is showing."""
        if self._last is not None and self.poll().phase == "active":
            self._last = self.clock()

    def extend(self) -> None:
        """"I need more time": restart the full idle period."""
        if self._last is not None:
            self._last = self.clock()

    def age(self, seconds: float) -> None:
        """Pretend the last interaction was `seconds` earlier (for the screen tour)."""
        if self._last is not None:
            self._last -= seconds

    def poll(self) -> IdleState:
        if self._last is None:
            return IdleState("off")
        idle_for = self.clock() - self._last
        if idle_for >= self.timeout:
            return IdleState("expired")
        if idle_for >= self.timeout - self.warning:
            return IdleState("warning", max(1, math.ceil(self.timeout - idle_for)))
        return IdleState("active")
