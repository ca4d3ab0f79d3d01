"""Council staff who use the console: accounts, roles scoped to sites and services,
sign-in with a password and a TOTP code, lockout, and server-side sessions.

    token = add(conn, keys, "ana@council.example", "Ana Patel", [Role("officer", "*", "benefits")])
    # -> the one-time set-up link's token: the person chooses a password and adds the
    #    console to an authenticator app (TOTP, RFC 6238) before they can sign in.
    who = sign_in(conn, keys, email, password, code)       # Staff, or raises SignInRefused
    cookie, csrf = start_session(conn, who.id)
    who = session(conn, cookie)                             # Staff (or None: signed out, idle)

Every role sees personal data of some kind, so every account has a second factor. Wrong
sign-ins lock an account for 15 minutes after 5 tries, and each further lock lasts twice
as long (up to a day); an administrator's reset clears it, and sets the account up anew.
A session's cookie value is kept only as a hash, ends after 15 minutes without a request
and after 10 hours in any case.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from functools import cache
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pyotp
from sqlalchemy import delete, func, select, update

from central import db as tables
from central import passwords
from sync.crypto import seal
from sync.payloads import normal_email, tidy

# role -> what it is for (the console's navigation follows these)
ROLES = {
    "reception": "Reception: visitors expected and on site, sign-out, badges, the fire roll-call",
    "host": "Host: invite visitors, see and cancel their own invitations",
    "officer": "Service officer: their service's work queue (documents, street reports)",
    "coordinator": "Hub coordinator: their hub's kiosks and follow-up calls",
    "manager": "Manager: dashboards and queues, read only",
    "admin": "Administrator: staff accounts, kiosks, enrolment codes, the audit log",
}
ANY = "*"
MAX_FAILURES = 5
FIRST_LOCK = timedelta(minutes=15)
LONGEST_LOCK = timedelta(hours=24)
SETUP_DAYS = 3
IDLE = timedelta(minutes=15)
LONGEST_SESSION = timedelta(hours=10)
ISSUER = "hubkiosk console"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Role:
    role: str
    site: str = ANY
    service: str = ANY

    @classmethod
    def parse(cls, text: str) -> "Role":
        """`officer`, `officer@Civic Centre`, `officer@*/benefits` (role@site/service)."""
        role, _at, rest = text.partition("@")
        site, _slash, service = rest.partition("/")
        made = cls(role.strip(), site.strip() or ANY, service.strip() or ANY)
        if made.role not in ROLES:
            raise ValueError(f"no such role {made.role!r}: one of {', '.join(ROLES)}")
        return made

    @classmethod
    def of(cls, role: str, site: str = "", service: str = "") -> "Role":
        """A role from a form's fields (empty: every site or service); StaffError if unknown."""
        if role not in ROLES:
            raise StaffError("Choose a role")
        return cls(role, site or ANY, service or ANY)

    def __str__(self) -> str:
        return self.role + ("" if self.site == ANY and self.service == ANY else
                            f"@{self.site}" + ("" if self.service == ANY else f"/{self.service}"))


@dataclass(frozen=True)
class Staff:
    id: str
    email: str
    name: str
    roles: tuple[Role, ...] = field(default_factory=tuple)

    @property
    def actor(self) -> str:
        """How the audit log and item histories name this person."""
        return f"staff:{self.email}"

    def has(self, *roles: str) -> bool:
        return any(r.role in roles for r in self.roles)

    def sites(self, *roles: str) -> frozenset[str] | None:
        """The sites this person may see for `roles`: None is every site."""
        mine = [r for r in self.roles if r.role in roles]
        if any(r.site == ANY for r in mine):
            return None
        return frozenset(r.site for r in mine)

    def services(self, *roles: str) -> frozenset[str] | None:
        mine = [r for r in self.roles if r.role in roles]
        if any(r.service == ANY for r in mine):
            return None
        return frozenset(r.service for r in mine)

    def may(self, roles: tuple[str, ...], site: str, service: str | None = None) -> bool:
        """May this person act in one of `roles` on something at `site` (for `service`)?"""
        return any(r.role in roles and r.site in (ANY, site) and (service is None or r.service in (ANY, service))
                   for r in self.roles)


