"""My Account signups from kiosks: the account made pending, and the emailed link residents
finish it with on their own device. The kiosk never sees a password.

- `account-signup`: a new address gets a pending account and an activation email (a
  one-time link, valid 7 days, its token kept only as a SHA-256). An address that already
  has an account gets no second one; it is emailed "You already have an account" with the
  reset page, so nothing at the kiosk tells anyone whether the address was known. A signup
  without a usable email address is filed for the contact team instead of being lost.
- `signup-follow-up`: a resident who left part way asked to be contacted; filed for the
  council's contact team.
- `request_link` / `set_password`: the public pages (central/account_pages.py) use these.

Every field of a record is treated as untrusted: wrong types are dropped, text is cleaned
and cut to its column, and nothing personal is logged (ids only).

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
import unicodedata
import uuid
from datetime import date, datetime, timedelta, timezone

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from central import account_emails
from central import db as tables
from central.visitors import mask_email, queue_email

log = logging.getLogger("central.accounts")

KINDS = ("account-signup", "signup-follow-up")
LINK_DAYS = account_emails.DAYS
LINKS_PER_DAY = 5  # reset emails one account can be sent in a day: no mailbombing through the form
REFERENCE_RE = re.compile(r"^ACC-[A-Z0-9]{4}-[A-Z0-9]{4}$")
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
CONTACT_WAYS = ("email", "text", "post")
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
# Embedding, override and isolate controls can make text display in another order than it
# is stored (a name that reads differently to staff): dropped. Right-to-left letters stay.
_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_LINK_RE = re.compile(r"\S*/account/activate/[A-Za-z0-9_-]+")
LINK_REMOVED = "[link removed once sent]"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def public_url() -> str:
    return os.environ.get("HUBKIOSK_PUBLIC_URL", "http://127.0.0.1:8765").rstrip("/")


def council_name() -> str:
    return os.environ.get("HUBKIOSK_COUNCIL_NAME", "").strip() or "council"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite gives back naive datetimes; every time here is UTC."""
    return moment.replace(tzinfo=timezone.utc) if moment is not None and moment.tzinfo is None else moment


# ----- cleaning untrusted fields ----------------------------------------------------------------
def text(value, limit: int) -> str:
    """One line of text: NFC, no control or bidi-override characters, no lone surrogates,
    spaces collapsed, at most `limit` characters. Anything but a string gives ""."""
    if not isinstance(value, str):
        return ""
    value = unicodedata.normalize("NFC", value[: limit * 4]).translate(_BIDI)
    kept = "".join(c if unicodedata.category(c) not in ("Cc", "Cs", "Zl", "Zp") else " " for c in value)
    return " ".join(kept.split())[:limit].strip()


def clean_email(value) -> str:
    """The address in lower case if it is a plausible one, else "". International domains
    are kept in their ASCII form, and addresses that only SMTPUTF8 servers take are refused:
    the email must reach the resident through any mail server."""
    raw = text(value, 254)
    if not raw:
        return ""
    try:
        return validate_email(raw, check_deliverability=False, allow_smtputf8=False).ascii_email.lower()
    except EmailNotValidError:
        return ""


def clean_mobile(value) -> str:
    """A UK or international number in E.164 form, or "" if it is not one."""
    raw = text(value, 40)
    try:
        number = phonenumbers.parse(raw, "GB") if raw else None
    except phonenumbers.NumberParseException:
        return ""
    if number is None or not phonenumbers.is_valid_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def clean_postcode(value) -> str:
    """Upper case with one space before the inward code, as the gazetteer keeps them."""
    squeezed = re.sub(r"[^A-Z0-9]", "", text(value, 20).upper())[:8]
    return f"{squeezed[:-3]} {squeezed[-3:]}" if len(squeezed) >= 5 else squeezed


def clean_reference(value) -> str:
    reference = re.sub(r"[^A-Z0-9-]", "", text(value, 40).upper())[:20]
    return reference if REFERENCE_RE.match(reference) else ""


def clean_day(value, earliest: date = date(1900, 1, 1)) -> str:
    try:
        day = date.fromisoformat(text(value, 10))
    except ValueError:
        return ""
    return day.isoformat() if earliest <= day <= date.today() else ""


