"""Check my progress, as plain Python: which reference a slip's QR code or a typed line
holds, what to ask its owner, and what central's answer means in the resident's words.

    >>> reference_in("https://council.example/track/RPT-7KQ2-X9PM")
    'RPT-7KQ2-X9PM'
    >>> reference_in(" doc 4hjx 2m7q "), reference_in("HKR1:CT:50012345")
    ('DOC-4HJX-2M7Q', None)
    >>> question_for("ACC-4HJX-2M7Q")
    'date_of_birth'

The answer is the one thing a stranger who found the slip would not know: the postcode the
report gave, the postcode or claim reference given with documents, the date of birth given
at signup. Central checks it and limits tries; the kiosk only words what comes back and
keeps none of it past the wipe (`ProgressCheck` lives in the journey's flow, which the
wipe resets).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from kiosk.core.forms import Invalid, clean_postcode
from kiosk.core.residents.validate import clean_date_of_birth


def _(message: str) -> str:
    return message


_REFERENCE = re.compile(r"(?<![A-Z0-9])(RPT|DOC|ACC)-?([A-Z0-9]{4})-?([A-Z0-9]{4})(?![A-Z0-9])")
KINDS = {"RPT": "report", "DOC": "documents", "ACC": "account"}


def reference_in(text: str) -> str | None:
    """Our reference in a code's text or a typed line (spaces and dashes as people type)."""
    squashed = re.sub(r"[\s_]+", "", (text or "").upper())
    found = _REFERENCE.search(squashed)
    return f"{found[1]}-{found[2]}-{found[3]}" if found else None


def clean_reference(text: str) -> str:
    if not (text or "").strip():
        raise Invalid(_("Please type the reference from your slip or email."), "reference")
    reference = reference_in(text)
    if reference is None:
        raise Invalid(_("Please check the reference: RPT, DOC or ACC, then 8 letters and numbers, for example "
                        "RPT-7KQ2-X9PM."), "reference")
    return reference


def question_for(reference: str) -> str:
    """What its owner is asked: postcode, postcode_or_reference or date_of_birth."""
    return {"RPT": "postcode", "DOC": "postcode_or_reference", "ACC": "date_of_birth"}[reference[:3]]


def clean_answer(question: str, text: str = "", day: str = "", month: str = "", year: str = "",
                 today: date | None = None) -> str:
    """The answer as central compares it (a postcode spaced, a claim reference squashed, a
    date of birth as YYYY-MM-DD), or Invalid saying kindly what to type."""
    if question == "date_of_birth":
        return clean_date_of_birth(day, month, year, today or date.today()).isoformat()
    if question == "postcode":
        return clean_postcode(text)
    squashed = re.sub(r"[\s\-/.]", "", text or "").upper()
    if not squashed:
        raise Invalid(_("Please type the postcode or the reference number you gave with your documents."), "answer")
    try:
        return clean_postcode(text)
    except Invalid:
        if not re.fullmatch(r"[A-Z0-9]{4,20}", squashed):
            raise Invalid(_("Please type the postcode or the reference number you gave with your documents."),
                          "answer") from None
        return squashed


# ----- what the answer says ----------------------------------------------------------------------
STEP_WORDS = {
    "received": _("Received by the council"),
    "passed": _("Passed to the team that deals with it"),
    "started": _("The team has started work on it"),
    "closed": _("Dealt with and closed"),
}


@dataclass(frozen=True)
class Line:
    """One line of the result: what (marked for translation), whether done, and when."""

    text: str
    done: bool
    at: datetime | None = None
    values: tuple = ()   # (name, value) pairs for the text's {placeholders}


def report_lines(progress) -> list[Line]:
    return [Line(STEP_WORDS[s.step], s.done, s.at) for s in progress.steps]


def document_lines(progress) -> list[Line]:
    """Each document received: its kind and pages; indexed (looked at) or waiting."""
    out = []
    for d in progress.documents:
        text = _("{kind}, {pages}: looked at and added to your case") if d.indexed else \
            _("{kind}, {pages}: received, waiting to be looked at")
        out.append(Line(text, d.indexed, d.indexed_at or d.received_at,
                        (("kind", d.kind), ("pages", d.pages), ("purpose", d.purpose))))
    return out
