"""The feedback screen, shown when a resident finishes a journey they completed. Never in
the way: Finish and 45 seconds without a touch end the visit."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from kiosk.core.feedback import FeedbackQuestions
from kiosk.core.forms import Invalid
from kiosk.ui.i18n import tr
from kiosk.ui.flow import CANNOT_SAVE
from sync import SyncError
from kiosk.ui.screens import KioskScreen, app

THANKS_SECONDS = 2.5
UNTOUCHED_SECONDS = 45


class FeedbackScreen(KioskScreen):
    """One question at a time (`kiosk.core.feedback.FeedbackQuestions`); Back goes to the one
    before, Finish leaves."""

    step = StringProperty("found")     # "found", "stars", "comment" or "thanks"
    number = NumericProperty(1)
    total = NumericProperty(3)
    message = StringProperty("")
    thanked = BooleanProperty(False)
    _timer = None
    questions: FeedbackQuestions | None = None

    def on_pre_enter(self, *args):
        self.questions = FeedbackQuestions(app().feedback_journey or "information")
        self.message, self.thanked = "", False
        self.ids.comment.forget()
        self._show()
        super().on_pre_enter(*args)

    home_button = False   # Home and Finish would both end the visit: one is enough

    def _show(self) -> None:
        q = self.questions
        self.step, self.number, self.total = q.step, q.number, q.total
        self.thanked = q.step == "thanks"
        app().show_back = self.number > 1 and not self.thanked   # Back: the question before

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

    def choose_found(self, value: str | None) -> None:
        """"yes", "no", or None to skip the question."""
        self.questions.answer_found({"yes": True, "no": False}.get(value))
        self.message = ""
        self._show()

    def choose_stars(self, n: int | None) -> None:
        self.questions.answer_stars(n or None)
        self.message = ""
        self._show()

    def skip(self) -> None:
        if self.step == "found":
            self.choose_found(None)
        elif self.step == "stars":
            self.choose_stars(None)

    def back(self) -> bool:
        """The question before this one (False on the first: the caller leaves)."""
        if self.questions is None or not self.questions.back():
            return False
        app().keyboard.close()
        self.message = ""
        self._show()
        return True

    def send(self) -> None:
        if self.step != "comment":
            return
        if not self.questions.given(self.ids.comment.text):
            app().wipe()   # every question skipped: nothing to send, and nothing more to ask
            return
        try:
            answer = self.questions.finish(self.ids.comment.text)
            app().send_feedback(answer)
        except Invalid as exc:
            self.message = tr._(exc.message)
            return
        except SyncError:  # the kiosk's storage refused it: say so, keep the answer on screen
            self.questions.step = "comment"
            self.message = tr._(CANNOT_SAVE)
            app().sync.storage_changed()
            return
        self._show()
        self.ids.comment.forget()
        app().keyboard.close()
        if self._timer is not None:
            self._timer.cancel()
        self._timer = Clock.schedule_once(self._done, THANKS_SECONDS)
