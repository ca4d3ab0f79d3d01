"""My Account signup end to end without a window: records from a kiosk's outbox, a real
central service, a real SMTP server on loopback, and the activation pages a resident opens
on their own device."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from datetime import datetime, timezone
from email.message import EmailMessage

import pytest
import requests

from central.passwords import verify_password
from sync import payloads
from sync.client import CentralClient
from sync.device import open_outbox
from sync.protocol import SubmissionBatch
from sync.worker import SyncWorker, to_wire


from .conftest import Central, enrol

SITE = "Riverside Library"
COUNCIL = "Riverside Borough Council"
GOOD_PASSWORD = "kettle harbour violin"
LINK_RE = re.compile(r"(http://127\.0\.0\.1:\d+/account/activate/[A-Za-z0-9_-]+)")


@pytest.fixture(scope="module")
def office(smtp, tmp_path_factory):
    server = Central(tmp_path_factory.mktemp("central-accounts"), env={
        "HUBKIOSK_SMTP_HOST": "127.0.0.1", "HUBKIOSK_SMTP_PORT": str(smtp.port),
        "HUBKIOSK_SMTP_FROM": "myaccount@riverside.gov.example", "HUBKIOSK_COUNCIL_NAME": COUNCIL})
    server.env["HUBKIOSK_PUBLIC_URL"] = server.url
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def kiosk(office, tmp_path_factory):
    data = tmp_path_factory.mktemp("kiosk-accounts")
    done = enrol(office, data, site=SITE)
    assert done.returncode == 0, done.stderr
    identity, outbox = open_outbox(data)
    return SyncWorker(outbox, CentralClient(identity.central_url, identity.device_token), identity.signing_key)


def signup(email: str, reference: str, **changes) -> dict:
    payload = {"reference": reference, "first_name": "Jo", "last_name": "Bloggs", "email": email,
               "mobile": "+447400123456",
               "address": {"uprn": "100091234567", "lines": ["Flat 2", "14 Mill Lane"], "town": "Riverside",
                           "postcode": "RV1 2AB", "manual": False},
               "date_of_birth": "1980-04-01", "contact_by": ["email", "text"], "terms_version": "2026-04",
               "accepted_at": "2026-11-22T10:31:00+00:00", "assisted_by": "Sam (volunteer)", "language": "en",
               "site": "Somewhere the kiosk is not"}
    return {**payload, **changes}


def send(worker: SyncWorker, *records: tuple[str, dict]) -> list[str]:
    """Queue each (kind, payload) as the kiosk does, through its model, and send them."""
    ids = [worker.outbox.enqueue(payloads.parse(kind, 1, payload)) for kind, payload in records]
    assert worker.drain_once().sent == len(ids)
    return ids


def rows(office, query: str, *args) -> list[dict]:
    with sqlite3.connect(office.data / "central.db") as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute(query, args)]


def mail_to(smtp, address: str, n: int = 1) -> list[EmailMessage]:
    """The first `n` emails to `address`, waiting for them to arrive."""
    def mine():
        return [message for to, message in smtp.inbox.messages if to == [address]]
    for _ in range(300):
        if len(mine()) >= n:
            break
        time.sleep(0.05)
    assert len(mine()) >= n, f"{len(mine())} email(s) to {address}, not {n}"
    return mine()[:n]


def link_in(message: EmailMessage) -> str:
    return LINK_RE.search(message.get_content()).group(1)


def csrf(page: requests.Response) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def choose(session: requests.Session, link: str, password: str, again: str | None = None) -> requests.Response:
    page = session.get(link, timeout=10)
    assert page.status_code == 200, page.text
    return session.post(link, data={"csrf": csrf(page), "password": password,
                                    "again": password if again is None else again}, timeout=10)


def assert_private(office, *personal: str) -> None:
    """Nothing personal (names, addresses, passwords, links) in central's log."""
    log = (office.data.parent / f"central-{office.port}.log").read_text(errors="replace")
    for word in personal:
        assert word not in log, "personal data in central's log"
    assert "stored but not processed" not in log


