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

Counting is `sync.charter`'s, shared with the kiosks: they tell residents the same day
from the `service-levels` document `publish()` signs (each kind's timescale and the
holidays), offline too.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from govuk_bank_holidays.bank_holidays import BankHolidays

from sync import charter
from sync.charter import LONDON, STATES, Status, Timescale

__all__ = ["DEFAULT_TIMESCALES", "LONDON", "STATES", "Status", "Timescale", "WorkingDays", "publish",
           "reference_data", "up_to_date"]

# What the council promises for each kind of item until an administrator changes it.
DEFAULT_TIMESCALES = {
    "document": Timescale(5),        # a scanned document indexed into the back office
    "street-report": Timescale(2),   # a report the back office has not acknowledged
    "follow-up": Timescale(2),       # a resident who asked to be called back
}


class WorkingDays(charter.WorkingDays):
    """Working days in England and Wales: GOV.UK's bank holidays unless given others."""

    def __init__(self, holidays: set[date] | None = None, closes: time = time(17, 0)) -> None:
        if holidays is None:
            calendar = BankHolidays(use_cached_holidays=True)  # the package's own copy: never the network
            holidays = {h["date"] for h in calendar.get_holidays(division=BankHolidays.ENGLAND_AND_WALES)}
        super().__init__(holidays, closes)


def reference_data(conn, days: WorkingDays, today: date | None = None) -> dict:
    """The `service-levels` document: every kind's timescale now, and the holidays from a
    year back (an item a kiosk held offline counts from when it was handed over)."""
    from central import work

    today = today or datetime.now(LONDON).date()
    timescales = {kind: Timescale(t["working_days"], t["warn_days"]) for kind, t in work.timescales(conn).items()}
    return charter.document(timescales, days, today - timedelta(days=366))


def up_to_date(conn, days: WorkingDays) -> bool:
    """Whether the `service-levels` kiosks get says what central counts with now."""
    import json

    from sqlalchemy import select

    from central import db as tables

    row = conn.execute(select(tables.reference.c.document).where(tables.reference.c.name == charter.DOCUMENT)).first()
    return row is not None and json.loads(row.document)["data"] == reference_data(conn, days)


def publish(engine, keys, days: WorkingDays) -> bool:
    """Sign a new `service-levels` for kiosks if it differs from the one they have (before
    each kiosk's pull of it, so a timescale changed in the console reaches them at their
    next sync; a read, and a write only when it changed); True if it did."""
    from central import db as tables
    from central.publishing import publish as sign

    with engine.connect() as conn:
        if up_to_date(conn, days):
            return False
    with tables.begin(engine) as conn:
        if up_to_date(conn, days):   # another worker was first
            return False
        sign(conn, keys, charter.DOCUMENT, reference_data(conn, days))
    return True
