"""The steps of staff mode: the PIN, then the panel, and from it the tools staff use.

    pin --right PIN--> panel --> visitors | rollcall | volunteer (starts an assisted signup)

Back from a tool returns to the panel; from the panel or the PIN it ends staff mode (the
kiosk wipes, so nobody finds it unlocked).

    >>> back("rollcall", unlocked=True), back("panel", unlocked=True), back("rollcall", unlocked=False)
    ('panel', None, None)
"""

from __future__ import annotations

TOOLS = frozenset({"visitors", "rollcall", "volunteer"})


def back(step: str, unlocked: bool) -> str | None:
    if unlocked and step in TOOLS:
        return "panel"
    return None
