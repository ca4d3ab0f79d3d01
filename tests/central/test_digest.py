"""What nobody answered reaches a person: the morning digest per service and the escalation
of overdue items to managers, through the mailer to a real SMTP server; and documents are
deleted a set time after they were indexed, with the purge in the audit log."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import create_engine, select, text

from central import db as tables
from central import digest, retention, work
from central.notify import Mailer, SmtpSettings
from central.service_levels import LONDON
from tests.effects import reference
from tests.helpers import smtp_server

from .test_console import document, file_records, follow_up, items
from .console_helpers import member


def send_all(app, smtp) -> list:
    Mailer(app.state.engine, SmtpSettings(host="127.0.0.1", port=smtp.port, sender="console@council.example")).send_due()
    return smtp.inbox.messages


def test_the_digest_lists_overdue_and_due_tomorrow_once_a_day_and_escalates_once(app, client):
    file_records(client, app, "Civic Centre", document(1), document(2), follow_up(3))
    member(app, "officer@council.example", "officer@*/benefits")
    member(app, "other@council.example", "officer@*/council-tax")
    member(app, "boss@council.example", "manager@Civic Centre/benefits")
    member(app, "elsewhere@council.example", "manager@Riverside Hub")
    member(app, "hub@council.example", "coordinator@Civic Centre")
    first, second, _call = items(app)
    # the first document is overdue, the second falls due by close tomorrow
    due = tables.aware(second["due_at"])
    with tables.begin(app.state.engine) as conn:
        conn.execute(tables.work_items.update().where(tables.work_items.c.id == first["id"]).values(
            due_at=due - timedelta(days=3), amber_at=due - timedelta(days=4)))
    days = work.working_days()
    morning = datetime.combine(days.back(due.astimezone(LONDON).date(), 1), datetime.min.time(), LONDON) + \
        timedelta(hours=7, minutes=45)
    assert digest.send_digests(app.state.engine, morning - timedelta(hours=1)) == 0  # before 07:30
    assert digest.escalate(app.state.engine, morning) == 2  # the first document, and the follow-up call
    assert digest.send_digests(app.state.engine, morning) == 2  # benefits, and hub support
    assert digest.send_digests(app.state.engine, morning + timedelta(hours=2)) == 0  # once a day
    assert digest.escalate(app.state.engine, morning + timedelta(hours=2)) == 0     # once an item
    with smtp_server() as smtp:
        messages = send_all(app, smtp)
    to = {(tuple(rcpt), m["Subject"]): m for rcpt, m in messages}
    assert set(to) == {
        (("boss@council.example",), f"Overdue: {reference('DOC', 1)} (Civic Centre)"),
        (("officer@council.example",), "Benefits: 1 overdue, 1 due by tomorrow"),
        (("hub@council.example",), "Hub support: 1 overdue, 0 due by tomorrow"),
    }  # nobody else: not the council-tax officer, not another site's manager
    body = to[(("officer@council.example",), "Benefits: 1 overdue, 1 due by tomorrow")].get_content()
    assert reference("DOC", 1) in body.split("Due by close tomorrow")[0]
    assert reference("DOC", 2) in body.split("Due by close tomorrow")[1]
    assert f"/console/items/{first['id']}" in body
    assert "Jo Bloggs" not in body and "RV1 2AB" not in body  # no resident's details by email


def test_an_indexed_document_is_deleted_after_the_retention_period(app, client, monkeypatch):
    from .conftest import enrol, sealed, submit

    device = enrol(client, app, site="Civic Centre")
    model = document(7)
    record, files = sealed(device, model.KIND, model.model_dump(mode="json"), attachments={"documents.pdf": b"%PDF"})
    assert submit(client, device, record).json()["results"][0]["status"] in ("accepted", "incomplete")
    folder = app.state.files.root / record["id"]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "documents.pdf").write_bytes(files["documents.pdf"])
    item = items(app)[0]
    with tables.begin(app.state.engine) as conn:
        work.close(conn, item["id"], "staff:x@council.example", "Indexed into the back-office system")
    monkeypatch.setenv("HUBKIOSK_DOCUMENT_RETENTION_DAYS", "30")
    engine = app.state.engine
    assert retention.purge_documents(engine, app.state.files, datetime.now(timezone.utc) + timedelta(days=29)) == 0
    assert (folder / "documents.pdf").exists()
    assert retention.purge_documents(engine, app.state.files, datetime.now(timezone.utc) + timedelta(days=31)) == 1
    assert not (folder / "documents.pdf").exists()
    with engine.connect() as conn:
        row = conn.execute(select(tables.documents)).mappings().one()
        logged = conn.execute(select(tables.audit.c.actor, tables.audit.c.action, tables.audit.c.subject)).all()
    assert (row["name"], row["postcode"], row["purged_at"] is not None) == ("", "", True)
    assert ("central:retention", "documents.purge", model.receipt) in logged
    assert retention.purge_documents(engine, app.state.files, datetime.now(timezone.utc) + timedelta(days=60)) == 0


def test_a_reports_contact_details_are_deleted_after_it_has_been_closed_for_the_retention_period(
        app, client, monkeypatch):
    """Closed by staff in the console, or by the back office's status: either way the name,
    email and phone go a set time later, once, audited; open reports keep them."""
    from sqlalchemy import update

    from .test_resident_pages import report

    monkeypatch.setenv("HUBKIOSK_CONTACT_RETENTION_DAYS", "28")
    for ref in ("RPT-STAF-AAA2", "RPT-BACK-AAA2", "RPT-OPEN-AAA2"):
        report(client, app, ref, "en")
    engine, now = app.state.engine, datetime.now(timezone.utc)
    [staff_item] = [i for i in items(app) if i["reference"] == "RPT-STAF-AAA2"]
    with tables.begin(engine) as conn:
        work.close(conn, staff_item["id"], "staff:x@council.example", "Passed to the street cleansing team")
        conn.execute(update(tables.reports).where(tables.reports.c.reference == "RPT-BACK-AAA2").values(
            status="closed", status_updated_at=now))

    def contacts() -> dict:
        with engine.connect() as conn:
            return {r.reference: (r.contact_name, r.contact_email, r.contact_phone, r.contact_deleted_at is not None)
                    for r in conn.execute(select(tables.reports))}

    before = contacts()
    assert retention.purge_report_contacts(engine, now + timedelta(days=27)) == 0 and contacts() == before
    assert retention.purge_report_contacts(engine, now + timedelta(days=29)) == 2
    after = contacts()
    assert after["RPT-STAF-AAA2"] == after["RPT-BACK-AAA2"] == ("", "", "", True)
    assert after["RPT-OPEN-AAA2"] == before["RPT-OPEN-AAA2"] and before["RPT-OPEN-AAA2"][1] == "jo.bloggs@example.com"
    with engine.connect() as conn:
        logged = set(conn.execute(select(tables.audit.c.actor, tables.audit.c.action, tables.audit.c.subject)).all())
    assert {("central:retention", "reports.contact-purge", r) for r in ("RPT-STAF-AAA2", "RPT-BACK-AAA2")} <= logged
    assert retention.purge_report_contacts(engine, now + timedelta(days=90)) == 0   # once


def test_a_database_from_before_gains_the_new_columns(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = create_engine(url)
    with old.begin() as conn:
        conn.execute(text("CREATE TABLE documents (receipt VARCHAR(20) PRIMARY KEY, record_id VARCHAR(36), "
                          "site VARCHAR(80), device_id VARCHAR(36), purpose VARCHAR(30), kind VARCHAR(30), "
                          "reference VARCHAR(40), name VARCHAR(120), postcode VARCHAR(10), pages INTEGER, "
                          "scanned_at DATETIME)"))
        conn.execute(text("INSERT INTO documents VALUES ('DOC-1', 'r1', 'S', 'd', 'other', 'other', '', '', '', 1, "
                          "'2026-11-01 10:00:00')"))
    engine = tables.make_engine(url)
    with engine.connect() as conn:
        row = conn.execute(select(tables.documents)).mappings().one()
    assert row["receipt"] == "DOC-1" and row["purged_at"] is None
