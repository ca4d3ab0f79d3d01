"""Rate limits on everything that can be guessed: enrolment codes, tracking references,
activation links, the password-reset form, returning-visitor look-ups and "check my progress".

Each rule has a limit per client (an IP address, or a device for device routes) and one for
everybody together, so neither one patient guesser nor a botnet gets far. Most rules count
only *misses* (a wrong code, an unknown reference): a council's own traffic is never slowed
by its successes. Past a limit the answer is 429 with `Retry-After`, which kiosks honour.

Counts use the `limits` library's moving windows in memory, per worker process. With
several workers (or several central servers) point them at one shared store instead,
with `HUBKIOSK_RATE_LIMIT_STORAGE` (for example `redis://localhost:6379`); see
docs/operations.md. `HUBKIOSK_RATE_LIMITS` overrides rules, e.g.
`enrol=5/minute,50/minute;track=30/minute,600/minute` (per client, then overall).
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

# rule -> (per client, everybody together)
RULES: dict[str, tuple[str, str]] = {
    "enrol": ("10/minute", "100/minute"),      # wrong enrolment codes
    "track": ("30/minute", "1000/minute"),     # unknown tracking references
    "activate": ("10/minute", "200/minute"),   # activation or reset links that open nothing
    "reset": ("10/10minutes", "300/10minutes"),  # password-reset requests (each may send an email)
    "lookup": ("30/minute", "1200/minute"),    # returning-visitor look-ups, per device
    "staff-sign-in": ("20/10minutes", "300/10minutes"),  # wrong console sign-ins (accounts also lock)
    "api-key": ("20/minute", "300/minute"),    # wrong back-office API keys
    "progress": ("10/10minutes", "300/10minutes"),  # "check my progress" misses, per kiosk
    "progress-reference": ("5/hour", "1000/hour"),  # ...and per reference, from any kiosk
}


class TooManyRequests(Exception):
    """A limit is reached: try again in `retry_after` seconds."""

    def __init__(self, rule: str, retry_after: int) -> None:
        super().__init__(f"too many tries ({rule}): wait {retry_after} s")
        self.rule = rule
        self.retry_after = retry_after


@dataclass(frozen=True)
class _Rule:
    each: RateLimitItem
    everyone: RateLimitItem


def _rules_from(text: str) -> dict[str, tuple[str, str]]:
    rules = dict(RULES)
    for part in filter(None, (p.strip() for p in text.split(";"))):
        name, _eq, limits = part.partition("=")
        each, _comma, everyone = limits.partition(",")
        if name.strip() not in RULES or not each.strip():
            raise ValueError(f"HUBKIOSK_RATE_LIMITS: cannot read {part!r}")
        rules[name.strip()] = (each.strip(), everyone.strip() or RULES[name.strip()][1])
    return rules


class Throttle:
    """Counts misses and requests per rule; `check` refuses once a limit is reached."""

    def __init__(self, storage: str | None = None, rules: str | None = None) -> None:
        storage = storage or os.environ.get("HUBKIOSK_RATE_LIMIT_STORAGE") or "memory://"
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage))
        text = rules if rules is not None else os.environ.get("HUBKIOSK_RATE_LIMITS", "")
        self._rules = {name: _Rule(parse(each), parse(everyone))
                       for name, (each, everyone) in _rules_from(text).items()}

    def check(self, rule: str, client: str) -> None:
        """Raise TooManyRequests if `client` (or everybody) has used up `rule` for now."""
        limits = self._rules[rule]
        for item, key in ((limits.each, client), (limits.everyone, "*")):
            if not self._limiter.test(item, rule, key):
                reset_at, _remaining = self._limiter.get_window_stats(item, rule, key)
                raise TooManyRequests(rule, max(1, math.ceil(reset_at - time.time())))

    def count(self, rule: str, client: str) -> None:
        """Count one miss (or one request) against `client` and everybody."""
        limits = self._rules[rule]
        self._limiter.hit(limits.each, rule, client)
        self._limiter.hit(limits.everyone, rule, "*")

    def take(self, rule: str, client: str) -> None:
        """`check`, then `count`: for rules where every request counts."""
        self.check(rule, client)
        self.count(rule, client)

    def reset(self) -> None:
        self._limiter.storage.reset()


def client_of(request) -> str:
    """The caller's address (uvicorn puts a trusted proxy's X-Forwarded-For here)."""
    return request.client.host if request.client else "unknown"
