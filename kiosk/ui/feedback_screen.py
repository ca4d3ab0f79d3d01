"""The feedback screen, shown when a resident finishes a journey they completed. Never in
the way: "No thanks", Finish, and 45 seconds without a touch all end the visit."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from kiosk.core.feedback import Feedback
from kiosk.core.visitors.validation import Invalid
from kiosk.ui.i18n import tr
from kiosk.ui.flow import CANNOT_SAVE
from sync import SyncError
from kiosk.ui.screens import KioskScreen, app

THANKS_SECONDS = 2.5
UNTOUCHED_SECONDS = 45


class FeedbackScreen(KioskScreen):
    found = StringProperty("")       # "yes", "no" or ""
    stars = NumericProperty(0)
    message = StringProperty("")
    thanked = BooleanProperty(False)
    _timer = None

    def on_pre_enter(self, *args):
        self.found, self.stars, self.message, self.thanked = "", 0, "", False
        self.ids.comment.forget()
        super().on_pre_enter(*args)

    def on_enter(self, *args):
        super().on_enter(*args)
        self._timer = Clock.schedule_once(self._done, UNTOUCHED_SECONDS)

    def on_leave(self, *_args):
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def on_touch_down(self, touch):
        if self._timer is not None and not self.thanked:   # someone is answering: give them time
            self._timer.cancel()
            self._timer = Clock.schedule_once(self._done, UNTOUCHED_SECONDS)
        return super().on_touch_down(touch)

    def _done(self, _dt=None) -> None:
        # Only if this very screen is still showing: after a wipe it must never end the
        # next person's visit.
        if self.manager is not None and self.manager.current_screen is self:
            app().wipe()

    def choose_found(self, value: str) -> None:
        self.found = "" if self.found == value else value
        self.message = ""

    def choose_stars(self, n: int) -> None:
        self.stars = 0 if self.stars == n else n
        self.message = ""

    def send(self) -> None:
        answer = Feedback(app().feedback_journey or "information",
                          found={"yes": True, "no": False}.get(self.found), stars=self.stars or None,
                          comment=self.ids.comment.text)
        try:
            app().send_feedback(answer)
        except Invalid as exc:
            self.message = tr._(exc.message)
            return
        except SyncError:  # the kiosk's storage refused it: say so, keep the answer on screen
            self.message = tr._(CANNOT_SAVE)
            app().sync.storage_changed()
            return
        self.thanked = True
        self.ids.comment.forget()
        app().keyboard.close()
        if self._timer is not None:
            self._timer.cancel()
        self._timer = Clock.schedule_once(self._done, THANKS_SECONDS)