class StaffError(ValueError):
    """A request about a staff account that cannot be done (the message says why; `field`
    is the form field it is about, for the page to mark)."""

    def __init__(self, message: str, field: str = "role") -> None:
        super().__init__(message)
        self.field = field


class SignInRefused(Exception):
    """Wrong email, password or code, or locked: the message never says which of the first three."""

    def __init__(self, message: str, locked_until: datetime | None = None) -> None:
        super().__init__(message)
        self.locked_until = locked_until


WRONG = ("The email address, password or security code is not right. Check them and try again. After 5 "
         "wrong tries an account is locked for a while: then wait, or ask an administrator to unlock it.")


# ----- accounts -----------------------------------------------------------------------------------
def add(conn, keys, email: str, name: str, roles: list[Role]) -> str:
    """A new account, waiting to be set up; returns the set-up link's one-time token."""
    try:
        email = normal_email(email)
    except ValueError as exc:
        raise StaffError("Enter an email address in the right format, like name@council.gov.uk", "email") from exc
    name = tidy(name)
    if not name or len(name) > 120:
        raise StaffError("Enter the person's name (at most 120 characters)", "name")
    if not roles:
        raise StaffError("Give the person at least one role")
    if conn.execute(select(tables.staff.c.id).where(tables.staff.c.email == email)).first():
        raise StaffError("There is already an account with that email address", "email")
    staff_id = str(uuid.uuid4())
    conn.execute(tables.staff.insert().values(id=staff_id, email=email, name=name, state="invited",
                                              created_at=_now(), failures=0, lockouts=0, totp_last_step=0))
    set_roles(conn, staff_id, roles)
    return _new_setup(conn, keys, staff_id)


def set_roles(conn, staff_id: str, roles: list[Role]) -> None:
    conn.execute(delete(tables.staff_roles).where(tables.staff_roles.c.staff_id == staff_id))
    for role in dict.fromkeys(roles):
        if role.role not in ROLES:
            raise StaffError(f"No such role: {role.role}")
        conn.execute(tables.staff_roles.insert().values(staff_id=staff_id, role=role.role, site=role.site[:80],
                                                        service=role.service[:40]))


def reset(conn, keys, staff_id: str) -> str:
    """An administrator's reset: password, second factor and lockout cleared, every session
    ended, and a new set-up link (returned) to choose them again."""
    if not conn.execute(select(tables.staff.c.id).where(tables.staff.c.id == staff_id)).first():
        raise StaffError("No such account")
    end_sessions(conn, staff_id)
    return _new_setup(conn, keys, staff_id)


def disable(conn, staff_id: str) -> None:
    conn.execute(update(tables.staff).where(tables.staff.c.id == staff_id).values(
        state="disabled", setup_sha256=None, setup_expires_at=None))
    end_sessions(conn, staff_id)


def _new_setup(conn, keys, staff_id: str) -> str:
    token = secrets.token_urlsafe(32)
    conn.execute(update(tables.staff).where(tables.staff.c.id == staff_id).values(
        state="invited", password_hash=None, totp_secret=seal(pyotp.random_base32().encode(), keys.public_b64),
        totp_last_step=0, setup_sha256=_sha(token), setup_expires_at=_now() + timedelta(days=SETUP_DAYS),
        failures=0, lockouts=0, locked_until=None))
    return token


def get(conn, staff_id: str) -> Staff | None:
    row = conn.execute(select(tables.staff).where(tables.staff.c.id == staff_id)).mappings().first()
    return _staff(conn, row) if row else None


