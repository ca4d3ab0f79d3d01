"""Staff PINs: stored only as scrypt hashes, with a lockout after repeated wrong tries.

    >>> h = hash_pin("2468")
    >>> verify_pin("2468", h), verify_pin("1111", h)
    (True, False)

`PinGate` keeps its count of failures in a small JSON file, so restarting the kiosk does
not reset a lockout; lockouts in a row grow longer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from kiosk.core.paths import atomic_write_json, read_json

PIN_RE = re.compile(r"^[0-9]{4,8}$")
_HASH_RE = re.compile(r"^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=_-]+)\$([A-Za-z0-9+/=_-]+)$")


def hash_pin(pin: str, *, n: int = 16384, r: int = 8, p: int = 1, salt: bytes | None = None) -> str:
    """Return `scrypt$n$r$p$salt$hash` for a 4 to 8 digit PIN."""
    if not PIN_RE.match(pin):
        raise ValueError("a PIN is 4 to 8 digits")
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=32)
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    return f"scrypt${n}${r}${p}${b64(salt)}${b64(digest)}"


def is_pin_hash(value: str) -> bool:
    """True if `value` has the shape `hash_pin` produces."""
    return bool(_HASH_RE.match(value))


def verify_pin(pin: str, stored: str) -> bool:
    """Check `pin` against a stored hash in constant time."""
    match = _HASH_RE.match(stored)
    if not match or not PIN_RE.match(pin):
        return False
    n, r, p = (int(g) for g in match.groups()[:3])
    salt = base64.b64decode(match.group(4))
    expected = base64.b64decode(match.group(5))
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=len(expected))
    return hmac.compare_digest(digest, expected)


@dataclass(frozen=True)
class PinResult:
    """Outcome of one PIN attempt."""

    ok: bool
    attempts_left: int = 0
    locked_for: int = 0  # whole seconds until another try is allowed

    @property
    def locked(self) -> bool:
        return self.locked_for > 0


class PinGate:
    """Checks staff PINs and locks out after `max_attempts` wrong tries in a row.

    Each lockout in a row (with no right PIN between) lasts twice as long as the one before,
    up to `max_lockout_seconds`: 5, 10, 20, 40 minutes ... then a day. At a day's lockout only
    five PINs a day can be tried, so guessing a four-digit PIN takes years, not the nine days
    a fixed five-minute lockout allowed. A state file that is there but cannot be read (cut
    short, tampered with) locks, as a lockout would: it never unlocks.
    """

    def __init__(
        self,
        pin_hash: str,
        state_file: Path,
        *,
        max_attempts: int = 5,
        lockout_seconds: int = 300,
        max_lockout_seconds: int = 86400,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.pin_hash = pin_hash
        self.state_file = Path(state_file)
        self.max_attempts = max_attempts
        self.lockout_seconds = lockout_seconds
        self.max_lockout_seconds = max_lockout_seconds
        self.clock = clock

    def _state(self) -> dict:
        """The saved state; a file that exists but does not read as one is a lockout."""
        missing = object()
        state = read_json(self.state_file, missing)
        if state is missing and not self.state_file.exists():
            return {}
        valid = isinstance(state, dict) and all(
            isinstance(state.get(key, 0), (int, float)) and not isinstance(state.get(key, 0), bool)
            for key in ("failures", "locked_until", "lockouts"))
        if valid:
            return state
        lockouts = 1
        state = {"failures": 0, "locked_until": self.clock() + self._lockout(lockouts), "lockouts": lockouts}
        atomic_write_json(self.state_file, state)
        return state

    def _lockout(self, lockouts: int) -> int:
        return int(min(self.max_lockout_seconds, self.lockout_seconds * 2 ** max(0, min(lockouts - 1, 30))))

    def locked_for(self) -> int:
        """Seconds left of a lockout, 0 when PINs may be tried."""
        until = float(self._state().get("locked_until", 0) or 0)
        return max(0, int(until - self.clock() + 0.999))

    def attempt(self, pin: str) -> PinResult:
        """Try a PIN; a lockout refuses even the right one until it ends."""
        left = self.locked_for()
        if left:
            return PinResult(ok=False, locked_for=left)
        if verify_pin(pin, self.pin_hash):
            atomic_write_json(self.state_file, {"failures": 0, "locked_until": 0, "lockouts": 0})
            return PinResult(ok=True)
        state = self._state()
        failures = int(state.get("failures", 0) or 0) + 1
        lockouts = int(state.get("lockouts", 0) or 0)
        if failures >= self.max_attempts:
            seconds = self._lockout(lockouts + 1)
            atomic_write_json(self.state_file, {"failures": 0, "locked_until": self.clock() + seconds,
                                                "lockouts": lockouts + 1})
            return PinResult(ok=False, locked_for=seconds)
        atomic_write_json(self.state_file, {"failures": failures, "locked_until": 0, "lockouts": lockouts})
        return PinResult(ok=False, attempts_left=self.max_attempts - failures)
