"""A workload of every record kind, and an oracle for what central must have *done*.

Used by the crash tests (tests/sync/test_crashes.py) and bench/crashes.py. Each record a
kiosk queues has effects at central beyond its row in `records`:

| kind                | effects checked, each exactly once                                    |
|---------------------|-----------------------------------------------------------------------|
| visitor-checkin     | the visit on the register, the host email queued, the returning visitor |
| visitor-signout     | the visit signed out                                                  |
| appointment-arrival | the appointment marked arrived, with its ticket                        |
| document-scan       | the document filed, its PDF kept byte for byte                        |
| street-report       | the report filed (and, with a back office, forwarded over Open311 once), the resident's acknowledgement queued when they gave a contact |
| account-signup      | the pending account, its activation email queued                      |
| signup-follow-up    | the request filed for the contact team, its acknowledgement queued    |
| feedback            | the answer counted                                                    |

`check(...)` classifies every expected effect as lost or duplicated (both must be empty),
and reports effects central has that no record asked for as unexpected.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import func, select

from central import db as tables
from central import visitors as central_visitors
from central.categories import publish_categories
from central.keys import load_or_create
from sync import payloads

HOSTS = [{"id": f"h{n}", "name": f"Host {n}", "department": "Planning", "email": f"host{n}@council.example"}
         for n in range(5)]
KINDS = ("visitor-checkin", "visitor-signout", "appointment-arrival", "document-scan", "street-report",
         "account-signup", "signup-follow-up", "feedback")


def prepare_central(data: Path, site: str, appointments: int, database_url: str | None = None) -> None:
    """The reference data the workload's records refer to: staff, appointments, categories."""
    engine = tables.make_engine(database_url or tables.sqlite_url(data))
    keys = load_or_create(data)
    rows = [{"reference": f"APT-{n:05d}", "date": date.today().isoformat(), "time": "10:00",
             "service": "Housing", "prefix": "H"} for n in range(appointments)]
    with tables.begin(engine) as conn:
        central_visitors.import_hosts(conn, keys, HOSTS)
        central_visitors.import_appointments(conn, keys, site, rows)
        publish_categories(conn, keys, base_url="http://127.0.0.1")
    engine.dispose()


