"""The steps of "check my progress" (what each asks is `kiosk.core.progress`).

    reference -> answer (or birth, for an account) -> result        (offline: -> offline)

Two numbered steps; the result and the offline page carry no number. Back from the answer
goes to the reference; from the result, to the reference again (to check another).

    >>> back("answer"), back("birth"), back("result"), back("reference")
    ('reference', 'reference', 'reference', None)
    >>> position("birth"), position("result")
    ((2, 2), None)
"""

from __future__ import annotations

from kiosk.core.journeys import Path

PATH = Path("reference", "answer", "result", variants={"birth": "answer"}, unnumbered={"result"})
ENDS = frozenset({"offline"})


def back(step: str) -> str | None:
    if step == "result":
        return "reference"
    if step in ENDS or step not in PATH:
        return None
    before = PATH.before(step)
    return "reference" if before == "answer" else before


def position(step: str) -> tuple[int, int] | None:
    return PATH.position(step) if step in PATH else None
