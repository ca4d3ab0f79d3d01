"""The steps of sending documents.

    start (what for) -> kind (what it is) -> reference --typed or scanned--> camera
                                                |--I do not have it--> person --> camera
    camera --taken--> review --add a page--> camera ; review --fix the edges--> adjust
    review --send--> sent --scan another--> kind (the same case, no reference asked again)

The steps are numbered 1 to 5 (person counts as reference, adjust as review). Back from the
camera goes to the pages taken, else to how the case was named; from the review it stays
(leaving would lose the pages, so the screen says how to send or leave); once sent it leaves.

    >>> back("camera", pages=0, by="reference", sent=False), back("review", pages=1, by="", sent=False)
    ('reference', 'review')
    >>> position("person")
    (3, 5)
"""

from __future__ import annotations

from kiosk.core.journeys import Path

PATH = Path("start", "kind", "reference", "camera", "review", variants={"person": "reference", "adjust": "review"})
ENDS = frozenset({"sent"})


def back(step: str, pages: int, by: str, sent: bool) -> str | None:
    """Where Back goes from `step` (None: leave). `by` is how the case was named ("reference",
    "person", or "" when scanning another document for the same case)."""
    if sent or step in ENDS:
        return None
    if step == "camera":
        if pages:
            return "review"
        return {"reference": "reference", "person": "person"}.get(by, "kind")
    if step == "review":
        return "review"
    return PATH.before(step)


def position(step: str) -> tuple[int, int] | None:
    return PATH.position(step) if step in PATH else None
