"""What a scan is for and which case it belongs to.

    >>> clean_reference("council-tax", " 5001 2345 ")
    '50012345'
    >>> reference_from_code("HKR1:CT:50012345", "council-tax")
    '50012345'

References follow the council's formats (below); a resident without one gives their name
and postcode instead, and the team finds the case.
"""

from __future__ import annotations

import re

from kiosk.core.documents import _
from kiosk.core.forms import Invalid, clean_postcode
from kiosk.core.numbers import new_reference
from kiosk.core.visitors.validation import clean_name
from sync.payloads import DOCUMENT_KINDS as KINDS  # noqa: F401 - the kiosk's name for them
from sync.payloads import DOCUMENT_PURPOSES as PURPOSES  # noqa: F401 - the kiosk's name for them
# Pages of these kinds are mostly print on paper: black and white is smaller and clearer.
GREY_KINDS = frozenset({"income", "council-letter", "bank-statement"})

# The council's reference formats, after spaces and dashes are taken out.
FORMATS = {
    "housing-benefit": (re.compile(r"^(HB)?\d{6,10}$"), _("A Housing Benefit claim number is 6 to 10 digits, "
                                                          "for example 40012345.")),
    "council-tax": (re.compile(r"^\d{8,10}$"), _("A Council Tax account number is 8 to 10 digits, "
                                                 "for example 50012345.")),
    "housing-register": (re.compile(r"^(HR)?\d{5,8}$"), _("A housing register number is HR and 5 to 8 "
                                                          "digits, for example HR123456.")),
    "other": (re.compile(r"^[A-Z0-9]{4,20}$"), _("A reference is 4 to 20 letters and digits.")),
}
# What the kiosk's letter QR codes say: HKR1:<service>:<reference>.
_SERVICES = {"HB": "housing-benefit", "CT": "council-tax", "HR": "housing-register"}


def _squash(text: str) -> str:
    return re.sub(r"[\s\-/.]", "", text or "").upper()


def clean_reference(purpose: str, text: str) -> str:
    """The reference in the council's own form, or `Invalid` saying what one looks like."""
    if purpose not in FORMATS:
        raise ValueError(f"unknown purpose {purpose!r}")
    reference = _squash(text)
    if not reference:
        raise Invalid(_("Please type your reference, or choose “I do not have it”."), "reference")
    pattern, example = FORMATS[purpose]
    if not pattern.match(reference):
        raise Invalid(example, "reference")
    if purpose == "housing-register" and not reference.startswith("HR"):
        reference = "HR" + reference
    return reference


def reference_from_code(text: str, purpose: str) -> str | None:
    """The reference a council letter's barcode or QR code carries for `purpose`, or None.

    Our letters say HKR1:<service>:<reference>; older letters' barcodes carry the bare
    reference, sometimes inside other text (an account line, a payment code)."""
    prefix, _sep, rest = text.strip().partition(":")
    if prefix.upper() == "HKR1":
        service, _sep, value = rest.partition(":")
        if _SERVICES.get(service.upper()) not in (purpose, None) and purpose != "other":
            return None
        text = value
    squashed = _squash(text)
    for candidate in [squashed] + re.findall(r"(?:HB|HR)?\d{5,10}", squashed):
        try:
            return clean_reference(purpose, candidate)
        except Invalid:
            continue
    return None


def clean_person(name: str, postcode: str) -> tuple[str, str]:
    """Name and postcode for a resident without a reference."""
    return clean_name(name), clean_postcode(postcode)


def new_receipt_number() -> str:
    """The number on a document-scan receipt: DOC-7KQ2-M9XA."""
    return new_reference("DOC")


def mask_reference(reference: str) -> str:
    """Only the last four characters, for a slip that may be left behind: ••••2345."""
    return "••••" + reference[-4:] if len(reference) > 4 else reference
