"""The front desk the visitor screens talk to: check in, badges, sign out, appointments and
the fire roll-call. Everything a visitor does is one transaction: the record for central
(sealed) and the on-site register (encrypted) commit together, so it works offline and
reaches central once when the connection returns.

    >>> desk = VisitorDesk(outbox, references, vault, settings, printer, site="Riverside Civic Centre",
    ...                    device="kiosk-1")                              # doctest: +SKIP
    >>> visit = desk.check_in_walk_in(WalkIn(name="Jo Bloggs", company="Acme", host=host,
    ...                                      purpose="meeting", signature_png=png))  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone

from kiosk.core import KioskError
from kiosk.core.printing import Printer, PrintError
from kiosk.core.visitors import _, codes
from kiosk.core.visitors.appointments import Appointment, AppointmentBook
from kiosk.core.attempts import Attempts
from kiosk.core.drawing import label_pdf
from kiosk.core.visitors.badge import Badge, render_badge
from kiosk.core.visitors.directory import Host, HostDirectory
from kiosk.core.visitors.invites import Invite, InviteBook
from kiosk.core.visitors.register import OnSiteRegister, Visit
from kiosk.core.forms import Invalid
from kiosk.core.visitors.validation import clean_company, clean_email, clean_name, clean_vehicle
from sync import payloads
from sync.outbox import new_id
from sync.protocol import site_document
from sync.store import transaction

PURPOSES = payloads.VISIT_PURPOSES
RULES_VERSION = "2026-11"


class DeskError(KioskError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class WalkIn:
    """What a walk-in visitor gives, screen by screen."""

    name: str = ""
    company: str = ""
    email: str = ""
    host: Host | None = None
    purpose: str = ""
    vehicle: str = ""
    photo_consent: bool = False
    photo_jpeg: bytes | None = None
    signature_png: bytes | None = None
    returning: bool = False  # details filled in from central's record of an earlier visit

    def check_about(self) -> "WalkIn":
        """Name, organisation and email; raises `Invalid` naming the field to fix."""
        return replace(self, name=clean_name(self.name), company=clean_company(self.company),
                       email=clean_email(self.email))

    def check_host(self, directory: HostDirectory) -> None:
        """The person they are visiting, still in the directory; raises `Invalid` ("host")."""
        if self.host is None:
            raise Invalid(_("Please choose the person you are visiting."), "host")
        if directory.get(self.host.id) is None:
            raise Invalid(_("That person is no longer in our directory. Please choose someone else, "
                            "or ask at the meet-and-greet point."), "host")

    def check_visiting(self, directory: HostDirectory) -> None:
        """Who and why; raises `Invalid` naming the field to fix ("host" or "purpose")."""
        self.check_host(directory)
        if self.purpose not in PURPOSES:
            raise Invalid(_("Please choose why you are visiting."), "purpose")


@dataclass(frozen=True)
class CheckedIn:
    visit: Visit
    record_id: str
    offline: bool  # the host will hear once the kiosk is back online


@dataclass(frozen=True)
class Ticket:
    number: str
    appointment: Appointment


@dataclass
class RollCall:
    started_at: float
    people: list[dict] = field(default_factory=list)  # visit_id, name, company, host, where, safe


def _moment(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, timezone.utc)


class VisitorDesk:
    def __init__(self, outbox, references, vault, settings, printer: Printer, site: str, device: str,
                 online=lambda: None, clock=time.time, today=date.today) -> None:
        self.outbox = outbox
        self.references = references
        self.settings = settings  # kiosk.core.config.VisitorSettings
        self.guesses = Attempts()   # invitation codes and addresses, and sign-out by address or code
        self.printer = printer
        self.site = site
        self.device = device
        self.online = online  # () -> True / False / None (not known yet, treated as offline)
        self.clock = clock
        self.today = today
        self.register = OnSiteRegister(outbox.db, vault, clock)
        self._directory: tuple[int, HostDirectory] | None = None

    # ----- reference data ---------------------------------------------------------------
    def directory(self) -> HostDirectory:
        version = self.references.version("directory") if self.references else 0
        if self._directory is None or self._directory[0] != version:
            data = self.references.get("directory") if self.references else None
            self._directory = (version, HostDirectory.from_reference(data))
        return self._directory[1]

    def invites(self) -> InviteBook:
        data = self.references.get(site_document("invites", self.site)) if self.references else None
        return InviteBook.from_reference(data, self.today(), self.register.used_codes())

    def appointments(self) -> AppointmentBook:
        data = self.references.get(site_document("appointments", self.site)) if self.references else None
        arrived = {key.split(":", 1)[1] for (key,) in self.outbox.db.execute(
            "SELECT key FROM sync_state WHERE key LIKE 'arrived:%'").fetchall()}
        return AppointmentBook.from_reference(data, self.today(), arrived)

    # ----- checking in ------------------------------------------------------------------
    def check_in_invite(self, invite: Invite, email: str = "") -> CheckedIn:
        """Check in an invited visitor (the invitation already found for today; `email`, the
        address they found it with, if they did: they may sign out with it)."""
        for visit in self.register.on_site():
            if visit.invite_code == invite.code:
                return CheckedIn(visit, "", self.online() is not True)  # a second tap: the same visit
        payload = {"type": "invite", "invite_code": invite.code, "name": invite.visitor, "company": invite.company,
                   "host_id": invite.host_id, "host_name": invite.host, "purpose": "meeting"}
        return self._check_in(payload, {}, invite_code=invite.code, email=email)

    def check_in_walk_in(self, form: WalkIn) -> CheckedIn:
        form = form.check_about()
        form.check_visiting(self.directory())
        vehicle = clean_vehicle(form.vehicle) if self.settings.ask_vehicle else ""
        if form.signature_png is None:
            raise Invalid(_("Please sign with your finger to accept the site rules."), "signature")
        attachments = {"signature.png": form.signature_png}
        if form.photo_consent and form.photo_jpeg and self.settings.ask_photo:
            attachments["photo.jpg"] = form.photo_jpeg
        payload = {"type": "walk-in", "name": form.name, "company": form.company, "email": form.email,
                   "host_id": form.host.id, "host_name": form.host.name, "purpose": form.purpose,
                   "vehicle": vehicle, "photo_consent": bool(form.photo_consent and "photo.jpg" in attachments),
                   "returning": form.returning, "rules_version": RULES_VERSION}
        return self._check_in(payload, attachments, email=form.email)

    def _check_in(self, payload: dict, attachments: dict, invite_code: str = "", email: str = "") -> CheckedIn:
        now = self.clock()
        visit_id = new_id()
        visit = Visit(visit_id=visit_id, name=payload["name"], company=payload["company"],
                      host=payload["host_name"], host_id=payload["host_id"], kind=payload["type"],
                      checked_in_at=now, invite_code=invite_code, email_index=self.register.email_index(email))
        offline = self.online() is not True  # not yet known counts as offline: promise nothing
        record = payloads.VisitorCheckIn(**payload, visit_id=visit_id, site=self.site, device=self.device,
                                         checked_in_at=_moment(now), kiosk_offline=offline)
        self.outbox.enqueue(record, attachments=attachments, record_id=visit_id,
                            also=self.register.adder(visit))
        return CheckedIn(visit, visit_id, offline)

    # ----- badges -----------------------------------------------------------------------
    def badge(self, visit: Visit, labels: dict[str, str], date_text: str) -> Badge:
        return Badge(name=visit.name, company=visit.company, host=visit.host, date=date_text, site=self.site,
                     qr=codes.badge_qr(visit.visit_id), **labels)

    def print_badge(self, visit: Visit, labels: dict[str, str], date_text: str, again: bool = False) -> bool:
        """Print the badge once (a double tap never prints twice); `again` for a staff reprint.
        False when there is no printer; `PrintError` when the printer failed."""
        if not self.printer.available:
            return False
        if not again and not self.register.claim_print(visit.visit_id):
            return True  # already printed
        png = render_badge(self.badge(visit, labels, date_text))
        try:
            self.printer.print_pdf(label_pdf(png), "visitor-badge", png)
        except PrintError:
            if not again:
                self.outbox.db.execute("UPDATE register SET printed = 0 WHERE visit_id = ?", [visit.visit_id])
            raise
        return True

    # ----- signing out ------------------------------------------------------------------
    def sign_out(self, visit_id: str, how: str) -> Visit | None:
        """Sign one visitor out; None if they are not (or no longer) on site."""
        visit = self.register.get(visit_id)
        if visit is None:
            return None
        self._signed_out([visit], how)
        return visit

    def _signed_out(self, visits: list[Visit], how: str) -> None:
        now = _moment(self.clock())
        ids = [v.visit_id for v in visits]
        if len(ids) == 1:
            record = payloads.VisitorSignOut(visit_id=ids[0], how=how, signed_out_at=now, site=self.site,
                                             device=self.device)
        else:
            record = payloads.VisitorSignOutAll(visit_ids=ids, how=how, signed_out_at=now, site=self.site,
                                                device=self.device)
        self.outbox.enqueue(record, also=self.register.remover(ids))

    def auto_sign_out_due(self, now: datetime, last_done: date | None) -> bool:
        hour, minute = map(int, self.settings.auto_sign_out.split(":"))
        return (now.hour, now.minute) >= (hour, minute) and last_done != now.date()

    def sign_out_everyone(self, how: str = "auto") -> int:
        visits = self.register.on_site()
        if visits:
            self._signed_out(visits, how)
        return len(visits)

    def purge(self) -> int:
        cutoff = self.clock() - self.settings.register_hours * 3600
        with transaction(self.outbox.db):
            gone = self.register.purge(self.settings.register_hours)
            self.outbox.db.execute("DELETE FROM sync_state WHERE key LIKE 'arrived:%' AND CAST(value AS REAL) < ?",
                                   [cutoff])
        return gone

    # ----- appointments -----------------------------------------------------------------
    def arrive(self, appointment: Appointment) -> Ticket:
        """Queue the resident's arrival for the service and give them a ticket number.

        The number is counted per service per day on the kiosk (so it works offline) and
        taken in the same transaction as the record that names it."""
        day = self.today().isoformat()

        def last_ticket(db) -> int:
            row = db.execute("SELECT last FROM tickets WHERE day = ? AND prefix = ?", [day, appointment.prefix]).fetchone()
            return row[0] if row else 0

        number = last_ticket(self.outbox.db) + 1
        ticket = f"{appointment.prefix}{number:03d}"

        def take_ticket(db) -> None:
            if last_ticket(db) + 1 != number:  # taken meanwhile: roll back, record and all
                raise DeskError(_("Sorry, something went wrong. Please try again."))
            db.execute("INSERT OR REPLACE INTO tickets (day, prefix, last) VALUES (?, ?, ?)",
                       [day, appointment.prefix, number])
            db.execute("DELETE FROM tickets WHERE day < ?", [day])
            db.execute("INSERT OR REPLACE INTO sync_state (key, value) VALUES (?, ?)",
                       [f"arrived:{appointment.reference}", str(self.clock())])

        self.outbox.enqueue(payloads.AppointmentArrival(
            site=self.site, device=self.device, reference=appointment.reference, service=appointment.service,
            time=appointment.time, ticket=ticket, arrived_at=_moment(self.clock())), also=take_ticket)
        return Ticket(ticket, appointment)

    # ----- fire roll-call ---------------------------------------------------------------
    def start_roll_call(self, central_view: list[dict] | None = None) -> RollCall:
        """Everyone on site by the local register, plus anyone central knows of who signed in
        at another kiosk of this site (when online)."""
        self.register.clear_roll_call()
        roll = RollCall(self.clock(), [{"visit_id": v.visit_id, "name": v.name, "company": v.company,
                                        "host": v.host, "here": True, "safe": False}
                                       for v in self.register.on_site()])
        self.merge_central(roll, central_view or [])
        return roll

    def merge_central(self, roll: RollCall, central_view: list[dict]) -> int:
        """Add people central knows are on site (signed in at other kiosks); how many were new."""
        known = {p["visit_id"] for p in roll.people}
        added = 0
        for other in central_view:
            if other.get("visit_id") and other["visit_id"] not in known:
                roll.people.append({"visit_id": other["visit_id"], "name": other.get("name", ""),
                                    "company": other.get("company", ""), "host": other.get("host_name", ""),
                                    "here": False, "safe": False})
                known.add(other["visit_id"])
                added += 1
        return added

    def roll_call_pdf(self, roll: RollCall, title: str, subtitle: str, headings: list[str], yes: str,
                      no: str) -> bytes:
        from kiosk.core.visitors.lists import list_pdf

        rows = [[p["name"], p["company"], p["host"], yes if p["safe"] else no]
                for p in sorted(roll.people, key=lambda p: (p["safe"], p["name"]))]
        return list_pdf(title, subtitle, headings, rows)

    def mark_safe(self, roll: RollCall, visit_id: str, safe: bool = True) -> None:
        for person in roll.people:
            if person["visit_id"] == visit_id:
                person["safe"] = safe
                if person["here"]:
                    self.register.mark_safe(visit_id, safe)

    def finish_roll_call(self, roll: RollCall) -> str:
        """Send the roll-call to central (who was marked safe, when)."""
        marks = [payloads.RollCallMark(visit_id=p["visit_id"], safe=p["safe"]) for p in roll.people]
        record_id = self.outbox.enqueue(payloads.RollCall(
            site=self.site, device=self.device, started_at=_moment(roll.started_at),
            finished_at=_moment(self.clock()), marks=marks))
        self.register.clear_roll_call()
        return record_id

    @staticmethod
    def roll_call_csv(roll: RollCall, headings: list[str], yes: str, no: str) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(headings)
        for p in roll.people:
            writer.writerow([p["name"], p["company"], p["host"], yes if p["safe"] else no])
        return out.getvalue().encode("utf-8-sig")  # Excel opens UTF-8 with the mark
