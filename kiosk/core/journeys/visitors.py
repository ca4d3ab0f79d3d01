"""The steps of the visitor and appointment journeys.

    start --invitation scanned--> confirm --yes--> welcome
      |--type the code--> code --found--> confirm
      |--no invitation--> about -> host -> purpose [-> vehicle] [-> photo] -> rules --signed--> welcome
      |--badge scanned, or "signing out"--> signout --> goodbye

A walk-in's steps are numbered; the vehicle and the photo are asked only where the site asks
them (and the photo only with a camera). Back from any step but the first of the walk-in goes
one step back; from the start, or once someone is checked in or signed out, it leaves.

    >>> every = lambda step: True
    >>> back("host", False, every), back("about", False, every), back("start", False, every)
    ('about', 'start', None)
    >>> position("purpose", every), position("rules", lambda step: step != "photo")
    ((3, 6), (5, 5))
    >>> step_for("company")
    'about'
"""

from __future__ import annotations

from kiosk.core.journeys import Path

WALK_IN = Path("about", "host", "purpose", "vehicle", "photo", "rules", optional={"vehicle", "photo"})
ENDS = frozenset({"welcome", "goodbye"})
# Steps reached from the start screen, that go back to it.
FROM_START = frozenset({"code", "confirm", "signout", "about"})
# The step each field of a walk-in's answers is asked on.
FIELDS = {"name": "about", "company": "about", "email": "about", "host": "host", "purpose": "purpose",
          "vehicle": "vehicle", "photo": "photo", "signature": "rules"}

def back(step: str, checked_in: bool, shows) -> str | None:
    """Where Back goes from `step` (None: leave the journey); `shows(step)` says whether an
    optional step is asked here."""
    if checked_in or step in ENDS or step == "start":
        return None
    if step in FROM_START:
        return "start"
    return WALK_IN.before(step, shows)


def after(step: str, shows) -> str:
    """The walk-in step after `step`."""
    return WALK_IN.after(step, shows)


def position(step: str, shows) -> tuple[int, int] | None:
    return WALK_IN.position(step, shows) if step in WALK_IN else None


def step_for(field: str) -> str | None:
    """The step that asks for `field` (to send someone back to fix it)."""
    return FIELDS.get(field)
