"""The steps of the visitor and appointment journeys.

    start --invitation scanned--> confirm --yes--> welcome
      |--type the code--> code --found--> confirm
      |--no invitation--> about -> host -> purpose -> extras -> rules --signed--> welcome
      |--badge scanned, or "signing out"--> signout --> goodbye

A walk-in's five steps are numbered. Back from any step but the first of the walk-in goes one
step back; from the start, or once someone is checked in or signed out, it leaves.

    >>> back("host", checked_in=False), back("about", checked_in=False), back("start", checked_in=False)
    ('about', 'start', None)
    >>> position("purpose")
    (3, 5)
    >>> step_for("company")
    'about'
"""

from __future__ import annotations

from kiosk.core.journeys import Path

WALK_IN = Path("about", "host", "purpose", "extras", "rules")
ENDS = frozenset({"welcome", "goodbye"})
# Steps reached from the start screen, that go back to it.
FROM_START = frozenset({"code", "confirm", "signout", "about"})
# The step each field of a walk-in's answers is asked on.
FIELDS = {"name": "about", "company": "about", "email": "about", "host": "host", "purpose": "purpose",
          "vehicle": "extras", "photo": "extras", "signature": "rules"}

APPOINTMENT = Path("start")


def back(step: str, checked_in: bool) -> str | None:
    """Where Back goes from `step` (None: leave the journey)."""
    if checked_in or step in ENDS or step == "start":
        return None
    if step in FROM_START:
        return "start"
    return WALK_IN.before(step)


def position(step: str) -> tuple[int, int] | None:
    return WALK_IN.position(step) if step in WALK_IN else None


def step_for(field: str) -> str | None:
    """The step that asks for `field` (to send someone back to fix it)."""
    return FIELDS.get(field)


def appointment_back(step: str) -> str | None:
    """Appointments are one question, then the ticket: Back always leaves."""
    return None
