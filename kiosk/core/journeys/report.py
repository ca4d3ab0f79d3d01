"""The steps of reporting a problem.

    category -> [questions] -> where -> details -> [photo] -> contact -> check -> done

Questions show only for a category that has some, one question a page (all of them one
step); the photo only with a camera. Numbered steps count only those shown, so "Step n of m"
never repeats; "Check your answers" is unnumbered. A step changed from the check screen
returns to it.

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


def after_question(index: int, count: int, changing: bool = False) -> int | None:
    """The question asked after question `index` of `count`, or None when the questions are
    done. One answer changed from the check screen goes straight back to it.

    >>> after_question(0, 3), after_question(2, 3), after_question(0, 3, changing=True)
    (1, None, None)
    """
    if changing or index + 1 >= count:
        return None
    return index + 1


def before_question(index: int, changing: bool = False) -> int | None:
    """The question Back shows from question `index`, or None when Back leaves the questions
    (for the step before them, or for the check screen a change came from).

    >>> before_question(2), before_question(0), before_question(2, changing=True)
    (1, None, None)
    """
    if changing or index <= 0:
        return None
    return index - 1
