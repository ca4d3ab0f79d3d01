"""Checks on what visitors type. Each returns the cleaned value, or raises `Invalid` with a
message (marked for translation) that says what to do.

    >>> clean_name("  jo   bloggs ")
    'jo bloggs'
"""

from __future__ import annotations

import re
import unicodedata

from kiosk.core.forms import Invalid
from kiosk.core.visitors import _
from sync.payloads import MAX_COMPANY, MAX_EMAIL, normal_email
from sync.payloads import MAX_VISITOR_NAME as MAX_NAME


def _tidy(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C")  # control characters
    return " ".join(text.split())


def _letters(text: str) -> int:
    return sum(1 for c in text if unicodedata.category(c).startswith("L"))


def _has_symbols(text: str) -> bool:
    """Emoji and pictographs: not part of anyone's name on a badge."""
    return any(unicodedata.category(c) in ("So", "Sk", "Cs", "Co") for c in text)


def clean_name(text: str) -> str:
    name = _tidy(text)
    if not name:
        raise Invalid(_("Please type your name."), "name")
    if len(name) > MAX_NAME:
        raise Invalid(_("That name is too long for a badge. Please shorten it."), "name")
    if _letters(name) < 2 or _has_symbols(name) or re.search(r"[<>{}\[\]|\\/@#$%^*=+~`_;:!?\d]", name):
        raise Invalid(_("Please type your name using letters only."), "name")
    return name


def clean_company(text: str) -> str:
    company = _tidy(text)
    if len(company) > MAX_COMPANY:
        raise Invalid(_("That is too long. Please shorten it."), "company")
    if company and (_letters(company) + sum(c.isdigit() for c in company) < 2 or _has_symbols(company)
                    or re.search(r"[<>{}\[\]|\\^*=~`;]", company)):
        raise Invalid(_("Please type your organisation's name, or leave it empty."), "company")
    return company


def clean_email(text: str, required: bool = False) -> str:
    email = "".join(text.split()).lower()
    if not email:
        if required:
            raise Invalid(_("Please type your email address."), "email")
        return ""
    wrong = Invalid(_("That email address does not look right. Please check it."), "email")
    if len(email) > MAX_EMAIL:
        raise wrong
    try:
        return normal_email(email)
    except ValueError:
        raise wrong from None


def clean_vehicle(text: str) -> str:
    """A vehicle registration as written on the plate, or empty (it is optional)."""
    reg = re.sub(r"\s+", " ", text.strip().upper())
    if not reg:
        return ""
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9 -]{1,9}", reg) or sum(c.isalnum() for c in reg) < 2:
        raise Invalid(_("That registration does not look right. Letters and numbers only, "
                        "or leave it empty."), "vehicle")
    return reg
