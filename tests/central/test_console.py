"""The staff console in process: sign-in with a second factor, lockout, sessions and CSRF;
work items made with their records and their clocks; who may see and do what, by role,
site and service (no cross reads); and an audit row for every view of personal data."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from central import db as tables
from central import staff, work
from central.console.web import COOKIE
from sync import payloads
from tests.effects import reference
from tests.helpers import feedback, street_report

from .conftest import enrol, sealed, submit
from .console_helpers import PASSWORD, csrf, member, sign_in

NOW = datetime.now(timezone.utc)


@pytest.fixture
def console(app):
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c


def browser(app) -> TestClient:
    return TestClient(app, base_url="http://127.0.0.1")


def audit_rows(app, action: str | None = None) -> list[dict]:
    query = select(tables.audit)
    if action:
        query = query.where(tables.audit.c.action == action)
    with app.state.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def document(n: int, purpose: str = "housing-benefit") -> payloads.DocumentScan:
    return payloads.DocumentScan(receipt=reference("DOC", n), purpose=purpose, kind="income",
                                 reference=f"4001{n:04d}", name="Jo Bloggs", postcode="RV1 2AB", pages=1,
                                 scanned_at=NOW)


def follow_up(n: int) -> payloads.SignupFollowUp:
    return payloads.SignupFollowUp(reference=reference("ACC", n), first_name="Sam", last_name="Helped",
                                   mobile="+447700900123", stage="address", asked_at=NOW, language="pl")


def file_records(client, app, site: str, *models) -> None:
    device = enrol(client, app, site=site, name=f"kiosk-{abs(hash(site)) % 1000}")
    records = [sealed(device, m.KIND, m.model_dump(mode="json"))[0] for m in models]
    for r in submit(client, device, *records).json()["results"]:
        assert r["status"] == "accepted", r


def items(app) -> list[dict]:
    with app.state.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(tables.work_items).order_by(tables.work_items.c.id)).mappings()]


# ----- sign-in --------------------------------------------------------------------------------------
def test_every_console_page_sends_a_stranger_to_sign_in(console):
    for path in ("/console/", "/console/items", "/console/items/1", "/console/visitors", "/console/feedback",
                 "/console/fleet", "/console/staff", "/console/audit", "/console/visitors/roll-call?site=X",
                 "/console/feedback/comments"):
        answer = console.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/console/sign-in?next="), path
    for path in ("/console/items.csv", "/console/audit.csv", "/console/items/1/document.pdf",
                 "/console/items/1/pages/1.jpg", "/console/feedback/stars.svg", "/console/feedback.csv"):
        assert console.get(path, follow_redirects=False).status_code == 403, path
    page = console.get("/console/sign-in")
    assert page.status_code == 200 and "Security code" in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"


def test_set_up_then_sign_in_needs_password_and_a_fresh_code(app, console):
    with tables.begin(app.state.engine) as conn:
        token = staff.add(conn, app.state.keys, "Ana.Patel@Council.example", "Ana Patel", [staff.Role("admin")])
    page = console.get(f"/console/set-up/{token}")
    assert page.status_code == 200 and "ana.patel@council.example" in page.text and "<svg" in page.text
    with app.state.engine.connect() as conn:
        totp = staff.totp_for(app.state.keys, staff.setup_account(conn, token))
    weak = console.post(f"/console/set-up/{token}", data={"password": "password1234", "again": "password1234",
                                                          "code": totp.now()})
    assert weak.status_code == 400 and "most common" in weak.text and "govuk-error-summary" in weak.text
    wrong = console.post(f"/console/set-up/{token}", data={"password": PASSWORD, "again": PASSWORD, "code": "000000"})
    assert wrong.status_code == 400 and "security code is not right" in wrong.text
    done = console.post(f"/console/set-up/{token}", data={"password": PASSWORD, "again": PASSWORD, "code": totp.now()},
                        follow_redirects=False)
    assert done.status_code == 303 and COOKIE in done.cookies
    cookie = done.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/console" in cookie
    assert console.get(f"/console/set-up/{token}").status_code == 404  # a link works once

    fresh = browser(app)
    ana = staff.by_email(app.state.engine.connect(), "ana.patel@council.example")
    assert ana["state"] == "active" and ana["password_hash"].startswith("scrypt$")
    # the code used to set up cannot sign in again (each code is good once)
    from .console_helpers import Member

    who = Member("ana.patel@council.example", totp, ana["id"], ana["totp_last_step"])
    replay = sign_in(fresh, who, code=totp.at(ana["totp_last_step"] * 30))
    assert replay.status_code == 400 and "not right" in replay.text
    assert sign_in(fresh, who, password="wrong password here").status_code == 400
    good = sign_in(fresh, who)
    assert good.status_code == 303 and good.headers["location"] == "/console/"
    assert fresh.get("/console/").status_code == 200


def test_wrong_sign_ins_lock_the_account_longer_each_time(app):
    who = member(app, "lee@council.example", "manager")
    c = browser(app)
    for _ in range(staff.MAX_FAILURES):
        answer = sign_in(c, who, password="not the password at all")
        assert answer.status_code == 400 and staff.WRONG in answer.text
    locked = sign_in(c, who)  # the right password and code, but locked
    assert locked.status_code == 400 and staff.WRONG in locked.text
    from .console_helpers import Member
    import pyotp

    stranger = sign_in(c, Member("nobody.here@council.example", pyotp.TOTP(pyotp.random_base32()), "x"))
    # a locked account and an address nobody has get the same words: nobody learns who has an account
    def words(answer, email):
        import re as _re

        main = answer.text.split("<main")[1].split("</main>")[0].replace(email, "E")
        return _re.sub(r'name="form_token" value="[^"]+"', "", main)

    assert words(stranger, "nobody.here@council.example") == words(locked, "lee@council.example")
    engine = app.state.engine
    with tables.begin(engine) as conn:  # the first lock runs out
        conn.execute(update(tables.staff).values(locked_until=NOW - timedelta(seconds=1)))
    for _ in range(staff.MAX_FAILURES):
        sign_in(c, who, password="not the password at all")
    with engine.connect() as conn:
        row = conn.execute(select(tables.staff)).mappings().one()
    lock = tables.aware(row["locked_until"]) - datetime.now(timezone.utc)
    assert row["lockouts"] == 2 and timedelta(minutes=29) < lock <= timedelta(minutes=31)
    # an administrator unlocks it (the password and app stay)...
    admin = member(app, "unlocker@council.example", "admin")
    a = browser(app)
    sign_in(a, admin)
    assert "Unlock" in a.get("/console/staff").text
    a.post("/console/staff", data={"csrf": csrf(a, "/console/staff"), "action": "unlock", "staff_id": who.id})
    assert sign_in(c, who).status_code == 303
    assert ("staff:unlocker@council.example", "staff.unlock") in {(r["actor"], r["action"]) for r in audit_rows(app)}
    # ... or resets it, which signs the person out and gives a new set-up link
    with tables.begin(engine) as conn:
        token = staff.reset(conn, app.state.keys, who.id)
        assert staff.setup_account(conn, token) is not None
    assert sign_in(c, who).status_code == 400  # no password until set up again


def test_sessions_end_when_idle_and_on_sign_out_and_forms_need_their_token(app):
    who = member(app, "kim@council.example", "admin")
    c = browser(app)
    assert sign_in(c, who).status_code == 303
    token = csrf(c)
    # a form without the session's token does nothing
    assert c.post("/console/staff", data={"action": "disable", "staff_id": who.id}).status_code == 403
    assert c.post("/console/staff", data={"action": "disable", "staff_id": who.id, "csrf": "x" * 43}).status_code == 403
    # nor one another site posted (the browser says so)
    assert c.post("/console/staff", data={"action": "add", "csrf": token}, headers={
        "Sec-Fetch-Site": "cross-site"}).status_code == 403
    with tables.begin(app.state.engine) as conn:
        conn.execute(update(tables.staff_sessions).values(seen_at=NOW - staff.IDLE - timedelta(seconds=5)))
    assert c.get("/console/", follow_redirects=False).status_code == 303  # idle: signed out
    assert sign_in(c, who).status_code == 303
    out = c.post("/console/sign-out", data={"csrf": csrf(c)}, follow_redirects=False)
    assert out.status_code == 303
    c.cookies.set(COOKIE, out.request.headers["cookie"].split(f"{COOKIE}=")[1].split(";")[0], path="/console")
    assert c.get("/console/", follow_redirects=False).status_code == 303  # the old cookie is dead


def test_sign_in_never_sends_anyone_off_the_console(app):
    who = member(app, "ola@council.example", "manager")
    c = browser(app)
    page = c.get("/console/sign-in?next=https://evil.example/")
    assert 'value="/console/"' in page.text
    page = c.get("/console/sign-in?next=//evil.example/console/")
    assert "evil" not in page.text
    assert sign_in(c, who).headers["location"] == "/console/"


def test_wrong_sign_ins_from_one_address_are_rate_limited(tmp_path, monkeypatch):
    import pyotp

    from central.app import create_app

    from .console_helpers import Member

    monkeypatch.setenv("HUBKIOSK_RATE_LIMITS", "staff-sign-in=6/10minutes,300/10minutes")
    app = create_app(tmp_path / "limited")
    c = browser(app)
    nobody = Member("nobody@council.example", pyotp.TOTP(pyotp.random_base32()), "x")
    answers = [sign_in(c, nobody, password="guess guess guess").status_code for _ in range(8)]
    assert answers[:6] == [400] * 6 and answers[-1] == 429
    assert int(sign_in(c, nobody).headers["retry-after"]) > 0


# ----- work items -----------------------------------------------------------------------------------
def test_records_become_items_in_their_services_queue_with_a_clock(app, client):
    file_records(client, app, "Civic Centre", document(1), document(2, "council-tax"),
                 street_report(3), street_report(4).model_copy(update={"category": "pothole"}), follow_up(5),
                 feedback(6))
    got = items(app)
    assert [(i["kind"], i["service"], i["site"]) for i in got] == [
        ("document", "benefits", "Civic Centre"), ("document", "council-tax", "Civic Centre"),
        ("street-report", "environment", "Civic Centre"), ("street-report", "highways", "Civic Centre"),
        ("follow-up", "hub-support", "Civic Centre")]
    days = work.working_days()
    for item in got:
        due = days.due(NOW, {"document": 5, "street-report": 2, "follow-up": 2}[item["kind"]])
        assert tables.aware(item["due_at"]) == due and tables.aware(item["amber_at"]) < due
        assert work.status(item, NOW) == "on-time" and work.status(item, due) == "overdue"
    # the same records again: no second item
    assert len(items(app)) == 5


def test_an_officer_claims_notes_and_closes_and_the_clock_stops(app, client):
    file_records(client, app, "Civic Centre", document(1), follow_up(2))
    officer = member(app, "benefits@council.example", "officer@Civic Centre/benefits")
    c = browser(app)
    sign_in(c, officer)
    doc, call = items(app)
    page = c.get(f"/console/items/{doc['id']}")
    assert page.status_code == 200 and "Jo Bloggs" in page.text and "RV1 2AB" in page.text
    token = csrf(c, f"/console/items/{doc['id']}")
    assert c.post(f"/console/items/{doc['id']}", data={"csrf": token, "action": "claim"}).status_code == 200
    empty = c.post(f"/console/items/{doc['id']}", data={"csrf": token, "action": "close", "outcome": "other",
                                                        "other": "  "})
    assert empty.status_code == 400 and "Enter the outcome" in empty.text
    c.post(f"/console/items/{doc['id']}", data={"csrf": token, "action": "note", "note": "Rang the claimant"})
    done = c.post(f"/console/items/{doc['id']}", data={"csrf": token, "action": "close",
                                                       "outcome": "Indexed into the back-office system"})
    assert done.status_code == 200 and "Item closed" in done.text
    item = work.get(app.state.engine.connect(), doc["id"])
    assert (item["state"], item["assignee"], item["outcome"]) == ("closed", officer.id,
                                                                 "Indexed into the back-office system")
    with app.state.engine.connect() as conn:
        assert [e["action"] for e in work.history(conn, doc["id"])] == ["claimed", "note", "closed"]
    again = c.post(f"/console/items/{doc['id']}", data={"csrf": token, "action": "claim"})
    assert "closed already" in again.text
    # a benefits officer cannot open the follow-up call (it is the hub coordinators')
    assert c.get(f"/console/items/{call['id']}").status_code == 403
    coordinator = member(app, "hub@council.example", "coordinator@Civic Centre")
    c2 = browser(app)
    sign_in(c2, coordinator)
    page = c2.get(f"/console/items/{call['id']}")
    assert page.status_code == 200 and "07700 900123" in page.text
    c2.post(f"/console/items/{call['id']}", data={"csrf": csrf(c2, f"/console/items/{call['id']}"),
                                                  "action": "close", "outcome": "Called: signup finished"})
    with app.state.engine.connect() as conn:
        row = conn.execute(select(tables.signup_followups)).mappings().one()
    assert row["done_at"] is not None and row["done_by"] == "staff:hub@council.example"


def test_the_queue_turns_red_when_the_clock_passes_and_filters_by_it(app, client, monkeypatch):
    file_records(client, app, "Civic Centre", document(1), document(2))
    officer = member(app, "b@council.example", "officer@*/benefits")
    c = browser(app)
    sign_in(c, officer)
    page = c.get("/console/items?clock=overdue")
    assert "DOC-" not in page.text.split("<tbody")[-1] if "<tbody" in page.text else True
    later = tables.aware(items(app)[0]["due_at"]) + timedelta(minutes=1)
    monkeypatch.setattr(work, "_now", lambda: later)
    page = c.get("/console/items?clock=overdue")
    assert page.text.count("govuk-tag--red\">Overdue") >= 3  # the summary and both rows
    assert reference("DOC", 1) in page.text and reference("DOC", 2) in page.text


# ----- who sees what --------------------------------------------------------------------------------
PAGES = ["/console/", "/console/items", "/console/visitors", "/console/feedback", "/console/feedback/comments",
         "/console/fleet", "/console/staff", "/console/audit", "/console/service-levels", "/console/items.csv", "/console/audit.csv",
         "/console/feedback.csv", "/console/feedback/stars.svg"]
ALLOWED = {
    "reception@Civic Centre": {"/console/", "/console/visitors"},
    "host": {"/console/", "/console/visitors"},
    "officer@Civic Centre/benefits": {"/console/", "/console/items", "/console/items.csv"},
    "coordinator@Riverside Hub": {"/console/", "/console/items", "/console/items.csv", "/console/fleet"},
    "manager@Civic Centre": {"/console/", "/console/items", "/console/items.csv", "/console/feedback",
                             "/console/feedback/comments", "/console/feedback.csv", "/console/feedback/stars.svg"},
    "admin": {"/console/", "/console/feedback", "/console/feedback/comments", "/console/fleet", "/console/staff",
              "/console/audit", "/console/service-levels", "/console/audit.csv", "/console/feedback.csv", "/console/feedback/stars.svg"},
}


def test_every_page_for_every_role_and_no_cross_reads(app, client):
    file_records(client, app, "Civic Centre", document(1), document(2, "council-tax"), follow_up(3), feedback(4))
    file_records(client, app, "Riverside Hub", document(5), follow_up(6))
    by_ref = {i["reference"]: i for i in items(app)}
    cross = []
    for n, (role, allowed) in enumerate(ALLOWED.items()):
        who = member(app, f"person{n}@council.example", role)
        c = browser(app)
        sign_in(c, who)
        for path in PAGES:
            status = c.get(path, follow_redirects=False).status_code
            assert status == (200 if path in allowed else 403), (role, path, status)
        readable = {ref for ref, item in by_ref.items()
                    if c.get(f"/console/items/{item['id']}").status_code == 200
                    and ("Jo Bloggs" in c.get(f"/console/items/{item['id']}").text
                         or "07700 900123" in c.get(f"/console/items/{item['id']}").text)}
        listed = c.get("/console/items?state=all").text
        expected = {
            "officer@Civic Centre/benefits": {reference("DOC", 1)},
            "coordinator@Riverside Hub": {reference("ACC", 6)},
        }.get(role, set())
        cross += [(role, ref) for ref in readable - expected]
        assert readable == expected, role
        if path_allowed := "/console/items" in allowed:
            shown = {ref for ref in by_ref if ref in listed}
            scope = {"officer@Civic Centre/benefits": {reference("DOC", 1)},
                     "coordinator@Riverside Hub": {reference("ACC", 6)},
                     "manager@Civic Centre": {reference("DOC", 1), reference("DOC", 2), reference("ACC", 3)}}[role]
            assert path_allowed and shown == scope, role
    assert cross == []


# ----- the audit log --------------------------------------------------------------------------------
def test_each_view_of_personal_data_is_in_the_audit_log(app, client):
    file_records(client, app, "Civic Centre", document(1), feedback(2, comment="The volunteer was lovely"))
    officer = member(app, "aud@council.example", "officer@*/benefits")
    manager = member(app, "mgr@council.example", "manager")
    c = browser(app)
    sign_in(c, officer)
    item = items(app)[0]
    c.get(f"/console/items/{item['id']}")
    c.get("/console/items.csv")
    m = browser(app)
    sign_in(m, manager)
    assert "The volunteer was lovely" in m.get("/console/feedback/comments").text
    rows = {(r["actor"], r["action"], r["subject"], r["rows"]) for r in audit_rows(app)}
    assert ("staff:aud@council.example", "document.open", item["reference"], 1) in rows
    assert ("staff:aud@council.example", "items.export", "state=active", 1) in rows
    assert ("staff:mgr@council.example", "feedback.comments", "", 1) in rows
    # nobody can change it, the console included
    with pytest.raises(Exception, match="cannot be changed"):
        with tables.begin(app.state.engine) as conn:
            conn.execute(tables.audit.delete())


# ----- PostgreSQL -----------------------------------------------------------------------------------
@pytest.mark.skipif(not __import__("os").environ.get("HUBKIOSK_TEST_POSTGRES_URL"), reason="no PostgreSQL server")
def test_the_console_works_the_same_on_postgresql(tmp_path):
    """Every console query on PostgreSQL: items and their clocks, scope, closing, feedback
    sums, the digest, the audit page and the back-office list."""
    import os

    from central import back_office, digest
    from central.app import create_app
    from tests.helpers import fresh_postgres_database

    app = create_app(tmp_path / "central", database_url=fresh_postgres_database(os.environ["HUBKIOSK_TEST_POSTGRES_URL"]))
    with TestClient(app) as client:
        file_records(client, app, "Civic Centre", document(1), document(2, "council-tax"), follow_up(3),
                     feedback(4, comment="Kind staff"), street_report(5))
        officer = member(app, "pg.officer@council.example", "officer@Civic Centre/benefits")
        admin = member(app, "pg.admin@council.example", "admin", "manager")
        c = browser(app)
        assert sign_in(c, officer).status_code == 303
        listed = c.get("/console/items?state=all").text
        assert reference("DOC", 1) in listed and reference("DOC", 2) not in listed
        doc = next(i for i in items(app) if i["reference"] == reference("DOC", 1))
        assert c.get(f"/console/items?clock=on-time&reference={doc['reference']}").text.count("/console/items/") >= 1
        token = csrf(c, f"/console/items/{doc['id']}")
        c.post(f"/console/items/{doc['id']}", data={"csrf": token, "action": "close", "outcome": "Indexed into the back-office system"})
        assert work.get(app.state.engine.connect(), doc["id"])["state"] == "closed"
        a = browser(app)
        assert sign_in(a, admin).status_code == 303
        for path in ("/console/", "/console/feedback", "/console/feedback/stars.svg", "/console/audit", "/console/fleet",
                     "/console/staff", "/console/feedback/comments"):
            assert a.get(path).status_code == 200, path
        assert "Kind staff" in a.get("/console/feedback/comments").text
        later = max(tables.aware(i["due_at"]) for i in items(app)) + timedelta(minutes=1)
        assert digest.escalate(app.state.engine, later) == 3  # all but the closed one
        with tables.begin(app.state.engine) as conn:
            key = {"X-API-Key": back_office.create_key(conn, "PG system", ["*"])}
        assert client.get(f"{back_office.PREFIX}/items?state=all", headers=key).json()["total"] == 4
    app.state.engine.dispose()


def test_every_form_refuses_those_without_the_role_or_the_scope(app, client):
    """Each POST route, by someone signed in who must not use it: 403, and nothing changes."""
    file_records(client, app, "Civic Centre", document(1))
    item = items(app)[0]
    with tables.begin(app.state.engine) as conn:
        conn.execute(tables.visits.insert().values(
            visit_id="v-1", site="Civic Centre", device_id="d", name="Ann Visitor", company="", host_id="h1",
            host_name="Hal Host", checked_in_at=NOW))
        conn.execute(tables.hosts.insert().values(id="h1", name="Hal Host", email="hal@council.example",
                                                  department="", active=True))
        conn.execute(tables.hosts.insert().values(id="h2", name="Other Host", email="other.host@council.example",
                                                  department="", active=True))
        conn.execute(tables.invites.insert().values(code="ABC234", site="Civic Centre", visitor="Vi Sitor",
                                                    company="", email="", host_id="h1", day=NOW.date().isoformat(),
                                                    created_at=NOW))
    people = {
        "manager": member(app, "m@council.example", "manager"),
        "other officer": member(app, "o@council.example", "officer@Civic Centre/council-tax"),
        "other site": member(app, "s@council.example", "officer@Riverside Hub/benefits", "reception@Riverside Hub"),
        "other host": member(app, "other.host@council.example", "host"),
        "coordinator": member(app, "c@council.example", "coordinator@Civic Centre"),
    }
    with app.state.engine.connect() as conn:
        codes = len(conn.execute(select(tables.enrol_codes)).all())
    forms = [
        (f"/console/items/{item['id']}", {"action": "close", "outcome": "Indexed"}, ("manager", "other officer", "other site", "coordinator")),
        ("/console/visitors/sign-out", {"site": "Civic Centre", "visit_id": "v-1"}, ("manager", "other site", "other host", "coordinator")),
        ("/console/visitors/cancel", {"code": "ABC234"}, ("manager", "other host", "coordinator", "other officer")),
        ("/console/visitors/invite", {"visitor": "X"}, ("manager", "coordinator", "other officer")),
        ("/console/staff", {"action": "add", "email": "x@council.example", "name": "X", "role": "admin"}, tuple(people)),
        ("/console/fleet", {"action": "code", "site": "Civic Centre"}, tuple(people)),
        ("/console/service-levels", {"kind": "document", "working_days": "1", "warn_days": "0"}, tuple(people)),
    ]
    clients = {}
    for name, person in people.items():
        clients[name] = browser(app)
        sign_in(clients[name], person)
    for path, data, who in forms:
        for name in who:
            c = clients[name]
            answer = c.post(path, data={**data, "csrf": csrf(c)}, follow_redirects=False)
            assert answer.status_code == 403, (path, name, answer.status_code)
    with app.state.engine.connect() as conn:
        assert conn.execute(select(tables.visits.c.signed_out_at)).scalar() is None
        assert conn.execute(select(tables.invites.c.code)).scalar() == "ABC234"
        assert len(conn.execute(select(tables.enrol_codes)).all()) == codes
        assert staff.by_email(conn, "x@council.example") is None
    assert work.status(items(app)[0]) != "closed"
    assert work.timescale(app.state.engine.connect(), "document").working_days == 5
    # a badge of another site's visitor is not shown either
    assert clients["other site"].get("/console/visitors/badge/v-1").status_code == 403


def test_an_administrator_sets_the_charter_and_new_items_follow_it(app, client):
    admin = member(app, "charter@council.example", "admin")
    c = browser(app)
    sign_in(c, admin)
    token = csrf(c, "/console/service-levels")
    bad = c.post("/console/service-levels", data={"csrf": token, "kind": "document", "working_days": "ten",
                                                  "warn_days": "1"})
    assert bad.status_code == 400 and "whole numbers" in bad.text and "govuk-error-summary" in bad.text
    bad = c.post("/console/service-levels", data={"csrf": token, "kind": "document", "working_days": "400",
                                                  "warn_days": "1"})
    assert bad.status_code == 400 and "0 to 365 working days" in bad.text
    file_records(client, app, "Civic Centre", document(1))  # before the change: 5 days
    done = c.post("/console/service-levels", data={"csrf": token, "kind": "document", "working_days": "10",
                                                   "warn_days": "2"})
    assert done.status_code == 200 and "Scanned document: 10 working days from now on" in done.text
    assert "Set by charter@council.example" in done.text
    file_records(client, app, "Riverside Hub", document(2))
    first, second = items(app)
    days = work.working_days()
    assert tables.aware(first["due_at"]) == days.due(NOW, 5)  # queued items keep their deadline
    assert tables.aware(second["due_at"]) == days.due(NOW, 10)
    assert tables.aware(second["amber_at"]) == days.close_of(days.back(days.due(NOW, 10).date(), 2))


def test_a_new_site_gets_its_first_enrolment_code_from_the_console(app):
    admin = member(app, "sites@council.example", "admin")
    c = browser(app)
    sign_in(c, admin)
    page = c.post("/console/fleet", data={"csrf": csrf(c, "/console/fleet"), "action": "code",
                                          "new_site": "Northgate Community Hub"})
    assert page.status_code == 200 and "Enrolment code for Northgate Community Hub" in page.text
    with app.state.engine.connect() as conn:
        assert "Northgate Community Hub" in set(conn.execute(select(tables.sites.c.name)).scalars())
    clash = c.post("/console/fleet", data={"csrf": csrf(c, "/console/fleet"), "action": "code",
                                           "new_site": "northgate community-hub"}, follow_redirects=True)
    assert "too close to the existing site" in clash.text


def test_managers_see_how_each_service_is_doing(app, client, monkeypatch):
    file_records(client, app, "Civic Centre", document(1), document(2), document(3, "council-tax"), follow_up(4))
    file_records(client, app, "Riverside Hub", document(5))
    doc1, doc2, tax, call, elsewhere = items(app)
    with tables.begin(app.state.engine) as conn:
        work.close(conn, doc1["id"], "staff:x", "Indexed into the back-office system")   # on time
        conn.execute(tables.work_items.update().where(tables.work_items.c.id == doc2["id"]).values(
            due_at=NOW - timedelta(hours=1), amber_at=NOW - timedelta(hours=2)))      # overdue
    manager = member(app, "dash@council.example", "manager@Civic Centre")
    with app.state.engine.connect() as conn:
        scope = work.Filter(frozenset(["Civic Centre"]), None)
        rows = {r["service"]: r for r in work.by_service(conn, scope)}
    assert rows["benefits"] == {"service": "benefits", "name": "Benefits", "open": 1, "overdue": 1, "closed": 1,
                                "on_time_share": 1.0}
    assert rows["council-tax"]["open"] == 1 and rows["hub-support"]["open"] == 1 and len(rows) == 3
    c = browser(app)
    sign_in(c, manager)
    home = c.get("/console/").text
    assert "How each service is doing" in home and "Benefits" in home and "Riverside Hub" not in home


def test_what_a_page_says_was_done_cannot_be_written_into_its_address(app, client):
    file_records(client, app, "Civic Centre", document(1))
    officer = member(app, "flash@council.example", "officer@*/benefits")
    c = browser(app)
    sign_in(c, officer)
    item = items(app)[0]
    assert "Call 0800 000 000" not in c.get(f"/console/items/{item['id']}?done=Call 0800 000 000").text
    claimed = c.post(f"/console/items/{item['id']}", data={"csrf": csrf(c, f"/console/items/{item['id']}"),
                                                          "action": "claim"}, follow_redirects=False)
    assert claimed.headers["location"] == f"/console/items/{item['id']}"  # nothing in the address
    assert "You have claimed this item" in c.get(claimed.headers["location"]).text
    assert "You have claimed this item" not in c.get(claimed.headers["location"]).text  # said once


def test_a_manager_sees_an_items_history_without_its_notes(app, client):
    file_records(client, app, "Civic Centre", document(1))
    officer = member(app, "writer@council.example", "officer@*/benefits")
    manager = member(app, "reader@council.example", "manager")
    item = items(app)[0]
    c = browser(app)
    sign_in(c, officer)
    token = csrf(c, f"/console/items/{item['id']}")
    c.post(f"/console/items/{item['id']}", data={"csrf": token, "action": "note", "note": "Rang Jo on 07700 900999"})
    c.post(f"/console/items/{item['id']}", data={"csrf": token, "action": "close", "outcome": "other",
                                                 "other": "Jo Bloggs sent it again by post"})
    m = browser(app)
    sign_in(m, manager)
    page = m.get(f"/console/items/{item['id']}").text
    assert "Note" in page and "07700" not in page and "Jo Bloggs" not in page
    from central import back_office

    with tables.begin(app.state.engine) as conn:
        key = back_office.create_key(conn, "cache check", ["*"])
    answer = client.get(f"{back_office.PREFIX}/items/{item['id']}", headers={"X-API-Key": key})
    assert answer.headers["cache-control"] == "no-store"


def test_adding_a_person_shows_their_link_once_and_is_audited_with_their_address(app):
    admin = member(app, "adder@council.example", "admin")
    c = browser(app)
    sign_in(c, admin)
    token = csrf(c, "/console/staff")
    bad = c.post("/console/staff", data={"csrf": token, "action": "add", "email": "not an address", "name": "X",
                                         "role": "officer"})
    assert bad.status_code == 400 and 'href="#email"' in bad.text and "right format" in bad.text
    unknown = c.post("/console/staff", data={"csrf": token, "action": "add", "email": "y@council.example",
                                             "name": "Y", "role": "wizard"})
    assert unknown.status_code == 400 and 'href="#role"' in unknown.text and "Choose a role" in unknown.text
    added = c.post("/console/staff", data={"csrf": token, "action": "add", "email": "New.Person@council.example",
                                           "name": "New Person", "role": "officer", "service": "benefits"})
    assert added.status_code == 200 and "/console/set-up/" in added.text
    assert "/console/set-up/" not in c.get("/console/staff").text
    rows = {(r["actor"], r["action"], r["subject"]) for r in audit_rows(app)}
    assert ("staff:adder@council.example", "staff.add", "New.Person@council.example") in rows
    with app.state.engine.connect() as conn:
        assert [str(r) for r in staff.get(conn, staff.by_email(conn, "new.person@council.example")["id"]).roles] == \
            ["officer@*/benefits"]
