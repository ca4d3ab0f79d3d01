"""Residents told how their report is getting on: an acknowledgement with the day, a notice
when the back office starts and when it closes (or staff close it), each once, in the
language used at the kiosk, through a real SMTP server or the recording GOV.UK Notify
stand-in (tests/notify_server.py) driven by the real Notify client."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from central import db as tables
from central import notices, pages, retention, work
from central.category_texts import texts
from central.notify import Mailer, NotifySettings, SmtpSettings
from central.open311 import Forwarder, Open311Settings, apply_status, poll_statuses
from tests.helpers import smtp_server
from tests.notify_server import NotifyServer
from tests.open311_server import Open311Server

from .test_console import file_records, follow_up, items
from .test_resident_pages import report

DESCRIPTION = "Mattress and bags"   # the resident's own words: never in a notice


def notes(app, reference: str | None = None) -> list[dict]:
    c = tables.notifications.c
    query = select(tables.notifications).where(c.notice_key.is_not(None)).order_by(c.notice_key)
    if reference:
        query = query.where(c.record_id == reference)
    with app.state.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


@pytest.fixture
def notify():
    server = NotifyServer().start()
    yield server
    server.stop()


@pytest.fixture
def backoffice():
    server = Open311Server().start()
    yield server
    server.stop()


def notify_mailer(app, server: NotifyServer, smtp=None) -> Mailer:
    settings = NotifySettings.from_env(server.env())
    return Mailer(app.state.engine, smtp, notify=settings, timeout=5)


def forwarded(app, backoffice, reference: str) -> str:
    """The report forwarded to the back office (statuses asked for at once): its request id."""
    settings = Open311Settings(url=backoffice.url, api_key=backoffice.api_key, jurisdiction=backoffice.jurisdiction,
                               timeout=2, status_seconds=0)
    Forwarder(app.state.engine, settings).forward_due()
    [created] = backoffice.created_for(reference)
    return created["service_request_id"]


def test_a_report_is_acknowledged_once_in_its_language_with_the_day_it_will_be_passed_on(client, app,
                                                                                        monkeypatch):
    monkeypatch.setenv("HUBKIOSK_PUBLIC_URL", "https://kiosks.riverside.gov.example")
    monkeypatch.setenv("HUBKIOSK_COUNCIL_PHONE", "01632 960 000")
    report(client, app, "RPT-ACKP-AAA2", "pl")
    [note] = notes(app)
    [item] = items(app)
    assert note["notice_key"] == "RPT-ACKP-AAA2:received" and note["channel"] == "email"
    assert note["to_address"] == "jo.bloggs@example.com" and note["state"] == "pending"
    polish, english = note["body"].split("\n---\nIn English:\n")
    day = pages.long_date(tables.aware(item["due_at"]), "pl", weekday=True)
    assert day in polish and texts("Fly tipping")["pl"] in polish and "Fly tipping" not in polish
    assert "https://kiosks.riverside.gov.example/track/RPT-ACKP-AAA2" in polish
    assert pages.gettext("pl", notices.WORDS["greeting"], name="Jo Bloggs") in polish
    assert "01632 960 000" in polish
    assert pages.long_date(tables.aware(item["due_at"]), "en", weekday=True) in english
    assert "Fly tipping" in english
    assert note["subject"] == pages.gettext("pl", notices.WORDS["report_received_subject"],
                                            reference="RPT-ACKP-AAA2")
    # no more than the resident gave, and not their words or the house
    for private in (DESCRIPTION, "14 Mill Lane", "Flat 2", "+447700900123", "bus stop"):
        assert private not in note["body"], private


def test_an_anonymous_report_and_a_mobile_only_one(client, app):
    report(client, app, "RPT-ANON-AAA2", "en", contact=None)
    report(client, app, "RPT-TEXT-AAA2", "ro", contact={"name": "Ana", "email": "", "phone": "+447700900124"})
    assert notes(app, "RPT-ANON-AAA2") == []
    [text] = notes(app, "RPT-TEXT-AAA2")
    assert text["channel"] == "sms" and text["to_address"] == "+447700900124" and text["subject"] == ""
    assert "In English" not in text["body"] and "RPT-TEXT-AAA2" in text["body"] and len(text["body"]) < 320
    [item] = [i for i in items(app) if i["reference"] == "RPT-TEXT-AAA2"]
    assert text["body"] == pages.gettext("ro", notices.WORDS["sms_report_received"], council="Council",
                                         reference="RPT-TEXT-AAA2", link=f"{pages.public_url()}/track/RPT-TEXT-AAA2",
                                         day=pages.long_date(tables.aware(item["due_at"]), "ro", weekday=True))


def test_each_back_office_status_gives_one_notice_and_a_rolled_back_change_none(client, app, backoffice):
    report(client, app, "RPT-STAT-AAA2", "lt")
    request_id = forwarded(app, backoffice, "RPT-STAT-AAA2")
    engine = app.state.engine
    settings = Open311Settings(url=backoffice.url, api_key=backoffice.api_key, jurisdiction=backoffice.jurisdiction,
                               timeout=2, status_seconds=0)
    forwarder = Forwarder(engine, settings)

    def events() -> list[str]:
        return [n["notice_key"].split(":")[1] for n in notes(app, "RPT-STAT-AAA2")]

    assert forwarder.poll_statuses() == 1 and events() == ["received"]   # "open": nothing new to say
    backoffice.set_status(request_id, "in_progress", "Crew booked")
    assert forwarder.poll_statuses() == 1 and events() == ["progress", "received"]
    assert forwarder.poll_statuses() == 0 and events() == ["progress", "received"]   # the same status again
    gets = len(backoffice.gets)
    poll_statuses(engine, settings, forwarder.client)
    assert [g for g in backoffice.gets[gets:] if "service_request_id=" + request_id in g]   # one GET for the batch

    # a change that rolls back sends nothing
    backoffice.set_status(request_id, "closed", "Cleared")
    with pytest.raises(RuntimeError):
        with tables.begin(engine) as conn:
            apply_status(conn, "RPT-STAT-AAA2", {"status": "closed"})
            raise RuntimeError("the transaction fails")
    assert events() == ["progress", "received"]
    assert forwarder.poll_statuses() == 1 and events() == ["closed", "progress", "received"]
    [closed] = [n for n in notes(app) if n["notice_key"].endswith(":closed")]
    assert texts("Fly tipping")["lt"] in closed["body"] and "Cleared" not in closed["body"]
    # staff closing it too, or the back office saying "fixed" after "closed": still one
    backoffice.set_status(request_id, "fixed")
    forwarder.poll_statuses()
    with tables.begin(engine) as conn:
        [item] = [i for i in items(app) if i["reference"] == "RPT-STAT-AAA2"]
        conn.execute(update(tables.work_items).where(tables.work_items.c.id == item["id"]).values(state="open"))
        work.close(conn, item["id"], "staff:x@council.example", "Cleared by the crew")
    assert events() == ["closed", "progress", "received"]
    # a finished report is not asked about again
    gets = len(backoffice.gets)
    assert forwarder.poll_statuses() == 0 and len(backoffice.gets) == gets


def test_staff_closing_a_report_tells_the_resident_but_the_back_office_taking_it_does_not(client, app):
    report(client, app, "RPT-SHUT-AAA2", "bg")
    report(client, app, "RPT-TAKE-AAA2", "en")
    by_ref = {i["reference"]: i for i in items(app)}
    with tables.begin(app.state.engine) as conn:
        work.close(conn, by_ref["RPT-TAKE-AAA2"]["id"], "open311", "Accepted by the back office as request 6001")
        work.close(conn, by_ref["RPT-SHUT-AAA2"]["id"], "staff:x@council.example", "Passed to street cleansing")
    assert [n["notice_key"] for n in notes(app, "RPT-TAKE-AAA2")] == ["RPT-TAKE-AAA2:received"]
    [_received, closed] = sorted(notes(app, "RPT-SHUT-AAA2"), key=lambda n: n["notice_key"] != "RPT-SHUT-AAA2:received")
    assert closed["notice_key"] == "RPT-SHUT-AAA2:closed"
    assert "Passed to street cleansing" not in closed["body"]   # staff's words are for staff
    assert closed["subject"] == pages.gettext("bg", notices.WORDS["report_closed_subject"], reference="RPT-SHUT-AAA2")


def test_a_follow_up_request_is_acknowledged_with_the_day_someone_will_call(client, app):
    file_records(client, app, "Civic Centre", follow_up(4))
    [item] = items(app)
    [note] = notes(app)
    assert note["channel"] == "sms" and note["to_address"] == "+447700900123"   # it gave a mobile only
    assert pages.long_date(tables.aware(item["due_at"]), "pl", weekday=True) in note["body"]
    assert item["reference"] in note["body"] and "Helped" not in note["body"]


def test_through_notify_emails_and_texts_are_sent_once_whatever_fails(client, app, notify):
    report(client, app, "RPT-NTFY-AAA2", "pl")
    report(client, app, "RPT-NTXT-AAA2", "pl", contact={"name": "Ola", "email": "", "phone": "+447700900125"})
    report(client, app, "RPT-NBAD-AAA2", "pl", contact={"name": "Ola", "email": "", "phone": "+48601234567"})
    mailer = notify_mailer(app, notify)
    notify.fail_next, notify.fail_status = 1, 500   # Notify down for the first: retried later
    notify.drop_next = 1                            # the second taken, its answer lost
    mailer.send_due()
    state = {n["record_id"]: n for n in notes(app)}
    assert state["RPT-NBAD-AAA2"]["state"] == "failed"   # not a UK mobile: Notify never will
    assert state["RPT-NBAD-AAA2"]["error"] == "Notify 400"   # (the number is not in it)
    assert ("RPT-NBAD-AAA2" not in [m["reference"] for m in notify.sent])
    with tables.begin(app.state.engine) as conn:   # the retries fall due
        conn.execute(update(tables.notifications).values(next_at=datetime.now(timezone.utc) - timedelta(hours=1)))
    mailer.send_due()
    mailer.send_due()
    state = {n["record_id"]: n for n in notes(app)}
    assert {state[r]["state"] for r in ("RPT-NTFY-AAA2", "RPT-NTXT-AAA2")} == {"sent"}
    for reference in ("RPT-NTFY-AAA2", "RPT-NTXT-AAA2"):
        [message] = notify.with_reference(f"{reference}:received")    # once, the lost answer included
        assert state[reference]["provider_id"] == message["id"]
    [email] = notify.sent_to("jo.bloggs@example.com")
    assert email["type"] == "email" and email["subject"] == state["RPT-NTFY-AAA2"]["subject"]
    assert texts("Fly tipping")["pl"] in email["body"] and "In English" in email["body"]
    [text] = notify.sent_to("+447700900125")
    assert text["type"] == "sms" and "In English" not in text["body"] and "RPT-NTXT-AAA2" in text["body"]
    assert mailer.send_due() == 0 and len(notify.sent) == 2


def test_a_wrong_notify_key_is_retried_not_lost(client, app, notify):
    report(client, app, "RPT-NKEY-AAA2", "en")
    settings = NotifySettings.from_env({**notify.env(), "HUBKIOSK_NOTIFY_API_KEY": "x-" + "0" * 36 + "-" + "1" * 36})
    Mailer(app.state.engine, None, notify=settings, timeout=5).send_due()
    [note] = notes(app)
    assert note["state"] == "pending" and note["error"] == "Notify 403" and notify.sent == []
    assert notify.refused[-1][0] == 403


def test_without_notify_the_emails_go_over_smtp_and_texts_wait(client, app):
    report(client, app, "RPT-SMTP-AAA2", "ro")
    report(client, app, "RPT-SMSW-AAA2", "ro", contact={"name": "Ana", "email": "", "phone": "+447700900124"})
    with smtp_server() as smtp:
        Mailer(app.state.engine, SmtpSettings(host="127.0.0.1", port=smtp.port, sender="kiosks@council.example"),
               timeout=5).send_due()
        [(to, message)] = smtp.inbox.messages
    assert to == ["jo.bloggs@example.com"] and "RPT-SMTP-AAA2" in message["Subject"]
    assert texts("Fly tipping")["ro"] in message.get_content()
    text = notes(app, "RPT-SMSW-AAA2")[0]
    assert text["state"] == "pending" and "HUBKIOSK_NOTIFY_API_KEY" in text["error"]


def test_the_retention_purge_takes_the_contact_out_of_the_notices_too(client, app, monkeypatch):
    monkeypatch.setenv("HUBKIOSK_CONTACT_RETENTION_DAYS", "28")
    report(client, app, "RPT-GONE-AAA2", "pl")
    [item] = items(app)
    with tables.begin(app.state.engine) as conn:
        work.close(conn, item["id"], "staff:x@council.example", "Done")
    assert len(notes(app)) == 2
    assert retention.purge_report_contacts(app.state.engine, datetime.now(timezone.utc) + timedelta(days=29)) == 1
    for note in notes(app):
        assert note["to_address"] == "" and "Jo" not in note["body"] and note["state"] == "failed"
    with tables.begin(app.state.engine) as conn:   # and nothing more is said to nobody
        apply_status(conn, "RPT-GONE-AAA2", {"status": "in_progress"})
    assert len(notes(app)) == 2
