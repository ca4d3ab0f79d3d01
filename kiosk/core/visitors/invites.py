"""Invitations hosts made in advance, sent to kiosks as signed, site-specific reference data.

    >>> book = InviteBook.from_reference({"invites": [{"code": "7KQ2M9", "visitor": "Jane Smith",
    ...     "company": "Acme", "host_id": "h1", "host": "Priya Patel", "date": "2026-11-22",
    ...     "email_masked": "j•••@acme.co.uk"}]}, today=date(2026, 11, 22))
    >>> book.find_code("7kq-2m9").visitor
    'Jane Smith'

Without the code, a visitor proves an invitation is theirs with the address it was sent to:
the kiosk holds only a salted hash of it (`email_check`), never the address, and shows no
invitation to anyone who has not given one or the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kiosk.core import KioskError
from kiosk.core.visitors import _
from kiosk.core.visitors.codes import normalise_code
from sync.payloads import email_check


@dataclass(frozen=True)
class Invite:
    code: str
    visitor: str
    company: str
    host_id: str
    host: str
    date: date
    email_masked: str = ""
    email_check: str = ""   # sync.payloads.email_check of the address it was sent to


class InviteProblem(KioskError):
    """An invitation that cannot be used here today; `message` says why, kindly."""

    def __init__(self, message: str, invite: Invite | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.invite = invite


class InviteBook:
    def __init__(self, invites: list[Invite], today: date, used: set[str] | None = None, email_salt: str = "") -> None:
        self.invites = {i.code: i for i in invites}
        self.today = today
        self.used = used or set()
        self.email_salt = email_salt

    @classmethod
    def from_reference(cls, data: dict | None, today: date, used: set[str] | None = None) -> "InviteBook":
        invites = []
        for raw in (data or {}).get("invites", []):
            try:
                invites.append(Invite(code=normalise_code(raw["code"]), visitor=raw["visitor"],
                                      company=raw.get("company", ""), host_id=str(raw["host_id"]),
                                      host=raw["host"], date=date.fromisoformat(raw["date"]),
                                      email_masked=raw.get("email_masked", ""),
                                      email_check=str(raw.get("email_check", ""))))
            except (KeyError, ValueError, TypeError):
                continue  # one bad entry never hides the others
        return cls(invites, today, used, str((data or {}).get("email_salt", "")))

    def find_code(self, typed: str) -> Invite:
        """The invitation for a typed or scanned code, usable today; else `InviteProblem`."""
        code = normalise_code(typed)
        invite = self.invites.get(code)
        if invite is None:
            raise InviteProblem(_("We could not find that invitation. Please check the code, "
                                  "or sign in without an invitation."))
        if invite.date < self.today:
            raise InviteProblem(_("This invitation was for an earlier day. Please sign in without "
                                  "an invitation, or ask at reception."), invite)
        if invite.date > self.today:
            raise InviteProblem(_("This invitation is for a later day. Please sign in without "
                                  "an invitation, or ask at reception."), invite)
        if code in self.used:
            raise InviteProblem(_("This invitation has already been used today. If you signed out "
                                  "and came back, please sign in without an invitation."), invite)
        return invite

    def find_email(self, typed: str) -> list[Invite]:
        """Today's unused invitations sent to the address typed (none for no valid address)."""
        if not self.email_salt:
            return []
        check = email_check(self.email_salt, typed)
        return [i for i in self.invites.values()
                if check and i.email_check == check and i.date == self.today and i.code not in self.used]