@dataclass
class Workload:
    """Queues records of every kind on a kiosk outbox and remembers what each must cause."""

    site: str
    rng: random.Random = field(default_factory=lambda: random.Random(1))
    attachments: bool = True  # False: the same records without their files
    queued: dict[str, tuple[str, dict, dict]] = field(default_factory=dict)  # id -> (kind, payload, files)
    _n: int = 0
    _arrivals: int = 0
    _visits: list[str] = field(default_factory=list)

    def queue(self, outbox, kind: str | None = None) -> str:
        """Queue one record (of `kind`, or a random one); its id once committed."""
        kind = kind or self.rng.choice(KINDS)
        if kind == "visitor-signout" and not self._visits:
            kind = "visitor-checkin"
        self._n += 1
        n = self._n
        payload, files, record_id = self._payload(kind, n)
        files = files if self.attachments else {}
        record_id = outbox.enqueue(payload, attachments=files or None, record_id=record_id)
        self.queued[record_id] = (kind, payload.model_dump(mode="json"), files)
        if kind == "visitor-checkin":
            self._visits.append(record_id)
        return record_id

    def _payload(self, kind: str, n: int) -> tuple[payloads.Payload, dict, str | None]:
        from sync.outbox import new_id

        now = datetime.now(timezone.utc)
        if kind == "visitor-checkin":
            host = HOSTS[n % len(HOSTS)]
            rid = new_id()
            return (payloads.VisitorCheckIn(
                type="walk-in", name=f"Visitor {n}", company="Acme", email=f"visitor{n}@example.com",
                host_id=host["id"], host_name=host["name"], purpose="meeting", visit_id=rid, site=self.site,
                checked_in_at=now), {"signature.png": b"\x89PNG" + bytes([n % 256]) * 300} if n % 3 == 0 else {}, rid)
        if kind == "visitor-signout":
            visit = self._visits.pop(0)
            return payloads.VisitorSignOut(visit_id=visit, signed_out_at=now, how="badge"), {}, None
        if kind == "appointment-arrival":
            self._arrivals += 1  # each arrival a different booked appointment (prepare_central made them)
            return payloads.AppointmentArrival(reference=f"APT-{self._arrivals:05d}", arrived_at=now,
                                               ticket=f"H{n:03d}"), {}, None
        if kind == "document-scan":
            return (payloads.DocumentScan(receipt=reference("DOC", n), purpose="housing-benefit", kind="income",
                                          reference=f"4001{n:04d}", pages=1, scanned_at=now),
                    {"documents.pdf": b"%PDF-1.4\n" + hashlib.sha256(str(n).encode()).digest() * 40}, None)
        if kind == "street-report":
            return (payloads.StreetReport(
                reference=reference("RPT", n), category="fly-tipping", service_code="FLYTIP",
                answers={"amount": "car", "hazardous": False},
                location=payloads.Location(kind="postcode", postcode="RV1 2AB"), landmark="By the bus stop",
                description=f"Mattress {n}", language="en", site=self.site, reported_at=now,
                contact=payloads.ReportContact(name="Jo", email=f"reporter{n}@example.com") if n % 3 == 0 else None),
                    {"photo.jpg": b"\xff\xd8\xff\xe0" + bytes([n % 256]) * 500} if n % 2 else {}, None)
        if kind == "account-signup":
            return (payloads.AccountSignup(
                reference=reference("ACC", n), first_name="Jo", last_name=f"Resident {n}",
                email=f"resident{n}@example.com", address=payloads.Address(lines=["1 Mill Lane"], town="Riverside",
                                                                          postcode="RV1 2AB"),
                date_of_birth=date(1980, 4, 1), contact_by=["email"], terms_version="2026-04", accepted_at=now,
                language="en"), {}, None)
        if kind == "signup-follow-up":
            return (payloads.SignupFollowUp(reference=reference("ACC", 10**6 + n), first_name="Sam",
                                            last_name=f"Helped {n}", email=f"helped{n}@example.com",
                                            stage="address", asked_at=now, language="en"), {}, None)
        return (payloads.Feedback(journey="visitors", found=n % 2 == 0, stars=n % 5 + 1, language="en",
                                  day=date.today()), {}, None)


def reference(prefix: str, n: int) -> str:
    """A reference of the kiosk's shape (`RPT-XXXX-XXXX`), different for each n."""
    alphabet = payloads.CODE_ALPHABET
    digits = []
    for _ in range(8):
        n, digit = divmod(n, len(alphabet))
        digits.append(alphabet[digit])
    code = "".join(reversed(digits))
    return f"{prefix}-{code[:4]}-{code[4:]}"


def _counts(conn, column) -> dict[str, int]:
    return {key: n for key, n in conn.execute(select(column, func.count()).group_by(column)).all()}


