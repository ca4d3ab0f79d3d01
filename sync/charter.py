"""The council's charter clock, the same on central and on every kiosk: working days in
England and Wales and when something handed over today will be dealt with.

Central counts each work item's deadline with it (central.service_levels, with GOV.UK's
bank holidays from the govuk-bank-holidays package); kiosks count the day they tell the
resident with it, offline too, from the `service-levels` reference document central
publishes (the timescales and the holidays). The same rules on both sides give the same
day, so the screen, the slip, the first email and the console agree.

    >>> days = WorkingDays({date(2026, 12, 25), date(2026, 12, 28)})
    >>> thursday = datetime(2026, 12, 24, 15, 0, tzinfo=LONDON)   # Christmas Eve
    >>> days.due(thursday, 2).isoformat()      # 25th, 26th-28th are holidays or the weekend
    '2026-12-30T17:00:00+00:00'

Counting: the day an item arrives is day 0 if it arrives on a working day before close
(17:00 London time), else day 0 is the next working day. An item with a timescale of N
days is due at close on the Nth working day after day 0; it turns amber (`due-soon`) at
close `warn_days` working days before that, and red (`overdue`) once due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
STATES = ("on-time", "due-soon", "overdue")
DOCUMENT = "service-levels"   # the reference document's name
KINDS = ("document", "street-report", "follow-up")


@dataclass(frozen=True)
class Timescale:
    """A charter promise: answered within `working_days`, amber `warn_days` before."""

    working_days: int
    warn_days: int = 1

    def __post_init__(self) -> None:
        if not 0 <= self.working_days <= 365 or not 0 <= self.warn_days <= self.working_days + 1:
            raise ValueError("a timescale is 0 to 365 working days, warned at most that many days before")


@dataclass(frozen=True)
class Status:
    due_at: datetime
    amber_at: datetime
    state: str  # on-time | due-soon | overdue


class WorkingDays:
    """Working days in England and Wales, at a council office's opening hours."""

    def __init__(self, holidays, closes: time = time(17, 0)) -> None:
        self.holidays = frozenset(holidays)
        self.known_until = max(self.holidays, default=date.min).replace(month=12, day=31)
        self.closes = closes

    def is_working(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def next_working(self, day: date) -> date:
        """`day` itself if it is a working day, else the next one."""
        while not self.is_working(day):
            day += timedelta(days=1)
        return day

    def add(self, day: date, n: int) -> date:
        """The nth working day after `day` (n = 0: `day`, moved on to a working day)."""
        day = self.next_working(day)
        for _ in range(n):
            day = self.next_working(day + timedelta(days=1))
        return day

    def back(self, day: date, n: int) -> date:
        """The nth working day before working day `day`."""
        for _ in range(n):
            day -= timedelta(days=1)
            while not self.is_working(day):
                day -= timedelta(days=1)
        return day

    def day_zero(self, received: datetime) -> date:
        """The working day an item counts from (see the module's docstring)."""
        local = received.astimezone(LONDON)
        day = local.date()
        if not self.is_working(day) or local.time() >= self.closes:
            day = self.next_working(day + timedelta(days=1))
        return day

    def close_of(self, day: date) -> datetime:
        return datetime.combine(day, self.closes, tzinfo=LONDON)

    def due(self, received: datetime, working_days: int) -> datetime:
        return self.close_of(self.add(self.day_zero(received), working_days))

    def status(self, received: datetime, timescale: Timescale, now: datetime) -> Status:
        due_at = self.due(received, timescale.working_days)
        amber_at = self.close_of(self.back(due_at.date(), timescale.warn_days))
        state = "overdue" if now >= due_at else "due-soon" if now >= amber_at else "on-time"
        return Status(due_at, amber_at, state)


# ----- the reference document -------------------------------------------------------------------
def document(timescales: dict[str, Timescale], days: WorkingDays, since: date) -> dict:
    """What central publishes: each kind's timescale and the holidays from `since` on."""
    return {"timescales": {kind: {"working_days": t.working_days, "warn_days": t.warn_days}
                           for kind, t in sorted(timescales.items())},
            "bank_holidays": sorted(d.isoformat() for d in days.holidays if d >= since),
            "closes": days.closes.strftime("%H:%M"), "time_zone": "Europe/London"}


@dataclass(frozen=True)
class Charter:
    """The timescales and calendar a kiosk read from central; `due(kind, now)` is the day."""

    timescales: dict[str, Timescale]
    days: WorkingDays

    @classmethod
    def from_document(cls, data: dict | None) -> "Charter | None":
        """None when there is no document yet or it cannot be read (the kiosk then names no day)."""
        if not data:
            return None
        try:
            timescales = {kind: Timescale(int(t["working_days"]), int(t.get("warn_days", 1)))
                          for kind, t in data["timescales"].items()}
            holidays = {date.fromisoformat(d) for d in data.get("bank_holidays", [])}
            hour, minute = (int(x) for x in str(data.get("closes", "17:00")).split(":"))
            return cls(timescales, WorkingDays(holidays, time(hour, minute)))
        except (KeyError, TypeError, ValueError, AttributeError):
            return None

    def due(self, kind: str, now: datetime) -> datetime | None:
        """When something of `kind` handed over at `now` is due; None for a kind not known,
        or past the holidays the document knows (the day would be a guess)."""
        timescale = self.timescales.get(kind)
        if timescale is None:
            return None
        due_at = self.days.due(now, timescale.working_days)
        if self.days.holidays and due_at.date() > self.days.known_until:
            return None
        return due_at