def _staff(conn, row) -> Staff:
    roles = conn.execute(select(tables.staff_roles).where(tables.staff_roles.c.staff_id == row["id"])
                         .order_by(tables.staff_roles.c.role, tables.staff_roles.c.site)).mappings()
    return Staff(row["id"], row["email"], row["name"], tuple(Role(r["role"], r["site"], r["service"]) for r in roles))


def everyone(conn) -> list[dict]:
    """Every account with its roles (for the administrators' page and `staff list`)."""
    rows = [dict(r) for r in conn.execute(select(
        tables.staff.c.id, tables.staff.c.email, tables.staff.c.name, tables.staff.c.state,
        tables.staff.c.locked_until, tables.staff.c.signed_in_at).order_by(tables.staff.c.name)).mappings()]
    roles: dict[str, list[str]] = {}
    for r in conn.execute(select(tables.staff_roles)).mappings():
        roles.setdefault(r["staff_id"], []).append(str(Role(r["role"], r["site"], r["service"])))
    for row in rows:
        row["roles"] = sorted(roles.get(row["id"], []))
    return rows


def by_email(conn, email: str) -> dict | None:
    try:
        email = normal_email(email)
    except ValueError:
        return None
    row = conn.execute(select(tables.staff).where(tables.staff.c.email == email)).mappings().first()
    return dict(row) if row else None


# ----- setting an account up ----------------------------------------------------------------------
def setup_account(conn, token: str) -> dict | None:
    """The account a set-up link is for, if the link is good and not yet used."""
    if not token or len(token) > 100:
        return None
    row = conn.execute(select(tables.staff).where(tables.staff.c.setup_sha256 == _sha(token))).mappings().first()
    if row is None or row["state"] != "invited" or tables.aware(row["setup_expires_at"]) < _now():
        return None
    return dict(row)


def totp_for(keys, account: dict) -> pyotp.TOTP:
    return pyotp.TOTP(keys.open(account["totp_secret"]).decode())


def provisioning_uri(keys, account: dict) -> str:
    return totp_for(keys, account).provisioning_uri(name=account["email"], issuer_name=ISSUER)


def secret_text(keys, account: dict) -> str:
    """The TOTP secret in groups of four, for typing into an app instead of scanning."""
    secret = keys.open(account["totp_secret"]).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def complete_setup(conn, keys, token: str, password: str, again: str, code: str) -> Staff:
    """Set the password and confirm the authenticator app; raises StaffError with a message."""
    account = setup_account(conn, token)
    if account is None:
        raise StaffError("This set-up link has expired or been used. Ask an administrator for a new one.")
    why = passwords.problem(password, again, account["email"])
    if why:
        raise StaffError(passwords.message(why), "password")
    step = _good_step(totp_for(keys, account), code, 0)
    if step is None:
        raise StaffError("The security code is not right. Enter the 6 digits your authenticator app shows now.",
                         "code")
    conn.execute(update(tables.staff).where(tables.staff.c.id == account["id"]).values(
        state="active", password_hash=passwords.hash_password(password), setup_sha256=None,
        setup_expires_at=None, totp_last_step=step))
    return get(conn, account["id"])