def clean_time(value) -> datetime | None:
    """An ISO time no later than a day from now (UTC if it names no zone), else None."""
    try:
        moment = datetime.fromisoformat(text(value, 40))
    except ValueError:
        return None
    moment = _aware(moment)
    return moment if moment <= _now() + timedelta(days=1) else None


def clean_language(value) -> str:
    language = re.sub(r"[^a-z-]", "", text(value, 10).lower())[:5]
    return language or "en"


def _address(value) -> dict:
    address = value if isinstance(value, dict) else {}
    lines = address.get("lines")
    lines = [text(line, 120) for line in lines[:6]] if isinstance(lines, list) else []
    uprn = address.get("uprn")
    uprn = str(uprn) if isinstance(uprn, int) and not isinstance(uprn, bool) else text(uprn, 12)
    manual = address.get("manual")
    return {"uprn": uprn if uprn.isdigit() and len(uprn) <= 12 else "",
            "address_lines": json.dumps([line for line in lines if line], ensure_ascii=False),
            "town": text(address.get("town"), 80), "postcode": clean_postcode(address.get("postcode")),
            "address_manual": manual if isinstance(manual, bool) else False}


def clean_signup(payload: dict) -> dict:
    """An `account-signup` payload as the columns of `accounts` (no id, site or times)."""
    ways = payload.get("contact_by")
    ways = [way for way in CONTACT_WAYS if isinstance(ways, list) and way in ways]
    return {"reference": clean_reference(payload.get("reference")), "email": clean_email(payload.get("email")),
            "first_name": text(payload.get("first_name"), 100), "last_name": text(payload.get("last_name"), 100),
            "mobile": clean_mobile(payload.get("mobile")), **_address(payload.get("address")),
            "date_of_birth": clean_day(payload.get("date_of_birth")), "contact_by": json.dumps(ways),
            "terms_version": re.sub(r"[^A-Za-z0-9._-]", "", text(payload.get("terms_version"), 40))[:20],
            "accepted_at": clean_time(payload.get("accepted_at")),
            "assisted_by": text(payload.get("assisted_by"), 80), "language": clean_language(payload.get("language"))}


# ----- records as they arrive ---------------------------------------------------------------------
def process(conn, _keys, device: dict, record_id: str, kind: str, payload: dict, notify: bool) -> None:
    """File one signup or follow-up request (called once per record id, in its transaction).
    The site is the kiosk's enrolled site, not what the payload says."""
    if kind not in KINDS:
        return
    payload = payload if isinstance(payload, dict) else {}
    if kind == "account-signup":
        _signup(conn, device["site"], record_id, payload, notify)
    else:
        _follow_up(conn, device["site"], record_id, payload)
    scrub_sent_links(conn)


def _signup(conn, site: str, record_id: str, payload: dict, notify: bool) -> None:
    fields = clean_signup(payload)
    if not fields["email"]:
        _no_usable_email(conn, site, record_id, payload, fields)
        return
    existing = _by_email(conn, fields["email"])
    if existing is None:
        token = secrets.token_urlsafe(32)
        account = _create(conn, site, record_id, fields, token)
        if account is None and _by_email(conn, fields["email"]) is None:  # its reference was taken meanwhile
            account = _create(conn, site, record_id, {**fields, "reference": ""}, token)
        if account is not None:
            log.info("record %s: account %s made, waiting for activation", record_id, account["id"])
            if notify:
                _email(conn, "activate", account, record_id, token)
            return
        existing = _by_email(conn, fields["email"])  # made meanwhile by another worker
    if existing is None:
        raise RuntimeError("the account could be neither made nor found")
    if existing["reference"] == fields["reference"]:
        log.info("record %s: a repeat of the signup that made account %s", record_id, existing["id"])
        return
    log.info("record %s: the address already has account %s; told by email", record_id, existing["id"])
    if notify:
        _email(conn, "existing", {**fields, "email": existing["email"], "site": site}, record_id)


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
        code = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
        reference = f"ACC-{code[:4]}-{code[4:]}"
        if _by_reference(conn, reference) is None:
            return reference


