"""Residents' booked appointments (site-specific reference data) and their ticket numbers.

    >>> book = AppointmentBook.from_reference({"appointments": [{"reference": "HO-48213",
    ...     "date": "2026-11-22", "time": "10:30", "service": "Housing options", "prefix": "H"}]},
    ...     today=date(2026, 11, 22))
    >>> book.find("ho 48213").service
    'Housing options'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from kiosk.core import KioskError
from kiosk.core.visitors import _
from sync.payloads import appointment_reference


@dataclass(frozen=True)
class Appointment:
    reference: str
    date: date
    time: str
    service: str
    prefix: str


class AppointmentProblem(KioskError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


normalise_reference = appointment_reference  # the same rule as central's (sync/payloads.py)


class AppointmentBook:
    def __init__(self, appointments: list[Appointment], today: date, arrived: set[str] | None = None) -> None:
        self.by_reference = {a.reference: a for a in appointments}
        self.today = today
        self.arrived = arrived or set()

    @classmethod
    def from_reference(cls, data: dict | None, today: date, arrived: set[str] | None = None) -> "AppointmentBook":
        found = []
        for raw in (data or {}).get("appointments", []):
            try:
                found.append(Appointment(normalise_reference(raw["reference"]), date.fromisoformat(raw["date"]),
                                         str(raw["time"]), str(raw["service"]),
                                         re.sub(r"[^A-Z]", "", str(raw.get("prefix", "A")).upper())[:2] or "A"))
            except (KeyError, ValueError, TypeError):
                continue
        return cls(found, today, arrived)

    def find(self, typed: str) -> Appointment:
        reference = normalise_reference(typed)
        if not reference:
            raise AppointmentProblem(_("Please type the reference from your letter or text message."))
        found = self.by_reference.get(reference)
        if found is None:
            raise AppointmentProblem(_("We could not find that reference. Please check it, or ask at "
                                       "the meet-and-greet point."))
        if found.date != self.today:
            raise AppointmentProblem(_("Your appointment is on another day. Please check your letter, "
                                       "or ask at the meet-and-greet point."))
        if reference in self.arrived:
            raise AppointmentProblem(_("You have already checked in for this appointment. Please take "
                                       "a seat; we will call your ticket number."))
        return found
