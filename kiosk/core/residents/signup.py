"""Assisted My Account signup: one resident's answers, checked step by step, and the record
central turns into an account. The kiosk never asks for or handles a password: central
creates the account and emails the resident a link to finish on their own device.

    >>> s = Signup()
    >>> s.set_name(" jo ", "bloggs")
    >>> s.set_email("jo@gmial.com").suggestion
    'jo@gmail.com'
    >>> s.next_step()
    'mobile'

A resident who gives up part way leaves nothing behind, unless they ask the council to
contact them to help: then `SignupDesk.follow_up` queues just their name and how to reach
them, with the step they reached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from kiosk.core.numbers import new_reference
from kiosk.core.residents import _
from kiosk.core.forms import Invalid, clean_postcode
from kiosk.core.residents.gazetteer import Address
from kiosk.core.residents.validate import (
    Email,
    clean_date_of_birth,
    clean_email,
    clean_mobile,
    clean_name,
    clean_text,
)
from sync import payloads
from sync.payloads import CONTACT_METHODS
from sync.payloads import MAX_ADDRESS_LINE as MAX_LINE
from sync.payloads import SIGNUP_STEPS as STEPS

TERMS_VERSION = "2026-04"


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Signup:
    """What one resident has given so far (in memory only, gone at the wipe)."""

    first_name: str = ""
    last_name: str = ""
    email: str = ""
    mobile: str = ""
    address: Address | None = None
    manual_address: bool = False
    born: date | None = None
    contact_by: tuple[str, ...] = ()
    accepted: bool = False
    assisted_by: str = ""
    reference: str = field(default_factory=lambda: new_reference("ACC"))
    done: set[str] = field(default_factory=set)   # steps answered
    sent: str | None = None                       # the reference, once queued

    # ----- the steps --------------------------------------------------------------------
    def set_name(self, first: str, last: str) -> None:
        self.first_name = clean_name(first, "first_name")
        self.last_name = clean_name(last, "last_name")
        self.done.add("name")

    def set_email(self, text: str) -> Email:
        """Keeps the address as typed (if well formed); the screen offers the suggestion."""
        email = clean_email(text)
        self.email = email.address
        self.done.add("email")
        return email

    def set_mobile(self, text: str) -> None:
        self.mobile = clean_mobile(text)
        if not self.mobile:
            self.contact_by = tuple(m for m in self.contact_by if m != "text")
            if not self.contact_by:  # texts were the only way chosen: ask again
                self.done.discard("contact")
        self.done.add("mobile")

    def choose_address(self, address: Address) -> None:
        self.address, self.manual_address = address, False
        self.done.add("address")

    def set_manual_address(self, line1: str, line2: str, town: str, postcode: str) -> None:
        too_long = _("That is too long. Please shorten it.")
        first = clean_text(line1, MAX_LINE, "line1", too_long)
        if not first:
            raise Invalid(_("Please type the first line of your address."), "line1")
        second = clean_text(line2, MAX_LINE, "line2", too_long)
        place = clean_text(town, MAX_LINE, "town", too_long)
        if not place:
            raise Invalid(_("Please type your town or city."), "town")
        code = clean_postcode(postcode)
        self.address = Address("", tuple(x for x in (first, second) if x), place, code)
        self.manual_address = True
        self.done.add("address")

    def set_date_of_birth(self, day: str, month: str, year: str, today: date) -> None:
        self.born = clean_date_of_birth(day, month, year, today)
        self.done.add("dob")

    def set_contact(self, methods) -> None:
        chosen = tuple(m for m in CONTACT_METHODS if m in set(methods))
        if not chosen:
            raise Invalid(_("Please choose at least one way for us to contact you."), "contact")
        if "text" in chosen and not self.mobile:
            raise Invalid(_("To get text messages, go back and add your mobile number."), "contact")
        self.contact_by = chosen
        self.done.add("contact")

    def accept_terms(self, accepted: bool) -> None:
        if not accepted:
            raise Invalid(_("Please read the terms and privacy notice and tick the box to agree."), "terms")
        self.accepted = True
        self.done.add("terms")

    def next_step(self) -> str:
        """The first step not answered yet ("check" when all are)."""
        return next(step for step in STEPS if step not in self.done or step == "check")

    # ----- what leaves the kiosk ---------------------------------------------------------
    @property
    def reachable(self) -> bool:
        """Enough to ask the council to contact them: a name and an email or mobile."""
        return bool(self.first_name and (self.email or self.mobile))

    def payload(self, language: str, site: str, now: datetime) -> payloads.AccountSignup:
        if self.next_step() != "check":
            raise Invalid(_("Some answers are missing. Please go back and fill them in."), self.next_step())
        a = self.address
        return payloads.AccountSignup(
            reference=self.reference, first_name=self.first_name, last_name=self.last_name, email=self.email,
            mobile=self.mobile, address=payloads.Address(uprn=a.uprn, lines=list(a.lines), town=a.town,
                                                         postcode=a.postcode, manual=self.manual_address),
            date_of_birth=self.born, contact_by=list(self.contact_by), terms_version=TERMS_VERSION,
            accepted_at=now, assisted_by=self.assisted_by, language=language, site=site)

    def follow_up_payload(self, language: str, site: str, now: datetime) -> payloads.SignupFollowUp:
        return payloads.SignupFollowUp(
            reference=self.reference, first_name=self.first_name, last_name=self.last_name, email=self.email,
            mobile=self.mobile, stage=self.next_step(), assisted_by=self.assisted_by, language=language,
            site=site, asked_at=now)


class SignupDesk:
    """Queues finished signups (and follow-up requests) for central, sealed; works offline."""

    def __init__(self, outbox, site: str, clock=_now) -> None:
        self.outbox = outbox
        self.site = site
        self.clock = clock

    def submit(self, signup: Signup, language: str) -> str:
        """Queue the signup once (a second tap sends nothing more); returns its reference."""
        if signup.sent is None:
            self.outbox.enqueue(signup.payload(language, self.site, self.clock()))
            signup.sent = signup.reference
        return signup.sent

    def follow_up(self, signup: Signup, language: str) -> str | None:
        """Queue a request for the council to help this resident finish (only with their
        consent, which the screens ask for); None when there is no way to reach them."""
        if signup.sent is not None or not signup.reachable:
            return None
        self.outbox.enqueue(signup.follow_up_payload(language, self.site, self.clock()))
        signup.sent = signup.reference
        return signup.reference
