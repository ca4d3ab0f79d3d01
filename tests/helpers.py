"""Small helpers shared by tests."""


class FakeClock:
    """A clock that only moves when a test moves it: `clock.now += 60`."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now
