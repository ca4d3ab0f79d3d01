"""What every journey's screen controller shares: showing a screen and a message on it."""

from __future__ import annotations

import logging

from kiosk.ui.i18n import tr

log = logging.getLogger("kiosk.flow")


def _(message: str) -> str:
    """Marks a message for translation; `say` translates it when shown."""
    return message


CANNOT_SAVE = _("This kiosk cannot save right now. Please ask a member of staff.")


class JourneyFlow:
    """Base of `VisitorFlow` and `DocumentFlow`: `message` and `field` are what the current
    screen shows beside its fields; `screens_seen` counts the resident's steps."""

    def __init__(self, app) -> None:
        self.app = app
        self.message = ""
        self.field = ""
        self.screens_seen: list[str] = []

    def show(self, name: str, direction: str = "left", keep_message: bool = False) -> None:
        if not keep_message:
            self.message, self.field = "", ""
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
