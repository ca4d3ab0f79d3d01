"""The numbers a resident or visitor is given to quote: easy to read out on the phone.

    >>> len(new_reference("DOC")), new_reference("DOC")[:4]
    (13, 'DOC-')
"""

from __future__ import annotations

import secrets

from sync.payloads import CODE_ALPHABET


def new_reference(prefix: str) -> str:
    """A reference a person can read out on the phone: DOC-7KQ2-M9XA (no 0/O, 1/I)."""
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{prefix}-{body[:4]}-{body[4:]}"