def test_a_signup_is_activated_from_the_emailed_link(office, kiosk, smtp):
    """One pending account, one activation email; weak passwords are refused kindly; the
    link sets the password once, and the database never holds the password itself."""
    email = "jo.bloggs@example.com"
    send(kiosk, ("account-signup", signup("Jo.Bloggs@Example.COM", "ACC-4HJX-2M7Q")))
    [account] = rows(office, "SELECT * FROM accounts WHERE email = ?", email)
    assert (account["state"], account["reference"], account["site"]) == ("pending", "ACC-4HJX-2M7Q", SITE)
    assert account["postcode"] == "RV1 2AB" and account["mobile"] == "+447400123456"
    assert json.loads(account["contact_by"]) == ["email", "text"] and account["password_hash"] is None
    [message] = mail_to(smtp, email)
    assert message["Subject"] == f"Finish setting up your {COUNCIL} account"
    # RFC 5322: a Date, a named sender, a Message-ID in the sender's own domain
    from email.utils import parsedate_to_datetime

    assert abs((parsedate_to_datetime(message["Date"]) - datetime.now(timezone.utc)).total_seconds()) < 300
    [sender] = message["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (f"{COUNCIL} kiosks", "myaccount@riverside.gov.example")
    assert message["Message-ID"].endswith("@riverside.gov.example>")
    body = message.get_content()
    assert "7 days" in body and "ACC-4HJX-2M7Q" in body and "never ask you for your password" in body
    link = link_in(message)
    token = link.rsplit("/", 1)[1]
    assert token not in json.dumps(rows(office, "SELECT * FROM accounts"))  # only its hash is kept

    session = requests.Session()
    page = session.get(link, timeout=10)
    assert 'autocomplete="new-password"' in page.text and 'for="password">' in page.text
    assert page.headers["Referrer-Policy"] == "same-origin" and "frame-ancestors 'none'" in \
        page.headers["Content-Security-Policy"]
    for password, again, message_part in (
            ("short words", None, "at least 12 characters"),
            ("kettle harbour violin", "kettle harbour viola", "are not the same"),
            ("Password1234!", None, "most common"),
            (email, None, "must not be your email address")):
        refused = choose(session, link, password, again)
        assert refused.status_code == 422 and message_part in refused.text
        assert 'aria-invalid="true"' in refused.text
    no_form = session.post(link, data={"password": GOOD_PASSWORD, "again": GOOD_PASSWORD}, timeout=10)
    assert no_form.status_code == 400  # no CSRF token: nothing changes
    elsewhere = session.post(link, headers={"Origin": "https://evil.example"}, timeout=10,
                             data={"csrf": csrf(session.get(link, timeout=10)), "password": GOOD_PASSWORD,
                                   "again": GOOD_PASSWORD})
    assert elsewhere.status_code == 400
    assert rows(office, "SELECT state FROM accounts WHERE email = ?", email) == [{"state": "pending"}]

    done = choose(session, link, GOOD_PASSWORD)
    assert done.status_code == 200 and "Your account is ready" in done.text
    [account] = rows(office, "SELECT * FROM accounts WHERE email = ?", email)
    assert account["state"] == "active" and account["activated_at"] and account["token_sha256"] is None
    assert account["password_hash"].startswith("scrypt$") and verify_password(GOOD_PASSWORD, account["password_hash"])
    again = session.get(link, timeout=10)
    assert again.status_code == 404 and "/account/reset" in again.text  # the link works once
    assert session.post(link, data={"csrf": "x", "password": "a", "again": "a"}, timeout=10).status_code in (400, 404)
    assert not rows(office, "SELECT id FROM notifications WHERE body LIKE ?", f"%{token}%")
    stored = b"".join(p.read_bytes() for p in office.data.glob("central.db*"))
    assert GOOD_PASSWORD.encode() not in stored
    assert_private(office, "Bloggs", email, "Jo.Bloggs", GOOD_PASSWORD, token, "7400123456")


def test_the_same_record_sent_twice_makes_one_account(office, kiosk, smtp):
    """Central stores the record but its answer is lost; the kiosk sends it again."""
    email = "twice@example.com"
    worker = kiosk
    worker.outbox.enqueue(payloads.AccountSignup.model_validate(signup(email, "ACC-2222-TWCE")))
    batch = worker.outbox.claim(10, 60)
    worker.client.submit(SubmissionBatch(records=[to_wire(item) for item in batch]))
    worker.outbox.release([item.id for item in batch])
    assert worker.drain_once().sent == 1
    assert len(rows(office, "SELECT id FROM accounts WHERE email = ?", email)) == 1
    assert len(rows(office, "SELECT id FROM notifications WHERE to_address = ?", email)) == 1
    mail_to(smtp, email)


def test_a_known_email_gets_no_second_account_but_an_email_saying_so(office, kiosk, smtp):
    email = "known@example.com"
    send(kiosk, ("account-signup", signup(email, "ACC-3333-KNWN")))
    send(kiosk, ("account-signup", signup("KNOWN@example.com", "ACC-3333-AGIN", first_name="Imposter",
                                          language="pl")))
    assert [a["reference"] for a in rows(office, "SELECT reference FROM accounts WHERE email = ?", email)] == [
        "ACC-3333-KNWN"]
    first, second = mail_to(smtp, email, 2)
    assert "Finish setting up" in first["Subject"]
    assert second["Subject"] == f"Masz już konto ({COUNCIL})"
    body = second.get_content()
    assert f"{office.url}/account/reset" in body and "/account/activate/" not in body
    assert "There is already an account with this address" in body and "Imposter" not in body  # English follows


def test_the_reset_page_answers_the_same_for_known_and_unknown_addresses(office, kiosk, smtp):
    email = "reset.me@example.com"
    send(kiosk, ("account-signup", signup(email, "ACC-4444-RSET")))
    [activation] = mail_to(smtp, email)
    session = requests.Session()

    def ask(address: str) -> requests.Response:
        form = session.get(f"{office.url}/account/reset", timeout=10)
        assert 'for="email">' in form.text and 'autocomplete="email"' in form.text
        return session.post(f"{office.url}/account/reset", data={"csrf": csrf(form), "email": address}, timeout=10)

    known, unknown = ask(email.upper()), ask("nobody.here@example.com")
    assert (known.status_code, known.text) == (unknown.status_code, unknown.text) == (200, known.text)
    assert "Check your email" in known.text
    assert not rows(office, "SELECT id FROM notifications WHERE to_address = 'nobody.here@example.com'")
    _first, new = mail_to(smtp, email, 2)
    assert session.get(link_in(activation), timeout=10).status_code == 404  # replaced by the new link
    assert choose(session, link_in(new), GOOD_PASSWORD).status_code == 200

    assert ask(email).status_code == 200  # an active account: "choose a new password"
    reset = mail_to(smtp, email, 3)[2]
    assert reset["Subject"] == f"Choose a new password for your {COUNCIL} account"
    changed = choose(session, link_in(reset), "otter lantern meadow")
    assert "Your password has been changed" in changed.text
    assert mail_to(smtp, email, 4)[3]["Subject"] == f"Your {COUNCIL} account password was changed"
    [account] = rows(office, "SELECT password_hash FROM accounts WHERE email = ?", email)
    assert verify_password("otter lantern meadow", account["password_hash"])

    for _ in range(6):  # at most five new links a day: the form cannot flood a mailbox
        assert ask(email).status_code == 200
    assert len(rows(office, "SELECT id FROM notifications WHERE to_address = ?", email)) == 4 + 3
    assert_private(office, email, "otter lantern meadow")


def test_pages_escape_what_they_are_given(office):
    session = requests.Session()
    bad = session.get(f"{office.url}/account/activate/%3Cscript%3Ealert(1)%3C%2Fscript%3E", timeout=10)
    assert bad.status_code == 404 and "<script>" not in bad.text
    posted = session.post(f"{office.url}/account/activate/%22%3E%3Cscript%3E", data={"password": "x"}, timeout=10)
    assert posted.status_code == 400 and "<script>" not in posted.text and "&#34;&gt;&lt;script&gt;" in posted.text


def test_follow_ups_are_listed_for_the_contact_team_and_marked_done(office, kiosk):
    send(kiosk, ("signup-follow-up", {"reference": "ACC-5555-FLLW", "first_name": "Ada", "last_name": "Lovelace",
                                      "email": "ada@example.org", "mobile": "+447400123457", "stage": "address",
                                      "assisted_by": "", "language": "ro", "site": SITE,
                                      "asked_at": "2026-11-22T10:31:00+00:00"}))
    listed = [json.loads(line) for line in office.cli("follow-ups").stdout.splitlines()]
    [ada] = [row for row in listed if row["reference"] == "ACC-5555-FLLW"]
    assert (ada["first_name"], ada["email"], ada["mobile"], ada["stage"], ada["site"]) == (
        "Ada", "ada@example.org", "+447400123457", "address", SITE)
    assert ada["done_at"] is None and ada["asked_at"].startswith("2026-11-22T10:31:00")
    done = office.cli("follow-ups", "--done", "acc-5555-fllw", "--by", "Priya (contact team)")
    assert done.returncode == 0, done.stderr
    assert not [line for line in office.cli("follow-ups").stdout.splitlines() if "ACC-5555-FLLW" in line]
    everything = [json.loads(line) for line in office.cli("follow-ups", "--all").stdout.splitlines()]
    assert [row["done_by"] for row in everything if row["reference"] == "ACC-5555-FLLW"] == ["Priya (contact team)"]
    assert office.cli("follow-ups", "--done", "ACC-5555-FLLW", "--by", "Priya").returncode == 1  # none open
    assert office.cli("follow-ups", "--done", "ACC-5555-FLLW").returncode == 2
    assert_private(office, "Lovelace", "ada@example.org")


def test_the_accounts_command_masks_emails_unless_asked(office, kiosk):
    send(kiosk, ("account-signup", signup("listed@example.com", "ACC-6666-LIST")))
    [line] = office.cli("accounts", "--reference", "ACC-6666-LIST").stdout.splitlines()
    row = json.loads(line)
    assert row["email"] == "l•••@example.com" and row["state"] == "pending" and "last_name" not in row
    assert not {"password_hash", "token_sha256"} & set(row)
    [full] = [json.loads(line) for line in office.cli("accounts", "--reference", "ACC-6666-LIST",
                                                      "--full").stdout.splitlines()]
    assert full["email"] == "listed@example.com" and full["address_lines"] == ["Flat 2", "14 Mill Lane"]
    assert not {"password_hash", "token_sha256"} & set(full)


def test_text_in_any_script_is_kept_as_typed(office, kiosk):
    """Emoji and right-to-left names are kept, SQL-like text is stored as text; direction
    overrides and NUL are tidied away by the record's model. (Payloads that do not fit it
    are refused: tests/central/test_payloads.py.)"""
    send(kiosk, ("account-signup", signup("emoji@example.com", "ACC-7777-EMJI", first_name="Zoë 😀",
                                          last_name="\u202eevil\u202c محمد\x00", assisted_by="שרה\n(volunteer)",
                                          language="pl")),
         ("account-signup", signup("sql@example.com", "ACC-7777-SQLI", first_name="Robert'); DROP TABLE accounts;--",
                                   last_name="' OR '1'='1")))
    by_email = {a["email"]: a for a in rows(office, "SELECT * FROM accounts")}
    emoji = by_email["emoji@example.com"]
    assert emoji["first_name"] == "Zoë 😀" and emoji["last_name"] == "evil محمد"  # no bidi override, no NUL
    assert emoji["assisted_by"] == "שרה (volunteer)" and emoji["language"] == "pl"
    sql = by_email["sql@example.com"]
    assert (sql["first_name"], sql["last_name"]) == ("Robert'); DROP TABLE accounts;--", "' OR '1'='1")
    assert_private(office, "Zoë", "محمد", "Robert'); DROP", "emoji@example.com")