def _by_email(conn, email: str) -> dict | None:
    row = conn.execute(select(tables.accounts).where(tables.accounts.c.email == email)).mappings().first()
    return dict(row) if row else None


def _by_reference(conn, reference: str) -> dict | None:
    row = conn.execute(select(tables.accounts).where(tables.accounts.c.reference == reference)).mappings().first()
    return dict(row) if row else None


def _no_usable_email(conn, site: str, record_id: str, payload: dict, fields: dict) -> None:
    """No account can be activated without an email address: the contact team gets the
    signup instead (with what was typed as the address, so they can see the mistake)."""
    typed = text(payload.get("email"), 254)
    if not (typed or fields["mobile"] or json.loads(fields["address_lines"])):
        log.warning("record %s: signup with no way to reach the resident; kept only as the record", record_id)
        return
    conn.execute(tables.signup_followups.insert().values(
        record_id=record_id, reference=fields["reference"], site=site, first_name=fields["first_name"],
        last_name=fields["last_name"], email=typed, mobile=fields["mobile"], stage="signup-email-unusable",
        assisted_by=fields["assisted_by"], language=fields["language"], asked_at=_now(), received_at=_now()))
    log.warning("record %s: signup without a usable email address, filed for the contact team", record_id)


def _follow_up(conn, site: str, record_id: str, payload: dict) -> None:
    raw_reference = re.sub(r"[^A-Z0-9-]", "", text(payload.get("reference"), 40).upper())[:20]
    mobile = clean_mobile(payload.get("mobile")) or re.sub(r"[^0-9+ ]", "", text(payload.get("mobile"), 20))
    conn.execute(tables.signup_followups.insert().values(
        record_id=record_id, reference=raw_reference, site=site, first_name=text(payload.get("first_name"), 100),
        last_name=text(payload.get("last_name"), 100),
        email=clean_email(payload.get("email")) or text(payload.get("email"), 254), mobile=mobile.strip(),
        stage=re.sub(r"[^a-z0-9-]", "", text(payload.get("stage"), 30).lower()),
        assisted_by=text(payload.get("assisted_by"), 80), language=clean_language(payload.get("language")),
        asked_at=clean_time(payload.get("asked_at")) or _now(), received_at=_now()))
    log.info("record %s: follow-up request filed for the contact team", record_id)


# ----- emails and links ----------------------------------------------------------------------------
def _email(conn, template: str, account: dict, cause: str, token: str | None = None) -> None:
    """Queue `template` to the account's address (sent by central.notify.Mailer)."""
    base = public_url()
    name = "" if template == "existing" else account.get("first_name", "")
    subject, body = account_emails.render(
        template, account.get("language", "en"), council=council_name(), name=name,
        site=account.get("site", ""), reference=account.get("reference", ""),
        link=f"{base}/account/activate/{token}" if token else "", reset_link=f"{base}/account/reset")
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
    if row is None or _aware(row["token_expires_at"]) is None or _aware(row["token_expires_at"]) < _now():
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
        out.append(_isoformat(row))
    return out


def follow_ups(engine, include_done: bool = False) -> list[dict]:
    """Requests to be contacted, oldest first (open ones only unless `include_done`)."""
    query = select(tables.signup_followups).order_by(tables.signup_followups.c.received_at)
    if not include_done:
        query = query.where(tables.signup_followups.c.done_at.is_(None))
    with engine.connect() as conn:
        return [_isoformat(dict(row)) for row in conn.execute(query).mappings()]


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
            followups.c.done_at.is_(None)).values(done_at=_now(), done_by=text(by, 80)))
    return done.rowcount


def _isoformat(row: dict) -> dict:
    return {key: _aware(value).isoformat() if isinstance(value, datetime) else value for key, value in row.items()}


def print_lines(rows: list[dict]) -> None:
    for row in rows:
        print(json.dumps(row, ensure_ascii=False, sort_keys=True))


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
        print_lines(listing(engine, args.reference, args.full))
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
        print_lines(follow_ups(engine, args.all))
    return 0
