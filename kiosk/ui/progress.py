"""Check my progress on the kiosk: the reference (a slip's QR code held to the camera, or
typed), its owner's answer, then what central says, in the resident's language.

The question goes to central on a thread (`in_background`) and comes back only to the
person who asked (a wipe in between drops it). Offline, the kiosk says it needs the
connection and shows a QR code to the report's tracking page for the resident's phone.
What central said lives in this flow alone, and `reset` (the wipe) forgets it.
"""

from __future__ import annotations

import logging

from kiosk.core import progress as checks
from kiosk.core.forms import Invalid
from kiosk.core.journeys import progress as steps
from kiosk.core.residents.reports import Categories
from kiosk.ui.camera import CameraFeed
from kiosk.ui.flow import JourneyFlow, in_background
from sync import SyncError
from sync.client import Offline, ServerBusy, TransportError

log = logging.getLogger("kiosk.progress")


def _(message: str) -> str:
    return message


NOT_FOUND = _("We could not find anything for that reference and answer. Please check both and try again.")
TOO_MANY = _("There have been too many tries for this. Please wait a few minutes, or ask a member of staff.")
NOT_OURS = _("That code does not hold one of our references. Please type the reference from your slip.")


class ProgressFlow(JourneyFlow):
    name = "progress"
    prefix = "pg_"
    screens = {"reference": "PgReferenceScreen", "answer": "PgAnswerScreen", "birth": "PgBirthScreen",
               "result": "PgResultScreen", "offline": "PgOfflineScreen"}

    def __init__(self, app) -> None:
        super().__init__(app)
        self.camera = CameraFeed(app.device_config.camera.source)
        self.reset()

    # ----- what the app asks ------------------------------------------------------------------
    def reset(self) -> None:
        super().reset()
        self.camera.stop()
        self.reference = ""
        self.result = None         # sync.protocol.Progress: what central said, for this person only
        self.answer = ""
        self.asking = False
        self.resent: bool | None = None
        self._asked = 0            # which question an answer belongs to

    def start(self) -> None:
        self.reset()
        self.show("reference")

    def position(self, step: str):
        return steps.position(step)

    def back(self) -> bool:
        if self.step == "result":
            self.result, self.answer, self.resent = None, "", None
        return self.back_to(steps.back(self.step))

    @property
    def completed(self) -> bool:
        return self.result is not None

    def categories(self) -> Categories:
        refs = getattr(self.app.sync, "references", None)
        try:
            data = refs.get("report-categories") if refs is not None else None
        except Exception:  # noqa: BLE001 - unreadable: the category shows by its code
            data = None
        return Categories.from_reference(data)

    # ----- the reference ------------------------------------------------------------------------
    def start_camera(self) -> None:
        """Read the slip's QR code: its reference goes straight on."""
        def scanned(text: str) -> None:
            reference = checks.reference_in(text)
            if reference is None:
                self.say(NOT_OURS, "reference")
                return
            self.message = ""
            self.give_reference(reference)

        self.camera.start(on_code=scanned)

    def stop_camera(self) -> None:
        self.camera.stop()

    def give_reference(self, text: str) -> None:
        try:
            self.reference = checks.clean_reference(text)
        except Invalid as exc:
            self.say(exc.message, exc.field)
            return
        self.camera.stop()
        if self.app.sync.client is None:
            self.show("offline")
            return
        self.show("birth" if self.question == "date_of_birth" else "answer")

    @property
    def question(self) -> str:
        return checks.question_for(self.reference) if self.reference else "postcode"

    # ----- the answer, and central's ------------------------------------------------------------
    def give_answer(self, text: str = "", day: str = "", month: str = "", year: str = "") -> None:
        if self.asking:
            return   # a second tap while the first is on its way
        try:
            answer = checks.clean_answer(self.question, text, day, month, year)
        except Invalid as exc:
            self.say(exc.message, exc.field)
            return
        self.ask(answer)

    def ask(self, answer: str) -> None:
        client, reference = self.app.sync.client, self.reference
        self.asking, self._asked = True, self._asked + 1
        asked = self._asked
        self.say("")

        def work():
            try:
                return "found", client.progress(reference, answer)
            except ServerBusy as exc:
                return ("too-many" if str(exc).startswith("429") else "offline"), None
            except (Offline, TransportError):
                return "offline", None
            except SyncError as exc:
                log.warning("progress not asked: %s", type(exc).__name__)
                return "offline", None

        in_background("progress", work, lambda outcome: self._answered(asked, answer, *outcome))

    def _answered(self, asked: int, answer: str, outcome: str, found) -> None:
        if asked != self._asked or self.step not in ("answer", "birth"):
            return   # wiped, or they moved on: not for whoever is here now
        self.asking = False
        if outcome == "offline":
            self.show("offline")
        elif outcome == "too-many":
            self.say(TOO_MANY, self._field)
        elif found is None:
            self.say(NOT_FOUND, self._field)
        else:
            self.result, self.answer = found, answer
            self.show("result")

    def try_again(self) -> None:
        """From the offline page: ask again (the answer is typed again: it was not kept)."""
        if not self.reference:
            self.show("reference")
            return
        self.show("birth" if self.question == "date_of_birth" else "answer")

    @property
    def _field(self) -> str:
        return "dob" if self.step == "birth" else "answer"

    def resend(self) -> None:
        """A new activation email for an account not yet activated."""
        if self.result is None or self.result.kind != "account" or self.resent is not None:
            return
        client, reference, answer, result = self.app.sync.client, self.reference, self.answer, self.result

        def work():
            try:
                return client.resend_activation(reference, answer)
            except SyncError:
                return None

        def done(sent) -> None:
            if self.result is result:
                self.resent = bool(sent)
                self.refresh_screen()

        in_background("progress-resend", work, done)

    def track_link(self) -> str:
        """The public tracking page of a report, for the resident's phone."""
        if not self.reference.startswith("RPT-"):
            return ""
        return self.categories().track_link(self.reference)
