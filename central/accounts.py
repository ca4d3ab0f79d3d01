"""My Account signups from kiosks: the account made pending, and the emailed link residents
finish it with on their own device. The kiosk never sees a password.

- `account-signup`: a new address gets a pending account and an activation email (a
  one-time link, valid 7 days, its token kept only as a SHA-256). An address that already
  has an account gets no second one; it is emailed "You already have an account" with the
  reset page, so nothing at the kiosk tells anyone whether the address was known. The
  kiosk checks the address with the same rule as the record's model, so every signup that
  reaches central has one.
- `signup-follow-up`: a resident who left part way asked to be contacted; filed for the
  council's contact team.
- `request_link` / `set_password`: the public pages (central/account_pages.py) use these.

Each record's payload was validated against its model (sync/payloads.py) before it gets
here, and nothing personal is logged (ids only).

    python -m central accounts --data DIR [--reference ACC-4HJX-2M7Q] [--full]
    python -m central follow-ups --data DIR [--all]
    python -m central follow-ups --data DIR --done ACC-4HJX-2M7Q --by "Sam Patel"

Settings from the environment: HUBKIOSK_PUBLIC_URL (where residents reach central's pages,
default http://127.0.0.1:8765) and HUBKIOSK_COUNCIL_NAME (in email subjects, default
"council").
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import sys
import uuid
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from central import account_emails, audit, notices, pages, work
from central import db as tables
from central.db import aware
from central.visitors import mask_email, queue_email
from sync.payloads import CODE_ALPHABET, AccountSignup, SignupFollowUp, normal_email, tidy

log = logging.getLogger("central.accounts")

LINK_DAYS = account_emails.DAYS
LINKS_PER_DAY = 5  # reset emails one account can be sent in a day: no mailbombing through the form
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
_LINK_RE = re.compile(r"\S*/account/activate/[A-Za-z0-9_-]+")
LINK_REMOVED = "[link removed once sent]"


def _now() -> datetime:
    return datetime.now(timezone.utc)


public_url = pages.public_url


def council_name() -> str:
    return os.environ.get("HUBKIOSK_COUNCIL_NAME", "").strip() or "council"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def clean_email(value) -> str:
    """An address typed into a page, as the record models keep them (`normal_email`), or ""."""
    try:
        return normal_email(tidy(value)) if isinstance(value, str) and 0 < len(value) <= 254 else ""
    except ValueError:
        return ""


# ----- records as they arrive ---------------------------------------------------------------------
# Called once per record id, in the savepoint that stores it, with the payload validated against
# its model (sync/payloads.py). The site is the kiosk's enrolled site, not what the payload says.
def sign_up(conn, _keys, device: dict, record_id: str, p: AccountSignup) -> None:
    """A pending account and its activation email; or, for an address that has an account,
    the "you already have one" email."""
    fields = {"reference": p.reference, "email": p.email, "first_name": p.first_name, "last_name": p.last_name,
              "mobile": p.mobile, "uprn": p.address.uprn,
              "address_lines": json.dumps(p.address.lines, ensure_ascii=False), "town": p.address.town,
              "postcode": p.address.postcode, "address_manual": p.address.manual,
              "date_of_birth": p.date_of_birth.isoformat(), "contact_by": json.dumps(p.contact_by),
              "terms_version": p.terms_version, "accepted_at": p.accepted_at, "assisted_by": p.assisted_by,
              "language": p.language}
    site = device["site"]
    existing = _by_email(conn, p.email)
    if existing is None:
        token = secrets.token_urlsafe(32)
        account = _create(conn, site, record_id, fields, token)
        if account is None and _by_email(conn, p.email) is None:  # its reference was taken meanwhile
            account = _create(conn, site, record_id, {**fields, "reference": ""}, token)
        if account is not None:
            log.info("record %s: account %s made, waiting for activation", record_id, account["id"])
            _email(conn, "activate", account, record_id, token)
            scrub_sent_links(conn)
            return
        existing = _by_email(conn, p.email)  # made meanwhile by another worker
    if existing is None:
        raise RuntimeError("the account could be neither made nor found")
    if existing["reference"] == p.reference:
        log.info("record %s: a repeat of the signup that made account %s", record_id, existing["id"])
        return
    log.info("record %s: the address already has account %s; told by email", record_id, existing["id"])
    _email(conn, "existing", {**fields, "email": existing["email"], "site": site}, record_id)
    scrub_sent_links(conn)


def _create(conn, site: str, record_id: str, fields: dict, token: str) -> dict | None:
    """Insert the pending account; None if its email address was taken meanwhile."""
    if not fields["reference"] or _by_reference(conn, fields["reference"]) is not None:
        fields = {**fields, "reference": _new_reference(conn)}
        log.warning("record %s: unusable or repeated kiosk reference, %s given instead", record_id,
                    fields["reference"])
    now = _now()
    account = {**fields, "id": str(uuid.uuid4()), "record_id": record_id, "site": site, "state": "pending",
               "created_at": now, "token_sha256": token_hash(token),
               "token_expires_at": now + timedelta(days=LINK_DAYS)}
    try:
        with conn.begin_nested():
            conn.execute(tables.accounts.insert().values(**account))
    except IntegrityError:
        return None
    return account


def _new_reference(conn) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        reference = f"ACC-{code[:4]}-{code[4:]}"
        if _by_reference(conn, reference) is None:
            return reference


def _by_email(conn, email: str) -> dict | None:
    row = conn.execute(select(tables.accounts).where(tables.accounts.c.email == email)).mappings().first()
    return dict(row) if row else None


def _by_reference(conn, reference: str) -> dict | None:
    row = conn.execute(select(tables.accounts).where(tables.accounts.c.reference == reference)).mappings().first()
    return dict(row) if row else None


def follow_up(conn, _keys, device: dict, record_id: str, p: SignupFollowUp) -> None:
    """A resident who left part way asked to be contacted: filed for the contact team."""
    conn.execute(tables.signup_followups.insert().values(
        record_id=record_id, reference=p.reference, site=device["site"], first_name=p.first_name,
        last_name=p.last_name, email=p.email, mobile=p.mobile, stage=p.stage, assisted_by=p.assisted_by,
        language=p.language, asked_at=min(p.asked_at, _now()), received_at=_now()))
    work.open_item(conn, "follow-up", record_id, p.reference or record_id[:8].upper(), "hub-support",
                   device["site"], min(p.asked_at, _now()))
    item = work.for_record(conn, "follow-up", record_id)
    notices.follow_up_received(conn, {"record_id": record_id, "reference": p.reference, "first_name": p.first_name,
                                      "email": p.email, "mobile": p.mobile, "language": p.language},
                               aware(item["due_at"]))
    log.info("record %s: follow-up request filed for the contact team", record_id)


# ----- emails and links ----------------------------------------------------------------------------
def _email(conn, template: str, account: dict, cause: str, token: str | None = None) -> None:
    """Queue `template` to the account's address (sent by central.notify.Mailer)."""
    base = public_url()
    name = "" if template == "existing" else account.get("first_name", "")
    language = account.get("language", "en")
    # The reset page in the email's language (the activation page knows it from the account).
    in_language = f"?lang={language}" if language in account_emails.LANGUAGES and language != "en" else ""
    subject, body = account_emails.render(
        template, language, council=council_name(), name=name,
        site=account.get("site", ""), reference=account.get("reference", ""),
        link=f"{base}/account/activate/{token}" if token else "", reset_link=f"{base}/account/reset{in_language}")
    queue_email(conn, account["email"], subject, body, record_id=cause)