def _good_step(totp: pyotp.TOTP, code: str, last_step: int, now: datetime | None = None) -> int | None:
    """The time step `code` is good for (this one or the one either side), if later than the
    last code used: each code works once."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    now = now or _now()
    current = int(now.timestamp()) // totp.interval
    for step in (current - 1, current, current + 1):
        if step > last_step and hmac.compare_digest(totp.at(step * totp.interval), code):
            return step
    return None


# ----- signing in ---------------------------------------------------------------------------------
@cache
def _dummy_hash() -> str:
    """A hash to check a password against when there is no account, so a wrong address takes
    as long as a wrong password (made on first use: a tenth of a second nobody's start-up pays)."""
    return passwords.hash_password("not anybody's password at all", salt=b"\0" * 16)


def sign_in(conn, keys, email: str, password: str, code: str, now: datetime | None = None) -> Staff:
    """The account, if email, password and code are right and it is not locked."""
    now = now or _now()
    account = by_email(conn, email)
    if account is None or account["state"] != "active":
        passwords.verify_password(password[:passwords.MAX_LENGTH], _dummy_hash())  # the same time either way
        raise SignInRefused(WRONG)
    locked = tables.aware(account["locked_until"])
    if locked and locked > now:
        # the same words as for a wrong try or an unknown address: nobody learns who has an account
        passwords.verify_password(password[:passwords.MAX_LENGTH], _dummy_hash())
        raise SignInRefused(WRONG, locked)
    good = passwords.verify_password(password[:passwords.MAX_LENGTH], account["password_hash"] or "")
    step = _good_step(totp_for(keys, account), code, account["totp_last_step"], now) if good else None
    if step is None:
        _failed(conn, account, now)
        raise SignInRefused(WRONG)
    conn.execute(update(tables.staff).where(tables.staff.c.id == account["id"]).values(
        failures=0, lockouts=0, locked_until=None, totp_last_step=step, signed_in_at=now))
    return get(conn, account["id"])


def _failed(conn, account: dict, now: datetime) -> None:
    failures = account["failures"] + 1
    values = {"failures": failures}
    if failures >= MAX_FAILURES:
        lock = min(LONGEST_LOCK, FIRST_LOCK * 2 ** account["lockouts"])
        values = {"failures": 0, "lockouts": account["lockouts"] + 1, "locked_until": now + lock}
    conn.execute(update(tables.staff).where(tables.staff.c.id == account["id"]).values(**values))


def unlock(conn, staff_id: str) -> None:
    """An administrator lifts a lock (after checking with the person): password and app stay."""
    conn.execute(update(tables.staff).where(tables.staff.c.id == staff_id).values(
        failures=0, lockouts=0, locked_until=None))


# ----- sessions -----------------------------------------------------------------------------------
def start_session(conn, staff_id: str, now: datetime | None = None) -> tuple[str, str]:
    """A new session: (cookie value, CSRF token)."""
    now = now or _now()
    cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    conn.execute(tables.staff_sessions.insert().values(id_sha256=_sha(cookie), staff_id=staff_id, csrf=csrf,
                                                       created_at=now, seen_at=now))
    return cookie, csrf


@dataclass(frozen=True)
class Session:
    staff: Staff
    csrf: str
    key: str  # the session row's key (the hash of the cookie)
    flash: str | None = None  # what the last form did, to say on this page (once)


def session(conn, cookie: str | None, now: datetime | None = None) -> Session | None:
    """The signed-in person for a cookie, if the session is live; each use keeps it alive."""
    if not cookie or len(cookie) > 100:
        return None
    now = now or _now()
    key = _sha(cookie)
    s = tables.staff_sessions.c
    row = conn.execute(select(tables.staff_sessions).where(s.id_sha256 == key)).mappings().first()
    if row is None or row["ended_at"] is not None:
        return None
    if tables.aware(row["seen_at"]) + IDLE < now or tables.aware(row["created_at"]) + LONGEST_SESSION < now:
        conn.execute(update(tables.staff_sessions).where(s.id_sha256 == key).values(ended_at=now))
        return None
    account = conn.execute(select(tables.staff).where(tables.staff.c.id == row["staff_id"])).mappings().first()
    if account is None or account["state"] != "active":
        return None
    conn.execute(update(tables.staff_sessions).where(s.id_sha256 == key).values(seen_at=now, flash=None))
    return Session(_staff(conn, account), row["csrf"], key, row["flash"])


def set_flash(conn, key: str, message: str) -> None:
    conn.execute(update(tables.staff_sessions).where(tables.staff_sessions.c.id_sha256 == key).values(
        flash=message[:300]))


def end_session(conn, key: str) -> None:
    conn.execute(update(tables.staff_sessions).where(tables.staff_sessions.c.id_sha256 == key).values(
        ended_at=_now()))


def end_sessions(conn, staff_id: str) -> None:
    conn.execute(update(tables.staff_sessions).where(
        (tables.staff_sessions.c.staff_id == staff_id) & tables.staff_sessions.c.ended_at.is_(None)).values(
        ended_at=_now()))


def purge_sessions(conn, now: datetime | None = None) -> int:
    """Forget sessions that ended or expired more than a day ago."""
    now = now or _now()
    s = tables.staff_sessions.c
    return conn.execute(delete(tables.staff_sessions).where(
        (s.seen_at < now - IDLE - timedelta(days=1)) | (s.ended_at < now - timedelta(days=1)))).rowcount


def csrf_ok(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), given.encode())


