"""On-screen keyboard layouts, one shaped for each kind of field, and input rules.

A layout is rows of keys. A key is a single character, or one of the actions
`SHIFT`, `BACKSPACE`, `SPACE`, `DONE`, `ALPHABET` (switch Latin / Cyrillic), or a short
string typed as a whole (".co.uk"). Field kinds: text, email, phone, number, postcode, pin, code (invitation codes,
references and vehicle registrations: capitals, digits, space and dash).

    >>> [len(row) for row in layout("phone", "en")]
    [3, 3, 3, 3]
    >>> clean("postcode", "sw1a 1aa")
    'SW1A 1AA'
"""

from __future__ import annotations

import re

SHIFT, BACKSPACE, SPACE, DONE, ALPHABET = "⇧", "⌫", "space", "done", "alphabet"
ACTIONS = frozenset({SHIFT, BACKSPACE, SPACE, DONE, ALPHABET})
KINDS = ("text", "long", "email", "phone", "number", "postcode", "pin", "code")  # long: a description

_QWERTY = ["1234567890", "qwertyuiop", "asdfghjkl'", "zxcvbnm,.-"]
# Letters each language needs beyond plain Latin, on a row of their own.
_EXTRA = {
    "pl": "ąćęłńóśźż",
    "ro": "ăâîșț",
    "lt": "ąčęėįšųūž",
}
# Bulgarian phonetic layout (БДС phonetic), the one most Bulgarians type on.
_CYRILLIC = ["1234567890", "явертъуиоп", "асдфгхйкл", "зьцжбнмшщю", ",.-ч"]

_DIGITS = ["123", "456", "789"]


def layout(kind: str, lang: str, cyrillic: bool | None = None) -> list[list[str]]:
    """Rows of keys for a field of `kind` while the kiosk speaks `lang`."""
    if kind not in KINDS:
        raise ValueError(f"unknown field kind {kind!r}")
    if kind in ("number", "pin"):
        return [list(r) for r in _DIGITS] + [[BACKSPACE, "0", DONE]]
    if kind == "phone":
        return [list(r) for r in _DIGITS] + [["+", "0", BACKSPACE]]
    if kind in ("postcode", "code"):
        rows = [list("1234567890"), list("QWERTYUIOP"), list("ASDFGHJKL"), list("ZXCVBNM")]
        rows[-1] += ["-", BACKSPACE] if kind == "code" else [BACKSPACE]
        return rows + [[SPACE, DONE]]
    if kind == "email":
        rows = [list(r) for r in ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")]
        rows[-1] += [BACKSPACE]
        return rows + [["@", ".", "-", "_", ".co.uk", ".com", DONE]]
    use_cyrillic = (lang == "bg") if cyrillic is None else cyrillic
    base = _CYRILLIC if use_cyrillic else _QWERTY
    rows = [list(r) for r in base]
    extra = "" if use_cyrillic else _EXTRA.get(lang, "")
    if extra:
        rows.insert(1, list(extra))
    rows[-1] = [SHIFT] + rows[-1] + [BACKSPACE]
    bottom = [SPACE, DONE]
    if lang == "bg":
        bottom.insert(0, ALPHABET)
    return rows + [bottom]


_ALLOWED = {
    "number": re.compile(r"[0-9]"),
    "pin": re.compile(r"[0-9]"),
    "phone": re.compile(r"[0-9+ ]"),
    "postcode": re.compile(r"[A-Za-z0-9 ]"),
    "code": re.compile(r"[A-Za-z0-9 -]"),
    "email": re.compile(r"[A-Za-z0-9@._+'-]"),
}
MAX_LENGTH = {"text": 200, "long": 1000, "email": 254, "phone": 16, "number": 12, "postcode": 8, "pin": 8, "code": 20}


def accepts(kind: str, char: str) -> bool:
    """Whether one typed character belongs in a field of `kind`."""
    if char in ("\n", "\r", "\t"):
        return False
    pattern = _ALLOWED.get(kind)
    return bool(pattern.fullmatch(char)) if pattern else char.isprintable()


def clean(kind: str, text: str) -> str:
    """Keep only what a field of `kind` accepts, normalised (postcodes upper case)."""
    kept = "".join(c for c in text if accepts(kind, c))
    if kind in ("postcode", "code"):
        kept = " ".join(kept.upper().split())
    return kept[: MAX_LENGTH[kind]]
