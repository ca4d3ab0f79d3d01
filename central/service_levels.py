"""Service-level clocks: when an item that needs a person is due, and how near that is.

A council's charter promises an answer within so many *working* days: weekends and England
and Wales bank holidays do not count. The holidays are GOV.UK's list as bundled with
govuk-bank-holidays (no network needed: it is read from the package, so a server offline
keeps counting right); past the bundled years only weekends are known, and
`WorkingDays.known_until` says when that is, so operations can upgrade the package in time.

    >>> days = WorkingDays()
    >>> thursday = datetime(2026, 12, 24, 15, 0, tzinfo=LONDON)   # Christmas Eve
    >>> days.due(thursday, 2).isoformat()      # 25th, 26th-28th are holidays or the weekend
    '2026-12-30T17:00:00+00:00'
    >>> days.status(thursday, Timescale(2), datetime(2026, 12, 29, 18, 0, tzinfo=LONDON)).state
    'due-soon'

Counting: the day an item arrives is day 0 if it arrives on a working day before close
(17:00 London time), else day 0 is the next working day. An item with a timescale of N
days is due at close on the Nth working day after day 0; it turns amber (`due-soon`) at
close `warn_days` working days before that, and red (`overdue`) once due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from govuk_bank_holidays.bank_holidays import BankHolidays

LONDON = ZoneInfo("Europe/London")
STATES = ("on-time", "due-soon", "overdue")


@dataclass(frozen=True)
class Timescale:
    """A charter promise: answered within `working_days`, amber `warn_days` before."""

    working_days: int
    warn_days: int = 1

    def __post_init__(self) -> None:
        if not 0 <= self.working_days <= 365 or not 0 <= self.warn_days <= self.working_days + 1:
            raise ValueError("a timescale is 0 to 365 working days, warned at most that many days before")


# What the council promises for each kind of item until an administrator changes it.
DEFAULT_TIMESCALES = {
    "document": Timescale(5),        # a scanned document indexed into the back office
    "street-report": Timescale(2),   # a report the back office has not acknowledged
    "follow-up": Timescale(2),       # a resident who asked to be called back
}


@dataclass(frozen=True)
class Status:
    due_at: datetime
    amber_at: datetime
    state: str  # on-time | due-soon | overdue


class WorkingDays:
    """Working days in England and Wales, at a council office's opening hours."""

    def __init__(self, holidays: set[date] | None = None, closes: time = time(17, 0)) -> None:
        if holidays is None:
            calendar = BankHolidays(use_cached_holidays=True)  # the package's own copy: never the network
            holidays = {h["date"] for h in calendar.get_holidays(division=BankHolidays.ENGLAND_AND_WALES)}
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
