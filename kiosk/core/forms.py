"""What every journey's forms share: the `Invalid` answer and the checks more than one journey
makes (a postcode, an email shown back masked).

Each check returns the cleaned value, or raises `Invalid` with a message (marked for
translation) that says what to do, and the field it belongs beside.

    >>> clean_postcode(" sw1a1aa ")
    'SW1A 1AA'
    >>> mask_email("jane.smith@acme.co.uk")
    'j•••@acme.co.uk'
"""

from __future__ import annotations

import re

from kiosk.core import KioskError


def _(message: str) -> str:
    """Marks a message for translation; the screens translate it when they show it."""
    return message


class Invalid(KioskError):
    """An answer that cannot be used as it is: `message` says what to do, `field` is where."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


_POSTCODE = re.compile(r"^(GIR ?0AA|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})$")


def clean_postcode(text: str) -> str:
    postcode = " ".join((text or "").upper().split())
    if not postcode:
        raise Invalid(_("Please type your postcode."), "postcode")
    compact = postcode.replace(" ", "")
    spaced = f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact
    if not _POSTCODE.match(spaced):
        raise Invalid(_("That does not look like a UK postcode. Please check it, for example SW1A 1AA."),
                      "postcode")
    return spaced


def mask_mobile(number: str) -> str:
    """`+447700900123` -> `•••• 123`: the last three digits, as a bank shows a card's."""
    digits = "".join(c for c in number if c.isdigit())
    return f"•••• {digits[-3:]}" if len(digits) >= 6 else ""


def mask_email(email: str) -> str:
    """`jane.smith@acme.co.uk` -> `j•••@acme.co.uk`: enough to recognise, not to read."""
    local, _sep, domain = email.partition("@")
    if not domain:
        return ""
    return f"{local[:1]}•••@{domain}"
