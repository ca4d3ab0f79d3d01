"""A record and everything central does because of it commit together, or not at all."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, text

from central import db as tables
from central import records, visitors
from sync.outbox import new_id
from sync.protocol import API

from .conftest import enrol, sealed, submit

HOSTS = [{"id": "h1", "name": "Priya Shah", "department": "Planning", "email": "priya.shah@council.example"}]


def checkin(visit_id: str, name: str = "Alex Morgan", **extra) -> dict:
    """A walk-in who signed in half an hour ago (still on site, whatever the day)."""
    signed_in = (datetime.now(timezone.utc) - timedelta(minutes=30)).isoformat(timespec="seconds")
    return {"type": "walk-in", "name": name, "company": "Acme Surveys", "email": "alex@acme.example",
            "host_id": "h1", "host_name": "Priya Shah", "purpose": "meeting", "vehicle": "", "visit_id": visit_id,
            "checked_in_at": signed_in, "kiosk_offline": False, **extra}


def count(engine, table, *where) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


@pytest.fixture
def desk(app, client):
    with tables.begin(app.state.engine) as conn:
        visitors.import_hosts(conn, app.state.keys, HOSTS)
    return enrol(client, app)


def test_a_savepoint_on_sqlite_is_a_real_savepoint(app):
    """pysqlite on its own releases a first savepoint straight to disk; central's engine must
    not: what a savepoint wrote is invisible to others until the outer commit, and gone if
    the outer transaction rolls back."""
    engine = app.state.engine
    with pytest.raises(RuntimeError), tables.begin(engine) as conn:
        with conn.begin_nested():
            conn.execute(text("INSERT INTO sites (slug, name, created_at) VALUES ('x', 'X', '2026-12-01')"))
        with engine.connect() as other:
            assert other.execute(text("SELECT COUNT(*) FROM sites WHERE slug = 'x'")).scalar_one() == 0
        raise RuntimeError("the batch fails after the savepoint was released")
    assert count(engine, tables.sites, tables.sites.c.slug == "x") == 0


def test_when_processing_fails_neither_the_record_nor_any_effect_stays(app, client, desk, monkeypatch):
    """A check-in whose processing fails half way (after the visit row, before the email)
    is not stored at all: the kiosk is told to send it again, and the resend does it all."""
    engine = app.state.engine
    real = records.HANDLERS["visitor-checkin"]

    def half_then_fail(conn, *args):
        real(conn, *args)  # the visit, the returning visitor and the host email are written...
        raise RuntimeError("...and then the database connection drops")

    monkeypatch.setitem(records.HANDLERS, "visitor-checkin", half_then_fail)
    visit_id = new_id()
    record, _files = sealed(desk, "visitor-checkin", checkin(visit_id), record_id=visit_id)
    first = submit(client, desk, record).json()["results"][0]
    assert (first["status"], first["receipt"]) == ("retry", None)
    assert count(engine, tables.records) == 0
    assert count(engine, tables.visits) == 0 and count(engine, tables.notifications) == 0
    assert count(engine, tables.visitors) == 0

    monkeypatch.setitem(records.HANDLERS, "visitor-checkin", real)
    again = submit(client, desk, record).json()["results"][0]
    assert again["status"] == "accepted" and again["receipt"]
    assert count(engine, tables.records) == 1 and count(engine, tables.visits) == 1
    [note] = client.app.state.engine.connect().execute(select(tables.notifications)).mappings().all()
    assert note["to_address"] == "priya.shah@council.example" and note["record_id"] == visit_id
    on_site = client.get(f"{API}/site/on-site", headers=desk.auth).json()
    assert [v["name"] for v in on_site["visits"]] == ["Alex Morgan"]
    # a third send is a duplicate: the original receipt, and nothing done twice
    third = submit(client, desk, record).json()["results"][0]
    assert (third["status"], third["receipt"]) == ("duplicate", again["receipt"])
    assert count(engine, tables.visits) == 1 and count(engine, tables.notifications) == 1


def test_a_payload_that_does_not_fit_its_kind_is_refused_alone(app, client, desk):
    """A check-in without a name can never be filed: it is refused for good (the kiosk
    dead-letters it) while the good record beside it in the batch is stored."""
    broken_id, good_id = new_id(), new_id()
    broken, _ = sealed(desk, "visitor-checkin", {"visit_id": broken_id, "host_id": "h1"}, record_id=broken_id)
    good, _ = sealed(desk, "visitor-checkin", checkin(good_id), record_id=good_id)
    results = submit(client, desk, broken, good).json()["results"]
    assert [r["status"] for r in results] == ["rejected", "accepted"]
    assert results[0]["error"] == ("not a visitor-checkin record central can read: these fields do not fit: "
                                   "checked_in_at, name, type")
    assert count(app.state.engine, tables.records) == 1 and count(app.state.engine, tables.visits) == 1
