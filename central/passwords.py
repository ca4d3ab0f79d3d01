"""Residents' passwords for My Account: the rules they must meet, and how they are kept.

    >>> stored = hash_password("cupboard pigeon lantern")
    >>> stored.startswith("scrypt$"), verify_password("cupboard pigeon lantern", stored)
    (True, True)

The rules follow the NCSC's advice: length over complexity (at least 12 characters, three
random words suggested), no composition rules, and a short blocklist of the passwords and
patterns people choose most, because those are what attackers try first. Passwords are
kept only as scrypt hashes in a self-describing string, so the cost can be raised later
without breaking stored hashes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import unicodedata

MIN_LENGTH = 12
MAX_LENGTH = 256  # long enough for any passphrase; bounds the work one request can ask for

# scrypt cost: 32 MiB and about a tenth of a second per hash (OWASP's N=2^15, r=8, p=3).
_N, _R, _P = 2**15, 8, 3
_HASH_RE = re.compile(r"^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$")

# Among the most used passwords of 12 characters or more in public breach lists, and the
# example the activation page gives (people copy examples).
COMMON = frozenset({
    "123456789012", "1234567890123", "12345678901234", "123456789123", "1234567891011",
    "123456789101", "123456123456", "147258369147", "789456123789", "111222333444",
    "password1234", "password12345", "password123456", "passwordpassword", "mypassword123",
    "qwertyuiop12", "qwerty123456", "qwertyuiop123", "qwertyuiopasdfghjkl", "qwertyqwerty",
    "1q2w3e4r5t6y", "1q2w3e4r5t6y7u8i", "1qaz2wsx3edc", "1qaz2wsx3edc4rfv", "zaq12wsxcde3",
    "iloveyou1234", "iloveyouforever", "iloveyoubaby", "abc123456789", "abcd12345678",
    "letmein12345", "welcome12345", "welcome123456", "changeme1234", "administrator",
    "football1234", "liverpool1234", "manchesterunited", "chelseafc1234", "arsenal12345",
    "princess1234", "sunshine1234", "starwars1234", "superman1234", "trustno11234",
    "correcthorsebatterystaple", "cupboardpigeonlantern", "coffeetrainfish",
})
# Words that, padded with digits or symbols ("Password123!"), are still guessed at once.
COMMON_WORDS = frozenset({
    "password", "passw0rd", "qwerty", "iloveyou", "welcome", "letmein", "admin", "council",
    "monkey", "dragon", "football", "liverpool", "arsenal", "chelsea", "sunshine", "princess",
    "baseball", "master", "shadow", "superman", "login", "changeme", "myaccount", "account",
})
_LEET = str.maketrans("0@1!3$45", "oaliesas")  # P@ssw0rd is still password
_RUNS = ("0123456789012345678901234567890", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm")


def _(text: str) -> str:
    """Marks a text for central's catalogues (scripts/i18n.py): residents read it in their
    language on the password page, staff read it in English."""
    return text


# Why a password cannot be used, with %(min)s and %(max)s for the lengths (`message`).
MESSAGES = {
    "short": _("Your password needs at least %(min)s characters. Three random words together are easy to "
               "remember and hard to guess."),
    "long": _("Your password is too long. Please use at most %(max)s characters."),
    "mismatch": _("The two passwords are not the same. Please type your password again in both boxes."),
    "email": _("Your password must not be your email address. Three random words are safer."),
    "common": _("That password is one of the most common ones, so it is easy to guess. Three random words are "
                "safer."),
}


def message(problem: str, gettext=lambda text: text) -> str:
    """The words for `problem` (a key of MESSAGES), through `gettext` for another language."""
    return gettext(MESSAGES[problem]) % {"min": MIN_LENGTH, "max": MAX_LENGTH}


def normalise(password: str) -> str:
    """The same password however a device composes its characters (NFKC)."""
    return unicodedata.normalize("NFKC", password)


def problem(password: str, again: str, email: str) -> str | None:
    """Why `password` cannot be used (a key of MESSAGES), or None if it can."""
    password, again = normalise(password), normalise(again)
    if len(password) < MIN_LENGTH:
        return "short"
    if len(password) > MAX_LENGTH:
        return "long"
    if not hmac.compare_digest(password.encode(), again.encode()):
        return "mismatch"
    folded = password.strip().casefold()
    email = email.strip().casefold()
    if email and folded in (email, email.partition("@")[0]):
        return "email"
    if is_common(password):
        return "common"
    return None


def is_common(password: str) -> bool:
    """True for a listed password, one character repeated, a keyboard or alphabet run, or a
    common word padded with digits and symbols."""
    squeezed = "".join(c for c in password.casefold() if not c.isspace())
    if squeezed in COMMON or len(set(squeezed)) <= 2:
        return True
    if any(squeezed in run or squeezed in run[::-1] for run in _RUNS):
        return True
    core = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", squeezed).translate(_LEET)
    return core in COMMON_WORDS or core in COMMON


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """`scrypt$N$r$p$salt$hash` (base64) for a password that passed `problem`."""
    salt = salt if salt is not None else os.urandom(16)
    digest = _scrypt(normalise(password), salt, _N, _R, _P, 32)
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    return f"scrypt${_N}${_R}${_P}${b64(salt)}${b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """Check `password` against a stored hash in constant time."""
    match = _HASH_RE.match(stored or "")
    if not match or len(password) > MAX_LENGTH * 4:
        return False
    n, r, p = (int(g) for g in match.groups()[:3])
    expected = base64.b64decode(match.group(5))
    digest = _scrypt(normalise(password), base64.b64decode(match.group(4)), n, r, p, len(expected))
    return hmac.compare_digest(digest, expected)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8", "surrogatepass"), salt=salt, n=n, r=r, p=p,
                          maxmem=256 * n * r, dklen=length)