def check(engine, files_root: Path, workload: Workload, backoffice=None) -> dict[str, dict[str, set[str]]]:
    """Every expected effect of every queued record: {effect: {"lost", "duplicated",
    "unexpected"}} sets of record ids (all empty when central did everything exactly once)."""
    out: dict[str, dict[str, set[str]]] = {}

    def judge(effect: str, expected: set[str], counted: dict[str, int]) -> None:
        out[effect] = {"lost": {i for i in expected if counted.get(i, 0) == 0},
                       "duplicated": {i for i in expected if counted.get(i, 0) > 1},
                       "unexpected": {i for i in counted if i not in expected}}

    by_kind: dict[str, dict[str, tuple[dict, dict]]] = {}
    for record_id, (kind, payload, files) in workload.queued.items():
        by_kind.setdefault(kind, {})[record_id] = (payload, files)
    t = tables
    with engine.connect() as conn:
        judge("record stored", set(workload.queued), _counts(conn, t.records.c.id))
        checkins = set(by_kind.get("visitor-checkin", {}))
        judge("visit on the register", checkins, _counts(conn, t.visits.c.visit_id))
        notes = _counts(conn, select(t.notifications.c.record_id).where(t.notifications.c.notice_key.is_(None))
                        .subquery().c.record_id)
        signups = set(by_kind.get("account-signup", {}))
        judge("host email queued", checkins, {i: n for i, n in notes.items() if i in checkins})
        judge("activation email queued", signups, {i: n for i, n in notes.items() if i in signups})
        out["no other email"] = {"lost": set(), "duplicated": set(), "unexpected": {
            i for i in notes if i is not None and i not in checkins | signups}}
        # residents' acknowledgements: keyed by reference, one per report with a contact and per follow-up
        told = {record_id: payload["reference"] for kind in ("street-report", "signup-follow-up")
                for record_id, (payload, _f) in by_kind.get(kind, {}).items()
                if kind == "signup-follow-up" or payload.get("contact")}
        acks = _counts(conn, select(t.notifications.c.notice_key).where(t.notifications.c.notice_key.is_not(None))
                       .subquery().c.notice_key)
        by_key = {f"{ref}:received": record_id for record_id, ref in told.items()}
        judge("resident's acknowledgement queued", set(told),
              {by_key.get(key, key): n for key, n in acks.items()})
        returning = {(s, e) for s, e in conn.execute(select(t.visitors.c.site, t.visitors.c.email_sha256))}
        out["returning visitor kept"] = {"lost": {
            i for i, (p, _f) in by_kind.get("visitor-checkin", {}).items()
            if (workload.site, central_visitors.email_key(p["email"])) not in returning}, "duplicated": set(),
            "unexpected": set()}
        signed_out = set(conn.execute(select(t.visits.c.visit_id).where(t.visits.c.signed_out_at.is_not(None))).scalars())
        out["visit signed out"] = {"lost": {i for i, (p, _f) in by_kind.get("visitor-signout", {}).items()
                                            if p["visit_id"] not in signed_out}, "duplicated": set(), "unexpected": set()}
        arrived = dict(conn.execute(select(t.appointments.c.reference, t.appointments.c.ticket)
                                    .where(t.appointments.c.arrived_at.is_not(None))).all())
        out["appointment arrived"] = {"lost": {i for i, (p, _f) in by_kind.get("appointment-arrival", {}).items()
                                               if p["reference"] not in arrived}, "duplicated": set(), "unexpected": set()}
        judge("document filed", set(by_kind.get("document-scan", {})), _counts(conn, t.documents.c.record_id))
        if workload.attachments:
            out["document PDF kept"] = {"lost": {
                i for i, (_p, f) in by_kind.get("document-scan", {}).items()
                if not (files_root / i / "documents.pdf").exists()}, "duplicated": set(), "unexpected": set()}
        judge("report filed", set(by_kind.get("street-report", {})), _counts(conn, t.reports.c.record_id))
        judge("account made", signups, _counts(conn, t.accounts.c.record_id))
        judge("follow-up filed", set(by_kind.get("signup-follow-up", {})), _counts(conn, t.signup_followups.c.record_id))
        judge("feedback counted", set(by_kind.get("feedback", {})), _counts(conn, t.feedback.c.record_id))
        # each document, report and follow-up waits in its service's queue, with its clock
        for kind, item_kind in (("document-scan", "document"), ("street-report", "street-report"),
                                ("signup-follow-up", "follow-up")):
            items = _counts(conn, select(t.work_items.c.record_id).where(t.work_items.c.kind == item_kind)
                            .subquery().c.record_id)
            judge(f"{item_kind} work item queued", set(by_kind.get(kind, {})), items)
    if backoffice is not None:
        posted: dict[str, int] = {}
        for record_id, (payload, _f) in by_kind.get("street-report", {}).items():
            posted[record_id] = len(backoffice.created_for(payload["reference"]))
        judge("report forwarded over Open311", set(posted), {i: n for i, n in posted.items() if n})
    return out


def problems(outcome: dict[str, dict[str, set[str]]]) -> dict[str, dict[str, int]]:
    """Only the effects with something lost, duplicated or unexpected (counts)."""
    return {effect: {what: len(ids) for what, ids in verdict.items() if ids}
            for effect, verdict in outcome.items() if any(verdict.values())}