def scrub_sent_links(conn) -> int:
    """Take the links out of account emails already sent (or given up on): the database then
    holds no working link, only hashes of them. Returns how many emails were changed."""
    notes = tables.notifications
    rows = conn.execute(select(notes.c.id, notes.c.body).where(
        notes.c.state.in_(("sent", "failed")), notes.c.body.like("%/account/activate/%"))).all()
    for note_id, body in rows:
        conn.execute(update(notes).where(notes.c.id == note_id).values(body=_LINK_RE.sub(LINK_REMOVED, body)))
    return len(rows)


def _forget_link(conn, token: str) -> None:
    """Take a used link out of every email still holding it, sent or not (a used link is
    dead, and the database keeps no copy of it)."""
    notes = tables.notifications
    rows = conn.execute(select(notes.c.id, notes.c.body).where(notes.c.body.contains(token, autoescape=True))).all()
    for note_id, body in rows:
        conn.execute(update(notes).where(notes.c.id == note_id).values(
            body=re.sub(rf"\S*/account/activate/{re.escape(token)}", LINK_REMOVED, body)))


def account_for_token(conn, token: str) -> dict | None:
    """The account a link's token opens, if the link is still good (unused, in date)."""
    if not TOKEN_RE.match(token or ""):
        return None
    row = conn.execute(select(tables.accounts).where(
        tables.accounts.c.token_sha256 == token_hash(token))).mappings().first()
    if row is None or aware(row["token_expires_at"]) is None or aware(row["token_expires_at"]) < _now():
        return None
    return dict(row)


def set_password(engine, token: str, password_hash: str) -> dict | None:
    """Store the new password and use up the link, once: the account (as it was) or None if
    the link was no longer good. A changed password of an active account is told by email."""
    with tables.begin(engine) as conn:
        account = account_for_token(conn, token)
        if account is None:
            return None
        now = _now()
        done = conn.execute(update(tables.accounts).where(
            tables.accounts.c.id == account["id"], tables.accounts.c.token_sha256 == token_hash(token)).values(
            password_hash=password_hash, state="active", activated_at=account["activated_at"] or now,
            token_sha256=None, token_expires_at=None))
        if done.rowcount != 1:
            return None
        if account["state"] == "active":
            _email(conn, "changed", account, account["id"])
        _forget_link(conn, token)
        scrub_sent_links(conn)
    log.info("account %s: password set (%s)", account["id"], "changed" if account["state"] == "active" else "activated")
    return account


