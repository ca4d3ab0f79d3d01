"""What the kiosk's QR codes say. A short prefix names the kind and version:

    HKV1:<invite code>      on a visitor's invitation (email or printed)
    HKS1:<visit id>         on a visitor's badge, to sign out
    HKA1:<reference>        on an appointment letter

Anything else is not ours, and the kiosk says so kindly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sync.payloads import CODE_ALPHABET  # noqa: F401 - kiosk.core.visitors.codes.CODE_ALPHABET

INVITE, BADGE, APPOINTMENT = "invite", "badge", "appointment"
_PREFIXES = {"HKV1": INVITE, "HKS1": BADGE, "HKA1": APPOINTMENT}
_VALUE = re.compile(r"^[A-Za-z0-9-]{4,40}$")

# Invite codes: six letters and digits a person can read back and type (no 0/O, 1/I/L):
# CODE_ALPHABET, from the wire schema.


@dataclass(frozen=True)
class Scanned:
    kind: str  # invite | badge | appointment
    value: str


def parse(text: str) -> Scanned | None:
    """The meaning of a scanned code, or None if it is not one of ours."""
    prefix, sep, value = text.strip().partition(":")
    kind = _PREFIXES.get(prefix.upper())
    if not sep or kind is None or not _VALUE.match(value):
        return None
    return Scanned(kind, value.upper() if kind != BADGE else value.lower())


def invite_qr(code: str) -> str:
    return f"HKV1:{code}"


def badge_qr(visit_id: str) -> str:
    return f"HKS1:{visit_id}"


def appointment_qr(reference: str) -> str:
    return f"HKA1:{reference}"


def normalise_code(typed: str) -> str:
    """What a person typed as a code, as stored: spaces and dashes dropped, upper case."""
    return re.sub(r"[\s-]", "", typed).upper()