def count_active(conn) -> int:
    return conn.execute(select(func.count()).select_from(tables.staff).where(tables.staff.c.state == "active")).scalar()


# ----- command line -------------------------------------------------------------------------------
COMMANDS = {"staff": "console accounts: add (prints a one-time set-up link), list, reset, disable"}


def add_arguments(name: str, parser) -> None:
    if name != "staff":
        return
    parser.add_argument("action", choices=("add", "list", "reset", "disable"))
    parser.add_argument("--email", help="the person's work email address")
    parser.add_argument("--name", help="their full name (add)")
    parser.add_argument("--role", action="append", default=[], metavar="ROLE[@SITE[/SERVICE]]",
                        help=f"one of {', '.join(ROLES)}, e.g. officer@*/benefits or reception@Civic Centre "
                             "(repeat for several)")


def run(args, engine) -> int:
    import sys

    from central.console.pages.people import setup_link
    from central.keys import load_or_create
    from pathlib import Path

    keys = load_or_create(Path(args.data))
    try:
        with tables.begin(engine) as conn:
            if args.action == "list":
                tables.print_lines({k: v for k, v in row.items() if k != "id"} for row in everyone(conn))
                return 0
            if not args.email:
                raise StaffError("--email is needed")
            if args.action == "add":
                token = add(conn, keys, args.email, args.name or "", [Role.parse(r) for r in args.role])
            else:
                account = by_email(conn, args.email)
                if account is None:
                    raise StaffError(f"No account for {args.email}")
                if args.action == "disable":
                    disable(conn, account["id"])
                    print(f"Disabled {account['email']}: signed out everywhere")
                    return 0
                token = reset(conn, keys, account["id"])
    except (StaffError, ValueError) as exc:
        print(f"Could not {args.action} the account: {exc}", file=sys.stderr)
        return 1
    print(f"Set-up link (works once, for {SETUP_DAYS} days): {setup_link(token)}")
    return 0


DEMO_ADMIN = "demo.admin@council.example"


def seed_demo(engine, keys, site: str) -> str:
    """A demo account with every role at the demo site; how to sign in (a new set-up link
    until it is set up)."""
    from central.console.pages.people import setup_link

    from central.visitors import publish_directory

    roles = [Role(r, site) for r in ROLES]
    with tables.begin(engine) as conn:
        # in the staff directory too, so the demo administrator can be a host and invite visitors
        host = dict(name="Demo Administrator", department="Customer services", email=DEMO_ADMIN, active=True)
        if not conn.execute(update(tables.hosts).where(tables.hosts.c.id == "DEMO-ADMIN").values(**host)).rowcount:
            conn.execute(tables.hosts.insert().values(id="DEMO-ADMIN", **host))
        publish_directory(conn, keys)
        account = by_email(conn, DEMO_ADMIN)
        if account is None:
            token = add(conn, keys, DEMO_ADMIN, "Demo Administrator", roles)
        elif account["state"] == "active":
            return f"Staff console: sign in at /console/ as {DEMO_ADMIN}"
        else:
            token = reset(conn, keys, account["id"])
        account = by_email(conn, DEMO_ADMIN)
    return (f"Staff console: set up the demo administrator at {setup_link(token)}\n"
            f"  (any authenticator app; or type this key into one: {secret_text(keys, account)})")
