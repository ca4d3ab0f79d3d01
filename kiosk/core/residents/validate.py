"""Checks on what residents type. Each returns the cleaned value, or raises `Invalid` with a
message (marked for translation) that says what to do, and the field it belongs beside.

    >>> clean_email("Jo.Bloggs@gmial.com")
    Email(address='jo.bloggs@gmial.com', suggestion='jo.bloggs@gmail.com')
    >>> clean_mobile("07911 123456")
    '+447911123456'
    >>> format_mobile("+447911123456")
    '07911 123456'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import phonenumbers
from rapidfuzz.distance import OSA

from kiosk.core.residents import _
from kiosk.core.forms import Invalid
from sync.payloads import MAX_EMAIL, MAX_RESIDENT_NAME, normal_email, tidy

__all__ = ["clean_name", "clean_email", "clean_mobile", "format_mobile",
           "clean_date_of_birth", "clean_text", "Email"]

MAX_NAME = MAX_RESIDENT_NAME
MIN_AGE = 16
MAX_AGE = 120

# The domains most UK residents' addresses are at: a typed domain one or two letters away
# from one of these (and not one of them) is probably a slip of the finger.
COMMON_DOMAINS = (
    "gmail.com", "googlemail.com", "hotmail.com", "hotmail.co.uk", "outlook.com", "live.com",
    "live.co.uk", "yahoo.com", "yahoo.co.uk", "icloud.com", "me.com", "aol.com", "aol.co.uk",
    "btinternet.com", "sky.com", "virginmedia.com", "talktalk.net", "ntlworld.com",
    "blueyonder.co.uk", "protonmail.com", "proton.me", "msn.com", "mail.com", "gmx.com",
)
# Endings typed wrongly often enough to correct on their own (any domain).
_ENDINGS = {".con": ".com", ".cmo": ".com", ".ocm": ".com", ".comm": ".com", ".om": ".com",
            ".co.um": ".co.uk", ".co.k": ".co.uk", ".co.ukk": ".co.uk", ".couk": ".co.uk",
            ".uk.com": ".co.uk", ".nte": ".net", ".ne": ".net"}


@dataclass(frozen=True)
class Email:
    address: str
    suggestion: str = ""   # "did you mean …?" (empty: nothing to suggest)


def _letters(text: str) -> int:
    return sum(1 for c in text if unicodedata.category(c).startswith("L"))


def clean_text(text: str | None, limit: int, field: str, too_long: str) -> str:
    """Free text as it will be read: one paragraph, no control or direction-override
    characters, at most `limit` characters (else `Invalid(too_long)`). Any script, any
    direction, emoji included: it is the resident's own words."""
    cleaned = tidy(text or "")  # as the record's model tidies it (sync/payloads.py)
    if len(cleaned) > limit:
        raise Invalid(too_long, field)
    return cleaned


def clean_name(text: str | None, field: str = "first_name") -> str:
    """A first or last name: letters of any script, spaces, hyphens and apostrophes."""
    name = clean_text(text, MAX_NAME, field, _("That is too long. Please shorten it."))
    if not name:
        raise Invalid(_("Please type your first name.") if field == "first_name"
                      else _("Please type your last name."), field)
    if (_letters(name) < 1 or any(unicodedata.category(c) in ("So", "Sk", "Co") for c in name)
            or re.search(r"[<>{}\[\]|\\/@#$%^*=+~`_;:!?\"\d()&,]", name)):
        raise Invalid(_("Please use letters only."), field)
    return name


def _suggest_domain(domain: str) -> str:
    for wrong, right in _ENDINGS.items():
        if domain.endswith(wrong):
            return domain[: -len(wrong)] + right
    if domain in COMMON_DOMAINS:
        return ""
    best, best_distance = "", 3
    for known in COMMON_DOMAINS:
        distance = OSA.distance(domain, known, score_cutoff=2)  # a swap of two letters counts once
        if distance < best_distance:
            best, best_distance = known, distance
    return best


def clean_email(text: str | None, required: bool = True) -> Email:
    """An email address checked for form (not whether it exists: the activation email does
    that), with a suggestion when the domain looks like a slip: `gmial.com` -> `gmail.com`."""
    typed = "".join((text or "").split()).lower()
    if not typed:
        if required:
            raise Invalid(_("Please type your email address."), "email")
        return Email("")
    if len(typed) > MAX_EMAIL:
        raise Invalid(_("That email address is too long. Please check it."), "email")
    try:
        address = normal_email(typed)
    except ValueError:
        if "@" not in typed:
            raise Invalid(_("An email address needs an @, like name@example.com."), "email") from None
        raise Invalid(_("That email address does not look right. Please check it."), "email") from None
    local, _at, domain = address.rpartition("@")
    better = _suggest_domain(domain)
    suggestion = f"{local}@{better}" if better and better != domain else ""
    try:  # offered only if it is itself an address the record can carry
        suggestion = normal_email(suggestion) if suggestion and len(suggestion) <= MAX_EMAIL else ""
    except ValueError:
        suggestion = ""
    return Email(address, suggestion)


_UK_REGIONS = {"GB", "GG", "JE", "IM"}


def clean_mobile(text: str | None, required: bool = False) -> str:
    """A UK mobile number in international form (`+447911123456`), or "" when left empty."""
    typed = " ".join((text or "").split())
    if not typed:
        if required:
            raise Invalid(_("Please type your mobile number."), "mobile")
        return ""
    wrong = Invalid(_("That does not look like a UK mobile number. It starts 07 and has 11 digits."), "mobile")
    if len(typed) > 20 or re.search(r"[^0-9+ ()-]", typed):
        raise wrong
    try:
        number = phonenumbers.parse(typed, "GB")
    except phonenumbers.NumberParseException:
        raise wrong from None
    if not phonenumbers.is_valid_number(number) or phonenumbers.region_code_for_number(number) not in _UK_REGIONS:
        raise wrong
    kind = phonenumbers.number_type(number)
    if kind not in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        raise Invalid(_("That looks like a landline number. Please give a mobile number, or leave it empty."),
                      "mobile")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_mobile(e164: str) -> str:
    """How a resident writes their own number: `07911 123456`."""
    if not e164:
        return ""
    return phonenumbers.format_number(phonenumbers.parse(e164, "GB"), phonenumbers.PhoneNumberFormat.NATIONAL)


def _number(text: str | None) -> int | None:
    digits = "".join((text or "").split())
    return int(digits) if digits.isdigit() and len(digits) <= 4 else None


def clean_date_of_birth(day: str | None, month: str | None, year: str | None, today: date) -> date:
    """A date of birth from three boxes; the resident must be 16 or over (`MIN_AGE`)."""
    d, m, y = _number(day), _number(month), _number(year)
    if d is None or m is None or y is None:
        raise Invalid(_("Please type the day, month and year you were born, in numbers."), "dob")
    if y < 100:
        raise Invalid(_("Please type the year in full, for example 1985."), "dob")
    try:
        born = date(y, m, d)
    except ValueError:
        raise Invalid(_("That date does not exist. Please check the day and month."), "dob") from None
    if born > today:
        raise Invalid(_("That date is in the future. Please check the year."), "dob")
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if age < MIN_AGE:
        raise Invalid(_("You need to be 16 or over to open an account. A parent or carer can open "
                        "one for the family."), "dob")
    if age > MAX_AGE:
        raise Invalid(_("Please check the year you were born."), "dob")
    return born
