"""Central's side of visitors and appointments.

- Reference data for kiosks: the staff directory (`directory`: id, name, department, never
  email), and per site today's and tomorrow's invitations (`invites.<site>`) and
  appointments (`appointments.<site>`), signed like all reference data.
- Processing records as they arrive (once: in the transaction that stores the record):
  check-ins and sign-outs keep `visits` (who is on site, for roll-call reconciliation),
  a check-in queues an email to the host, marks its invitation used and remembers the
  visitor for next time (by a hash of their email); an appointment arrival is queued for
  its service.
- Endpoints: returning-visitor lookup, and who is on site by central's records.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
import secrets
import uuid
from datetime import date, datetime, timedelta, timezone

import segno
from fastapi import Depends, HTTPException
from sqlalchemy import select, update

from central import db as tables
from central import sites
from central.publishing import publish
from sync.payloads import CODE_ALPHABET  # no 0/O, 1/I/L, as the kiosk's codes
from sync.payloads import (
    MAX_COMPANY,
    MAX_VISITOR_NAME,
    AppointmentArrival,
    VisitorCheckIn,
    VisitorSignOut,
    VisitorSignOutAll,
    appointment_reference,
    email_check,
    normal_email,
    tidy,
)
from sync.protocol import API, LookupRequest, OnSite, OnSiteVisit, ReturningVisitor, site_document, site_slug

log = logging.getLogger("central.visitors")



def _now() -> datetime:
    return datetime.now(timezone.utc)


def email_key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def mask_email(email: str) -> str:
    local, _sep, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}" if domain else ""


# ----- reference data ---------------------------------------------------------------------------
def publish_directory(conn, keys) -> None:
    rows = conn.execute(select(tables.hosts).where(tables.hosts.c.active.is_(True))
                        .order_by(tables.hosts.c.name)).mappings().all()
    publish(conn, keys, "directory", {"hosts": [{"id": r["id"], "name": r["name"], "department": r["department"]}
                                                for r in rows]})


def publish_invites(conn, keys, site: str, today: date | None = None) -> None:
    today = today or date.today()
    rows = conn.execute(select(tables.invites, tables.hosts.c.name.label("host")).join(
        tables.hosts, tables.hosts.c.id == tables.invites.c.host_id).where(
        tables.invites.c.site == site, tables.invites.c.day >= (today - timedelta(days=1)).isoformat(),
        tables.invites.c.day <= (today + timedelta(days=1)).isoformat(),
        tables.invites.c.used_at.is_(None))).mappings().all()
    # A visitor without their code proves the invitation is theirs with the address it was
    # sent to: kiosks get only a salted, slow hash of it (a new salt each time).
    salt = secrets.token_hex(16)
    publish(conn, keys, site_document("invites", site), {"site": site, "email_salt": salt, "invites": [
        {"code": r["code"], "visitor": r["visitor"], "company": r["company"], "host_id": r["host_id"],
         "host": r["host"], "date": r["day"], "email_masked": mask_email(r["email"]),
         "email_check": email_check(salt, r["email"])} for r in rows]})


def publish_appointments(conn, keys, site: str, today: date | None = None) -> None:
    today = today or date.today()
    rows = conn.execute(select(tables.appointments).where(
        tables.appointments.c.site == site, tables.appointments.c.day >= today.isoformat(),
        tables.appointments.c.day <= (today + timedelta(days=1)).isoformat())).mappings().all()
    publish(conn, keys, site_document("appointments", site), {"site": site, "appointments": [
        {"reference": r["reference"], "date": r["day"], "time": r["time"], "service": r["service"],
         "prefix": r["prefix"]} for r in rows]})


def import_hosts(conn, keys, people: list[dict]) -> int:
    """Replace the staff directory with `people` (id, name, department, email); returns how many."""
    seen = set()
    for person in people:
        host_id = tidy(str(person.get("id") or ""))
        values = {"name": tidy(person.get("name") or ""), "department": tidy(person.get("department") or ""),
                  "email": (person.get("email") or "").strip().lower(), "active": True}
        # kiosks name the host in check-in records (`VisitorCheckIn.host_id`, `host_name`)
        if not 0 < len(host_id) <= 40 or not 0 < len(values["name"]) <= 120 or "@" not in values["email"]:
            raise ValueError(f"host {host_id[:40]!r}: an id of 1 to 40 characters, a name of at most 120 "
                             "and an email address are needed")
        changed = conn.execute(update(tables.hosts).where(tables.hosts.c.id == host_id).values(**values))
        if changed.rowcount == 0:
            conn.execute(tables.hosts.insert().values(id=host_id, **values))
        seen.add(host_id)
    # Staff who left stay in the table (old visits name them) but leave the directory.
    conn.execute(update(tables.hosts).where(tables.hosts.c.id.not_in(seen)).values(active=False))
    publish_directory(conn, keys)
    return len(seen)


def read_hosts_csv(text: str) -> list[dict]:
    """CSV with a header row: id, name, department, email."""
    rows = list(csv.DictReader(io.StringIO(text)))
    missing = {"id", "name", "email"} - set(rows[0].keys() if rows else [])
    if missing:
        raise ValueError(f"the CSV needs the columns id, name, department, email (missing {', '.join(sorted(missing))})")
    return rows


def new_code(conn) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
        if conn.execute(select(tables.invites.c.code).where(tables.invites.c.code == code)).first() is None:
            return code


def create_invite(conn, keys, site: str, visitor: str, host_id: str, day: date, company: str = "",
                  email: str = "", sender: str | None = None) -> str:
    """A one-time invitation; republishes the site's invites. Queues the invitation email
    (with its QR code) when `email` is given and sending is set up (`sender`)."""
    visitor, company = tidy(visitor), tidy(company)
    if not 0 < len(visitor) <= MAX_VISITOR_NAME or len(company) > MAX_COMPANY:
        # the kiosk checks the visitor in under these: they must fit its record (sync/payloads.py)
        raise ValueError(f"the visitor's name must be 1 to {MAX_VISITOR_NAME} characters, "
                         f"their organisation at most {MAX_COMPANY}")
    email = normal_email(email) if email.strip() else ""
    site = sites.register(conn, site)
    host = conn.execute(select(tables.hosts).where(tables.hosts.c.id == host_id,
                                                   tables.hosts.c.active.is_(True))).mappings().first()
    if host is None:
        raise ValueError(f"no host {host_id!r} in the directory")
    code = new_code(conn)
    conn.execute(tables.invites.insert().values(code=code, site=site, visitor=visitor, company=company,
                                                email=email, host_id=host_id, day=day.isoformat(),
                                                created_at=_now()))
    publish_invites(conn, keys, site)
    if email and sender:
        qr = io.BytesIO()
        segno.make(f"HKV1:{code}", error="m", micro=False).save(qr, kind="png", scale=10, border=4)
        queue_email(conn, email, f"Your visit to {site} on {day:%A %d %B %Y}",
                    f"Hello {visitor},\n\n{host['name']} has invited you to {site} on {day:%A %d %B %Y}.\n\n"
                    f"When you arrive, hold the attached QR code up to the visitor kiosk's camera, or type "
                    f"the code {code[:3]} {code[3:]}.\n\nThank you.\n", record_id=None,
                    attachment=qr.getvalue(), attachment_name="invitation.png")
    return code


def _appointment(row: dict, line: int) -> dict:
    """One booking as kiosks will send its arrival back (`AppointmentArrival`), or ValueError."""
    reference = appointment_reference(str(row.get("reference") or ""))
    clock = re.fullmatch(r"\s*([01]?[0-9]|2[0-3])[:.]([0-5][0-9])(?::00)?\s*", str(row.get("time") or ""))
    service = tidy(str(row.get("service") or ""))
    if not 0 < len(reference) <= 40 or clock is None or len(service) > 80:
        raise ValueError(f"appointment {line}: a reference of 1 to 40 letters and digits, a time like 09:30 "
                         "and a service name of at most 80 characters are needed")
    prefix = "".join(c for c in str(row.get("prefix", "A")).upper() if "A" <= c <= "Z")[:2] or "A"
    return dict(reference=reference, day=date.fromisoformat(str(row["date"]).strip()).isoformat(),
                time=f"{int(clock.group(1)):02d}:{clock.group(2)}", service=service, prefix=prefix)


def import_appointments(conn, keys, site: str, rows: list[dict]) -> int:
    site = sites.register(conn, site)
    for line, row in enumerate(rows, 1):
        values = {**_appointment(row, line), "site": site}
        reference = values.pop("reference")
        changed = conn.execute(update(tables.appointments).where(
            tables.appointments.c.reference == reference).values(**values))
        if changed.rowcount == 0:
            conn.execute(tables.appointments.insert().values(reference=reference, **values))
    publish_appointments(conn, keys, site)
    return len(rows)


# ----- email ------------------------------------------------------------------------------------
def queue_email(conn, to: str, subject: str, body: str, record_id: str | None,
                attachment: bytes | None = None, attachment_name: str | None = None) -> None:
    conn.execute(tables.notifications.insert().values(
        id=str(uuid.uuid4()), record_id=record_id, to_address=to, subject=subject[:200], body=body,
        attachment=attachment, attachment_name=attachment_name, state="pending", attempts=0, next_at=_now()))


# ----- processing records as they arrive ---------------------------------------------------------
# Each is called once per record id, in the savepoint that stores it, with the record's payload
# already validated against its model (sync/payloads.py).
def check_in(conn, keys, device: dict, record_id: str, p: VisitorCheckIn) -> None:
    """The visit on the register, the invitation used, the visitor remembered, the host told."""
    when = p.checked_in_at
    site = device["site"]
    conn.execute(tables.visits.insert().values(
        visit_id=p.visit_id, site=site, device_id=device["id"], name=p.name, company=p.company,
        host_id=p.host_id, host_name=p.host_name, checked_in_at=when))
    if p.invite_code:
        used = conn.execute(update(tables.invites).where(tables.invites.c.code == p.invite_code,
                                                         tables.invites.c.used_at.is_(None)).values(used_at=when))
        if used.rowcount:
            publish_invites(conn, keys, site)  # other kiosks of the site stop offering it
    if p.email:
        key = email_key(p.email)
        values = dict(name=p.name, company=p.company, vehicle=p.vehicle, last_visit=when)
        if conn.execute(update(tables.visitors).where(tables.visitors.c.site == site,
                                                      tables.visitors.c.email_sha256 == key).values(**values)).rowcount == 0:
            conn.execute(tables.visitors.insert().values(site=site, email_sha256=key, **values))
    host = conn.execute(select(tables.hosts).where(tables.hosts.c.id == p.host_id)).mappings().first()
    if host is not None:
        company = f" from {p.company}" if p.company else ""
        late = ("\n\nThe kiosk was offline when they signed in, so this message may be late; they were "
                "asked to wait at the meet-and-greet point.") if p.kiosk_offline else ""
        queue_email(conn, host["email"], f"Your visitor {p.name} has arrived",
                    f"Hello {host['name']},\n\n{p.name}{company} signed in at {site} at "
                    f"{when.astimezone():%H:%M} to see you.{late}\n", record_id=record_id)


def sign_out(conn, _keys, device: dict, _record_id: str, p: VisitorSignOut | VisitorSignOutAll) -> None:
    """The visits signed out (those of this kiosk's site only)."""
    conn.execute(update(tables.visits).where(tables.visits.c.visit_id.in_(p.visit_ids),
                                             tables.visits.c.site == device["site"],
                                             tables.visits.c.signed_out_at.is_(None)).values(
        signed_out_at=p.signed_out_at))


def arrival(conn, _keys, device: dict, _record_id: str, p: AppointmentArrival) -> None:
    """The appointment (at this kiosk's site) marked arrived, with the resident's ticket."""
    conn.execute(update(tables.appointments).where(tables.appointments.c.reference == p.reference,
                                                   tables.appointments.c.site == device["site"])
                 .values(arrived_at=p.arrived_at, ticket=p.ticket))


# ----- endpoints ----------------------------------------------------------------------------------
def routes(app, engine, device, throttle) -> None:
    @app.post(f"{API}/visitors/lookup", response_model=ReturningVisitor, tags=["visitors"],
              responses={404: {"description": "not a returning visitor"}})
    def lookup(body: LookupRequest, dev: dict = Depends(device)) -> ReturningVisitor:
        """Details of a returning visitor to this kiosk's site, found by their email address,
        to fill in for them. Rate-limited per device: a kiosk looks up one visitor at a time."""
        throttle.take("lookup", dev["id"])
        with engine.connect() as conn:
            row = conn.execute(select(tables.visitors).where(
                tables.visitors.c.site == dev["site"],
                tables.visitors.c.email_sha256 == email_key(body.email))).mappings().first()
        if row is None:
            raise HTTPException(404, "not a returning visitor")
        return ReturningVisitor(name=row["name"], company=row["company"], vehicle=row["vehicle"])

    @app.get(f"{API}/site/on-site", response_model=OnSite, tags=["visitors"])
    def on_site(dev: dict = Depends(device)) -> OnSite:
        """Visitors signed in at this kiosk's site today and not signed out, by central's records."""
        since = _now() - timedelta(hours=18)
        with engine.connect() as conn:
            rows = conn.execute(select(tables.visits).where(
                tables.visits.c.site == dev["site"], tables.visits.c.signed_out_at.is_(None),
                tables.visits.c.checked_in_at >= since).order_by(tables.visits.c.name)).mappings().all()
        return OnSite(site=dev["site"], visits=[OnSiteVisit(
            visit_id=r["visit_id"], name=r["name"], company=r["company"], host_name=r["host_name"],
            checked_in_at=r["checked_in_at"]) for r in rows])


def document_allowed(name: str, dev: dict) -> bool:
    """Site documents (`invites.<site>`) only go to kiosks of that site."""
    base, dot, scope = name.partition(".")
    return not dot or scope == site_slug(dev["site"])


def seed_demo(engine, keys, site: str, n_hosts: int = 300, today: date | None = None) -> list[dict]:
    """A demo directory, four invitations and a dozen appointments for today; the invites made."""
    from central import demo

    today = today or date.today()
    people = demo.hosts(n_hosts)
    with tables.begin(engine) as conn:
        import_hosts(conn, keys, people)
        made = []
        for invite in demo.invites(people, today):
            code = create_invite(conn, keys, site, invite["visitor"], invite["host_id"], today,
                                 invite["company"], invite["email"])
            made.append({**invite, "code": code})
        import_appointments(conn, keys, site, demo.appointments(today))
    return made

