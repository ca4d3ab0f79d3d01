"""Visitors end to end without a window: a kiosk's desk, the outbox, a real central service,
and a real SMTP server on loopback (aiosmtpd) receiving the host's email."""

from __future__ import annotations

import json
import sqlite3
import time

import pytest

from central.demo import hosts
from kiosk.core.config import KioskConfig
from kiosk.core.printing import Printer
from kiosk.core.visitors.desk import VisitorDesk, WalkIn
from sync.client import CentralClient, Refused
from sync.device import open_outbox
from sync.protocol import SubmissionBatch, site_document
from sync.reference import ReferenceStore
from sync.vault import Vault
from sync.worker import SyncWorker, to_wire


from .conftest import Central, enrol, free_port

SITE = "Riverside Civic Centre"


@pytest.fixture(scope="module")
def office(smtp, tmp_path_factory):
    server = Central(tmp_path_factory.mktemp("central-visitors"), "--smtp-host", "127.0.0.1",
                     "--smtp-port", str(smtp.port), "--smtp-from", "kiosks@riverside.gov.example")
    server.cli("demo-data", "--site", SITE, "--hosts", "40")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def kiosk(office, tmp_path):
    done = enrol(office, tmp_path / "kiosk", site=SITE)
    assert done.returncode == 0, done.stderr
    identity, outbox = open_outbox(tmp_path / "kiosk")
    vault = Vault.open(tmp_path / "kiosk")
    refs = ReferenceStore(outbox.db, identity.signing_key, vault)
    client = CentralClient(identity.central_url, identity.device_token)
    for name in ("directory", site_document("invites", SITE), site_document("appointments", SITE)):
        refs.pull(client, name)
    desk = VisitorDesk(outbox, refs, vault, KioskConfig().visitors, Printer(), site=SITE, device="kiosk-1",
                       online=lambda: True)
    worker = SyncWorker(outbox, client, identity.signing_key)
    return desk, worker, client, refs


def central_db(office):
    return sqlite3.connect(office.data / "central.db")


def test_an_invited_visitor_reaches_central_and_their_host_gets_one_email(office, kiosk, smtp):
    inbox = smtp.inbox
    desk, worker, _client, refs = kiosk
    book = desk.invites()
    invite = next(iter(book.invites.values()))
    # The kiosk holds no invited visitor's address, only a salted check of it: typing the
    # address finds the invitation, a name or a near-miss finds nothing.
    (address,) = central_db(office).execute("SELECT email FROM invites WHERE code = ?", [invite.code]).fetchone()
    published = json.dumps(refs.get(site_document("invites", SITE)))
    assert address not in published and address.split("@")[0] not in published
    assert [i.code for i in book.find_email(address.upper())] == [invite.code]
    assert book.find_email(address + "x") == [] and book.find_email(invite.visitor) == []
    checked = desk.check_in_invite(book.find_code(invite.code))
    before = len(inbox.messages)
    # Central stores it but the answer is lost; the worker sends it again: stored once, one email.
    batch = worker.outbox.claim(10, 60)
    worker.client.submit(SubmissionBatch(records=[to_wire(i) for i in batch]))
    worker.outbox.release([i.id for i in batch])
    assert worker.drain_once().sent == 1
    messages = inbox.wait_for(before + 1)
    to, email = messages[before]
    host_email = next(h["email"] for h in hosts(40) if h["id"] == invite.host_id)
    assert to == [host_email] and invite.visitor in email["Subject"]
    assert SITE in email.get_content() and "kiosks@riverside.gov.example" in email["From"]
    with central_db(office) as db:
        assert db.execute("SELECT name, signed_out_at FROM visits WHERE visit_id = ?",
                          [checked.visit.visit_id]).fetchone() == (invite.visitor, None)
        assert db.execute("SELECT used_at IS NOT NULL FROM invites WHERE code = ?", [invite.code]).fetchone() == (1,)
    time.sleep(1.5)  # a second email would have gone by now
    assert len(inbox.messages) == before + 1
    # Central republished the site's invites without the used one.
    refs.pull(worker.client, site_document("invites", SITE))
    assert invite.code not in {i["code"] for i in refs.get(site_document("invites", SITE))["invites"]}


def test_a_returning_visitor_is_recognised_by_email_and_sign_out_reaches_central(office, kiosk):
    desk, worker, client, _refs = kiosk
    host = desk.directory().hosts[0]
    form = WalkIn(name="Marta Nowak", company="Keystone Legal LLP", email="Marta.Nowak@Keystone.example",
                  host=host, purpose="meeting", vehicle="KL70 ABC", signature_png=b"\x89PNG signature")
    visit = desk.check_in_walk_in(form).visit
    assert worker.drain_once().sent == 1
    returning = client.returning_visitor("marta.nowak@keystone.example ")
    assert (returning.name, returning.company, returning.vehicle) == ("Marta Nowak", "Keystone Legal LLP", "KL70 ABC")
    assert client.returning_visitor("someone.else@example.com") is None
    assert visit.visit_id in {v.visit_id for v in client.on_site().visits}
    desk.sign_out(visit.visit_id, "badge")
    assert worker.drain_once().sent == 1
    assert visit.visit_id not in {v.visit_id for v in client.on_site().visits}
    log = (office.data.parent / f"central-{office.port}.log").read_text()
    assert "Nowak" not in log and "Keystone" not in log and "KL70" not in log  # nothing personal logged


def test_appointment_arrivals_are_queued_for_their_service(office, kiosk):
    desk, worker, _client, _refs = kiosk
    book = desk.appointments()
    appointment = sorted(book.by_reference.values(), key=lambda a: a.reference)[0]
    ticket = desk.arrive(book.find(appointment.reference))
    assert worker.drain_once().sent == 1
    with central_db(office) as db:
        assert db.execute("SELECT ticket FROM appointments WHERE reference = ?",
                          [appointment.reference]).fetchone() == (ticket.number,)


def test_another_sites_documents_are_not_served(office, kiosk):
    _desk, _worker, client, _refs = kiosk
    with pytest.raises(Refused) as refused:
        client.reference(site_document("invites", "Northfield Community Hub"))
    assert str(refused.value).startswith("404")
    assert client.reference(site_document("invites", SITE)).data["site"] == SITE


def test_emails_wait_while_the_mail_server_is_down(tmp_path):
    """Mailer against a port where nothing listens: kept, retried later, never lost."""
    from central import db as tables
    from central.notify import Mailer, SmtpSettings
    from central.visitors import queue_email

    engine = tables.make_engine(tables.sqlite_url(tmp_path))
    with engine.begin() as conn:
        queue_email(conn, "host@riverside.gov.example", "Your visitor has arrived", "Hello", record_id=None)
    down = Mailer(engine, SmtpSettings(host="127.0.0.1", port=free_port(), sender="k@x.example"), timeout=2)
    assert down.send_due() == 0
    with engine.connect() as conn:
        row = conn.execute(tables.notifications.select()).mappings().one()
    assert (row["state"], row["attempts"], row["error"]) == ("pending", 1, "ConnectionRefusedError")
    assert down.send_due() == 0  # not due again yet: backing off