def request_link(engine, email: str) -> None:
    """Email a new link to the account with this address, if there is one (at most
    LINKS_PER_DAY a day). Says nothing either way: the page answers the same for all."""
    address = clean_email(email)
    if not address:
        return
    today = date.today().isoformat()
    with tables.begin(engine) as conn:
        account = _by_email(conn, address)
        if account is None:
            return
        sent_today = account["links_that_day"] if account["links_day"] == today else 0
        if sent_today >= LINKS_PER_DAY:
            log.warning("account %s: daily limit of new links reached", account["id"])
            return
        token = secrets.token_urlsafe(32)
        conn.execute(update(tables.accounts).where(tables.accounts.c.id == account["id"]).values(
            token_sha256=token_hash(token), token_expires_at=_now() + timedelta(days=LINK_DAYS),
            links_day=today, links_that_day=sent_today + 1))
        _email(conn, "activate" if account["state"] == "pending" else "reset", account, account["id"], token)
        scrub_sent_links(conn)
    log.info("account %s: new link sent", account["id"])


# ----- for the council's staff (command line) -----------------------------------------------------
_PRIVATE = {"token_sha256", "password_hash", "links_day", "links_that_day"}
_FULL_ONLY = {"first_name", "last_name", "mobile", "uprn", "address_lines", "town", "postcode", "address_manual",
              "date_of_birth", "assisted_by", "record_id"}


def listing(engine, reference: str | None = None, full: bool = False) -> list[dict]:
    """Accounts, newest first: reference, state, site, language, dates, masked email (all
    details with `full`). Never a password hash or a link's token."""
    query = select(tables.accounts).order_by(tables.accounts.c.created_at.desc())
    if reference:
        query = query.where(tables.accounts.c.reference == reference.strip().upper())
    with engine.connect() as conn:
        rows = [dict(row) for row in conn.execute(query).mappings()]
    out = []
    for row in rows:
        row["link_expires_at"] = row.pop("token_expires_at")
        for key in _PRIVATE | (set() if full else _FULL_ONLY):
            row.pop(key, None)
        if not full:
            row["email"] = mask_email(row["email"])
        else:
            row["address_lines"] = json.loads(row["address_lines"])
        row["contact_by"] = json.loads(row["contact_by"])
        out.append(tables.plain(row))
    return out


def follow_ups(engine, include_done: bool = False) -> list[dict]:
    """Requests to be contacted, oldest first (open ones only unless `include_done`)."""
    query = select(tables.signup_followups).order_by(tables.signup_followups.c.received_at)
    if not include_done:
        query = query.where(tables.signup_followups.c.done_at.is_(None))
    with engine.connect() as conn:
        return [tables.plain(dict(row)) for row in conn.execute(query).mappings()]


def mark_done(engine, reference: str, by: str) -> int:
    """Close the open follow-up requests with this reference (or this record id, for one
    that came without a usable reference); returns how many."""
    wanted = reference.strip()
    if not wanted:
        return 0
    followups = tables.signup_followups
    with tables.begin(engine) as conn:
        done = conn.execute(update(followups).where(
            or_(followups.c.reference == wanted.upper(), followups.c.record_id == wanted.lower()),
            followups.c.done_at.is_(None)).values(done_at=_now(), done_by=tidy(by)[:80]))
    return done.rowcount


print_lines = tables.print_lines


# ----- python -m central accounts | follow-ups --------------------------------------------------
COMMANDS = {"accounts": "My Account signups, newest first (JSON lines; emails masked unless --full)",
            "follow-ups": "residents who asked the council to contact them about signup (JSON lines)"}


def add_arguments(name: str, parser) -> None:
    if name == "accounts":
        parser.add_argument("--reference", help="only the account with this reference (ACC-XXXX-XXXX)")
        parser.add_argument("--full", action="store_true", help="every detail, email addresses unmasked")
    elif name == "follow-ups":
        parser.add_argument("--all", action="store_true", help="include requests already dealt with")
        parser.add_argument("--done", metavar="REFERENCE", help="mark the open requests with this reference (or record id) done")
        parser.add_argument("--by", metavar="NAME", help="who dealt with them (with --done)")


def run(args, engine) -> int:
    """Carry out `accounts` or `follow-ups` for the command line; returns the exit status."""
    if args.command == "accounts":
        rows = listing(engine, args.reference, args.full)
        if args.full:
            audit.record(engine, "accounts.full", args.reference or "", len(rows))
        print_lines(rows)
    elif args.done:
        if not (args.by or "").strip():
            print("Say who dealt with it: --by NAME", file=sys.stderr)
            return 2
        closed = mark_done(engine, args.done, args.by)
        if not closed:
            print(f"No open follow-up request with reference {args.done}", file=sys.stderr)
            return 1
        print(f"Marked done: {closed}")
    else:
        rows = follow_ups(engine, args.all)
        audit.record(engine, "follow-ups", "all" if args.all else "open", len(rows))
        print_lines(rows)
    return 0
