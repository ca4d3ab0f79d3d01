"""The steps of reporting a problem.

    category -> [questions] -> where -> details -> [photo] -> contact -> check -> done

Questions show only for a category that has some; the photo only with a camera. Numbered
steps count only those shown, so "Step n of m" never repeats; "Check your answers" is
unnumbered. A step changed from the check screen returns to it.

    >>> shows = lambda step: step == "photo"          # no questions, a camera
    >>> PATH.after("category", shows), back("where", shows), position("contact", shows)
    ('where', 'category', (5, 5))
"""

from __future__ import annotations

from kiosk.core.journeys import Path

PATH = Path("category", "questions", "where", "details", "photo", "contact", "check",
            optional={"questions", "photo"}, unnumbered={"check"})
ENDS = frozenset({"done"})


def back(step: str, shows) -> str | None:
    if step in ENDS or step not in PATH:
        return None
    return PATH.before(step, shows)


def position(step: str, shows) -> tuple[int, int] | None:
    return PATH.position(step, shows) if step in PATH else None
