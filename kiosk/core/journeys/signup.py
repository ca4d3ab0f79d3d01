"""The steps of a council account signup (what is asked on each is `kiosk.core.residents.signup`).

    start -> name -> email -> mobile -> address [-> manual] -> dob -> contact -> terms -> check -> done

Seven numbered steps; "Check your answers" and "done" carry no number. A step changed from
the check screen returns to it. Back goes one step back (from the manual address, to the
postcode search); from the start or once sent it leaves.

    >>> back("manual"), back("dob"), back("start")
    ('address', 'address', None)
    >>> position("manual"), position("check")
    ((4, 7), None)
"""

from __future__ import annotations

from kiosk.core.journeys import Path

PATH = Path("start", "name", "email", "mobile", "address", "dob", "contact", "terms", "check",
            variants={"manual": "address"}, unnumbered={"start", "check"})
ENDS = frozenset({"done"})


def back(step: str) -> str | None:
    if step in ENDS or step not in PATH:
        return None
    return PATH.before(step)


def position(step: str) -> tuple[int, int] | None:
    return PATH.position(step) if step in PATH else None
