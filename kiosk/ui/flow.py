"""What every journey's screen controller shares, and the one way work done on a thread
comes back to the screens.

A flow is one journey as the app sees it, registered once (`kiosk.ui.journeys.FLOWS`):
its name (`kiosk.core.journeys.JOURNEYS`), its screens (`prefix` + step), whether it is
offered, how it starts, where Back goes, what it forgets at the wipe, whether the person
completed it (for the feedback question) and whether it is over (Home then ends the visit).
Step order lives in `kiosk.core.journeys`; a flow asks it and shows the answer.
"""

from __future__ import annotations

import logging
import threading

from kivy.clock import mainthread

from kiosk.core.journeys import JOURNEYS
from kiosk.ui.i18n import tr

log = logging.getLogger("kiosk.flow")


def _(message: str) -> str:
    """Marks a message for translation; `say` translates it when shown."""
    return message


CANNOT_SAVE = _("This kiosk cannot save right now. Please ask a member of staff.")


def in_background(name: str, work, then) -> None:
    """Run `work()` on a thread, then `then(result)` on Kivy's thread (never both at once on
    the screens). `then` must itself check that the person it was for is still here."""
    hand_back = mainthread(then)

    def run() -> None:
        hand_back(work())

    threading.Thread(target=run, name=name, daemon=True).start()


class JourneyFlow:
    """Base of every flow: `message` and `field` are what the current screen shows beside its
    fields; `screens_seen` counts the person's steps."""

    name = ""                 # the journey (kiosk.core.journeys.JOURNEYS); "" for staff mode
    prefix = ""               # its screens are named prefix + step
    screens: dict[str, str] = {}   # step -> screen class (registered with Kivy's Factory)

    def __init__(self, app) -> None:
        self.app = app
        self.message = ""
        self.field = ""
        self.screens_seen: list[str] = []

    # ----- what the app asks of every journey --------------------------------------------
    @property
    def journey(self):
        return JOURNEYS[self.name]

    def offered(self, has) -> bool:
        return self.journey.offered(has)

    def tile(self) -> tuple[str, str, str]:
        j = self.journey
        return tr._(j.title), tr._(j.summary), j.icon

    def start(self) -> None:
        raise NotImplementedError

    def reset(self) -> None:
        """Forget everything about the person (the wipe)."""
        self.message, self.field = "", ""
        self.screens_seen = []

    def back(self) -> bool:
        """Go one step back; False when Back should leave the journey."""
        return False

    def back_to(self, step: str | None) -> bool:
        """Show `step` (where the journey's path says Back goes); False for None (leave)."""
        if step is None:
            return False
        self.show(step, "right")
        return True

    def leave(self) -> None:
        """Back from the first step (or Home): the app goes home."""
        self.app.go_home()

    @property
    def completed(self) -> bool:
        """The person did what they came for (asked how it went)."""
        return False

    @property
    def over(self) -> bool:
        """Something was sent or done for them: Home ends the visit rather than going back."""
        return self.completed

    def before_leaving(self, then) -> bool:
        """Ask before losing what the person gave (True: asked; `then` runs if they still leave)."""
        return False

    def position(self, step: str) -> tuple[int, int] | None:
        """(n, of) for the step indicator on `step`, or None."""
        return None

    # ----- steps and messages ------------------------------------------------------------
    @property
    def step(self) -> str:
        """The step showing now ("" when another journey's screen shows)."""
        current = self.app.sm.current
        return current[len(self.prefix):] if self.owns(current) else ""

    def owns(self, screen: str) -> bool:
        return screen.startswith(self.prefix) and screen[len(self.prefix):] in self.screens

    def step_text(self, step: str) -> str:
        where = self.position(step)
        return tr._("Step {step} of {steps}").format(step=where[0], steps=where[1]) if where else ""

    def show(self, step: str, direction: str = "left", keep_message: bool = False) -> None:
        if not keep_message:
            self.message, self.field = "", ""
        name = self.prefix + step
        self.screens_seen.append(name)
        self.app.show(name, direction)

    def say(self, message: str = "", field: str = "") -> None:
        """Show `message` (marked for translation, translated here) on the current screen."""
        self.message, self.field = (tr._(message) if message else ""), field
        self.refresh_screen()

    def cannot_save(self, exc: Exception) -> None:
        """A record could not be queued (the device's storage refused it): say so kindly,
        keep what the person entered on screen, and tell staff on the status line."""
        log.error("%s: record not queued: %s", type(self).__name__, type(exc).__name__)
        self.app.sync.storage_changed()
        self.say(CANNOT_SAVE)

    def refresh_screen(self) -> None:
        screen = self.app.sm.current_screen
        if screen is not None:
            screen.refresh()
