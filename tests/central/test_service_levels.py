"""Service-level clocks count working days in England and Wales, from GOV.UK's holidays."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from central.service_levels import DEFAULT_TIMESCALES, LONDON, Timescale, WorkingDays

DAYS = WorkingDays()


def at(day: str, clock: str = "10:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=LONDON)


@pytest.mark.parametrize("received, days, due", [
    (at("2026-12-24", "15:00"), 2, at("2026-12-30", "17:00")),   # Christmas, Boxing Day moved to Monday 28th
    (at("2026-12-24", "17:00"), 0, at("2026-12-29", "17:00")),   # at close: counts from the next working day
    (at("2027-03-25"), 1, at("2027-03-30", "17:00")),            # Good Friday and Easter Monday 2027
    (at("2026-11-28"), 0, at("2026-11-30", "17:00")),            # a Saturday counts from Monday
    (at("2026-11-30"), 5, at("2026-12-07", "17:00")),            # a plain week
    (at("2027-05-28"), 1, at("2027-06-01", "17:00")),            # the late May bank holiday
])
def test_due_times_skip_weekends_and_bank_holidays(received, days, due):
    assert DAYS.due(received, days) == due


def test_due_is_at_close_in_london_whatever_the_season_or_the_zone_it_came_in():
    summer = DAYS.due(datetime(2026, 7, 1, 8, 0, tzinfo=timezone.utc), 1)  # 09:00 in London
    assert (summer.isoformat(), summer.astimezone(timezone.utc).hour) == ("2026-07-02T17:00:00+01:00", 16)
    # clocks go back on Sunday 25 October 2026: still 17:00 on the wall
    assert DAYS.due(at("2026-10-23"), 1).isoformat() == "2026-10-26T17:00:00+00:00"
    # 16:30 UTC in summer is 17:30 in London: after close
    assert DAYS.day_zero(datetime(2026, 7, 1, 16, 30, tzinfo=timezone.utc)) == date(2026, 7, 2)


def test_items_turn_amber_then_red():
    received, scale = at("2026-11-30", "09:30"), Timescale(working_days=3, warn_days=1)
    states = [DAYS.status(received, scale, moment).state for moment in (
        at("2026-12-01", "12:00"), at("2026-12-02", "16:59"), at("2026-12-02", "17:00"), at("2026-12-03", "16:00"),
        at("2026-12-03", "17:00"), at("2026-12-10"))]
    assert states == ["on-time", "on-time", "due-soon", "due-soon", "overdue", "overdue"]
    status = DAYS.status(received, scale, at("2026-12-01"))
    assert (status.amber_at, status.due_at) == (at("2026-12-02", "17:00"), at("2026-12-03", "17:00"))
    # the amber mark skips the weekend too: due Monday, amber from Friday's close
    monday = DAYS.status(at("2026-12-04"), Timescale(1), at("2026-12-04", "17:30"))
    assert (monday.due_at, monday.amber_at, monday.state) == (at("2026-12-07", "17:00"), at("2026-12-04", "17:00"),
                                                              "due-soon")


def test_the_bundled_holidays_are_known_for_years_ahead_and_say_until_when():
    assert not DAYS.is_working(date(2028, 12, 25)) and DAYS.known_until >= date(2028, 12, 31)
    assert DAYS.is_working(date(2029, 12, 24)) and not DAYS.is_working(date(2029, 12, 29))  # weekends still
    assert set(DEFAULT_TIMESCALES) == {"document", "street-report", "follow-up"}


def test_a_timescale_must_make_sense():
    for bad in ((-1, 0), (2, 4), (400, 1)):
        with pytest.raises(ValueError):
            Timescale(*bad)


@given(received=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 1),
                             timezones=st.just(LONDON)),
       days=st.integers(0, 30), later=st.timedeltas(timedelta(0), timedelta(days=3)))
def test_due_is_a_working_day_at_close_and_never_earlier_for_a_later_item(received, days, later):
    due = DAYS.due(received, days)
    assert DAYS.is_working(due.date()) and due.timetz().replace(tzinfo=None).isoformat() == "17:00:00"
    assert due > received and DAYS.due(received + later, days) >= due
    working = sum(DAYS.is_working(DAYS.day_zero(received) + timedelta(days=n))
                  for n in range(1, (due.date() - DAYS.day_zero(received)).days + 1))
    assert working == days


@given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 20)),
       st.sampled_from(sorted(DEFAULT_TIMESCALES)))
def test_a_kiosk_counts_the_same_day_as_central_from_the_published_charter(moment, kind):
    """The `service-levels` document carries what central counts with: a kiosk offline
    names the day central will store for the same item, at any hour of any day."""
    from sync.charter import Charter, document

    kiosk = Charter.from_document(document(DEFAULT_TIMESCALES, DAYS, date(2025, 12, 1)))
    handed = moment.replace(tzinfo=LONDON)
    assert kiosk.due(kind, handed) == DAYS.due(handed, DEFAULT_TIMESCALES[kind].working_days)


def test_kiosks_pull_the_charter_and_a_changed_timescale_reaches_them(client, app):
    """Published before each pull when it changed (a read otherwise): the console's change
    is in the next document, signed, and a report's stored deadline is the kiosk's day."""
    from sqlalchemy import select

    from central import db as tables
    from central import work
    from sync.charter import Charter
    from sync.protocol import API, SignedDocument
    from sync.reference import check

    from .conftest import enrol
    from .test_resident_pages import report

    device = enrol(client, app)
    first = SignedDocument.model_validate(client.get(f"{API}/reference/service-levels", headers=device.auth).json())
    check(first, device.signing_key)
    again = SignedDocument.model_validate(client.get(f"{API}/reference/service-levels", headers=device.auth).json())
    assert again.version == first.version   # nothing changed: no new version
    assert first.data["timescales"]["street-report"] == {"working_days": 2, "warn_days": 1}
    assert "2026-12-25" in first.data["bank_holidays"]
    with tables.begin(app.state.engine) as conn:
        work.set_timescale(conn, "street-report", 4, 1, "staff:x@council.example")
    changed = SignedDocument.model_validate(client.get(f"{API}/reference/service-levels", headers=device.auth).json())
    check(changed, device.signing_key)
    assert changed.version == first.version + 1 and changed.data["timescales"]["street-report"]["working_days"] == 4

    report(client, app, "RPT-DUEK-AAA2", "en", reported_at="2026-12-01T15:00:00+00:00")   # held offline
    with app.state.engine.connect() as conn:
        due = conn.execute(select(tables.work_items.c.due_at)).scalar()
    kiosk_day = Charter.from_document(changed.data).due("street-report", datetime(2026, 12, 1, 15, tzinfo=timezone.utc))
    assert tables.aware(due) == kiosk_day == at("2026-12-07", "17:00")   # Tuesday, then four working days
