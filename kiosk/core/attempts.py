"""Failed guesses at something only its owner knows (an invitation's code or address, the
address a visitor signed in with), counted per kiosk: after too many, the kiosk stops
answering for a while, so nobody at a shared screen can try code after code.

    >>> now = [0.0]
    >>> guard = Attempts(limit=2, window=60, wait=120, clock=lambda: now[0])
    >>> guard.failed(); guard.failed(); guard.wait_seconds()
    120
    >>> now[0] = 121; guard.wait_seconds()
    0
"""

from __future__ import annotations

import time


class Attempts:
    def __init__(self, limit: int = 6, window: float = 600, wait: float = 120, clock=time.monotonic) -> None:
        self.limit, self.window, self.wait = limit, window, wait
        self.clock = clock
        self._failures: list[float] = []
        self._until = 0.0

    def wait_seconds(self) -> int:
        """How long until the next guess is answered (0: now)."""
        return max(0, round(self._until - self.clock()))

    def failed(self) -> None:
        now = self.clock()
        self._failures = [t for t in self._failures if now - t < self.window] + [now]
        if len(self._failures) >= self.limit:
            self._until = now + self.wait
            self._failures = []

    def succeeded(self) -> None:
        self._failures = []
