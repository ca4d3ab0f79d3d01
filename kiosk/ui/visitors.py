"""Which visitor and appointment screen shows next, and what it says.

The rules are in `kiosk.core.visitors` (the desk); this class turns taps into calls on it
and results into screens. Screens read what they show from here (`flow.form`, `flow.invite`,
`flow.message`...) and call its methods; nothing here draws.

The steps and where Back goes are `kiosk.core.journeys.visitors`; the screens are
`visit_` + step (and `appt_` + step for appointments).
"""

from __future__ import annotations

import logging
from datetime import date, datetime

import cv2
from babel.dates import format_time

from kiosk.core.i18n import date_words
from kiosk.core.journeys import visitors as steps
from kiosk.core.printing import open_printer, print_outcome
from kiosk.core.visitors import _, codes
from kiosk.core.visitors.appointments import AppointmentProblem
from kiosk.core.visitors.desk import DeskError, VisitorDesk, WalkIn
from kiosk.core.visitors.invites import InviteProblem
from kiosk.core.visitors.signature import render_signature
from kiosk.core.forms import Invalid
from kiosk.ui.camera import CameraFeed
from kiosk.ui.flow import JourneyFlow, in_background
from kiosk.ui.i18n import tr
from sync import SyncError

log = logging.getLogger("kiosk.visitors")

def purpose_label(purpose: str) -> str:
    labels = {
        "meeting": tr._("A meeting"),
        "interview": tr._("An interview"),
        "contractor": tr._("Contract or maintenance work"),
        "delivery": tr._("A delivery or collection"),
        "event": tr._("An event or training"),
        "other": tr._("Something else"),
    }
    return labels[purpose]


def site_rules() -> list[str]:
    return [
        tr._("Wear your visitor badge where it can be seen, all the time you are here."),
        tr._("Stay with your host outside the public areas."),
        tr._("If the fire alarm sounds, leave by the nearest exit and go to the assembly point. "
             "Do not use the lifts."),
        tr._("Keep anything you see or hear about residents or staff confidential."),
        tr._("Do not take photos or recordings without permission."),
    ]


def badge_labels() -> dict[str, str]:
    return {"label_visitor": tr._("VISITOR"), "label_visiting": tr._("Visiting"),
            "label_sign_out": tr._("Scan to sign out")}


class VisitorFlow(JourneyFlow):
    name = "visitors"
    prefix = "visit_"
    screens = {"start": "VisitStartScreen", "code": "VisitCodeScreen", "confirm": "VisitConfirmScreen",
               "about": "VisitAboutScreen", "host": "VisitHostScreen", "purpose": "VisitPurposeScreen",
               "vehicle": "VisitVehicleScreen", "photo": "VisitPhotoScreen", "rules": "VisitRulesScreen", "welcome": "VisitWelcomeScreen",
               "signout": "VisitSignoutScreen", "goodbye": "VisitGoodbyeScreen"}

    def __init__(self, app) -> None:
        super().__init__(app)
        cfg = app.device_config
        self.camera = CameraFeed(cfg.camera.source)
        self.desk: VisitorDesk | None = None
        if app.sync.enrolled:
            self.desk = VisitorDesk(
                app.sync.outbox, app.sync.references, app.sync.vault, cfg.visitors,
                open_printer(cfg.printer.kind, cfg.printer.queue, cfg.printer.folder, cfg.printer.server),
                site=app.sync.identity.site, device=cfg.site.device_name, online=lambda: app.sync.status.online)
        self._last_auto_sign_out: date | None = None
        self._last_purge = 0.0
        self.reset()

    @property
    def available(self) -> bool:
        """Visitors need an enrolled kiosk (somewhere to send what they give)."""
        return self.desk is not None

    # ----- the state one visitor builds up ------------------------------------------------
    def reset(self) -> None:
        """Forget everything about the current visitor (the wipe)."""
        super().reset()
        self.camera.stop()
        self.form = WalkIn()
        self.invite = None
        self.matches: list = []  # today's invitations sent to the address typed
        self.email = ""          # the address they found their invitation with
        self.leaving: list = []  # visits matching what was typed to sign out
        self.checked = None  # CheckedIn
        self.printed = ""  # kiosk.core.printing: PRINTED, NO_PRINTER or NOT_PRINTED
        self.left = None  # the Visit just signed out
        self.returning_note = ""
        self.roll = None
        self._scan_guard = ""

    # ----- starting -------------------------------------------------------------------
    def start(self) -> None:
        self.reset()
        self.show("start")

    @property
    def completed(self) -> bool:
        return self.checked is not None or self.left is not None

    def shows(self, step: str) -> bool:
        """Whether an optional walk-in step is asked at this site (kiosk.core.journeys.visitors)."""
        settings = self.app.device_config.visitors
        if step == "vehicle":
            return settings.ask_vehicle
        return settings.ask_photo and self.camera.available

    def position(self, step: str):
        return steps.position(step, self.shows)

    def start_camera(self) -> None:
        """Called by screens that show the camera: codes read go to `scanned`."""
        self._scan_guard = ""
        self.camera.start(self.scanned)

    def stop_camera(self) -> None:
        self.camera.stop()

    # ----- what the camera (or a typed code) says -------------------------------------------
    def scanned(self, text: str) -> None:
        if text == self._scan_guard:
            return  # the same code still in front of the camera
        self._scan_guard = text
        where = self.app.sm.current   # a screen of this journey or of appointments
        here = self.app.appointments if self.app.appointments.owns(where) else self
        found = codes.parse(text)
        if found is None:
            here.say(_("This code is not one of ours. Please hold up the QR code from your invitation, "
                       "badge or appointment letter."))
            return
        if found.kind == codes.INVITE and where == "visit_start":
            self.use_invite_code(found.value)
        elif found.kind == codes.BADGE and where in ("visit_start", "visit_signout"):
            self.sign_out(found.value, "badge")
        elif found.kind == codes.APPOINTMENT and where in ("appt_start", "visit_start"):
            self.app.appointments.arrive(found.value)
        elif found.kind == codes.APPOINTMENT:
            here.say(_("This is an appointment letter. Please go back and choose \"I have an appointment\"."))
        else:
            here.say(_("This code is for something else. Please use the buttons on this screen."))

    # ----- invited visitors -------------------------------------------------------------
    def use_invite_code(self, typed: str) -> None:
        if self._too_many_guesses("code"):
            return
        try:
            self.invite = self.desk.invites().find_code(typed)
        except InviteProblem as problem:
            if problem.invite is None:   # not a code of ours: a guess
                self.desk.guesses.failed()
            self.say(problem.message, "code")
            return
        self.desk.guesses.succeeded()
        self.message = ""
        self.show("confirm")

    def _too_many_guesses(self, field: str) -> bool:
        wait = self.desk.guesses.wait_seconds()
        if wait:
            minutes = max(1, (wait + 59) // 60)
            self.message, self.field = tr.n_(
                "Too many tries. Please wait {n} minute, or ask at the meet-and-greet point.",
                "Too many tries. Please wait {n} minutes, or ask at the meet-and-greet point.",
                minutes).format(n=minutes), field
            self.refresh_screen()
        return bool(wait)

    def _guessed(self, right: bool, message: str, field: str) -> bool:
        """Count a guess at what only the visitor knows (an invitation's address, what they
        signed in with); when wrong, say `message` beside `field`."""
        if not right:
            self.desk.guesses.failed()
            self.say(message, field)
            return False
        self.desk.guesses.succeeded()
        return True

    def find_invite(self, typed: str) -> None:
        """The code, or the address the invitation was sent to, typed on the code screen. Nothing
        of an invitation shows until one or the other is right (guesses are limited)."""
        text = typed.strip()
        self.matches, self.email = [], ""
        if not text:
            self.say(_("Please type the code from your invitation, or the email address it was sent to."), "code")
            return
        if self._too_many_guesses("code"):
            return
        if "@" not in text:
            self.use_invite_code(text)
            return
        found = self.desk.invites().find_email(text)
        if not self._guessed(bool(found), _("We could not find an invitation for today sent to that address. "
                                            "Please check it, or sign in without an invitation."), "code"):
            return
        self.email = text
        if len(found) == 1:
            self.invite = found[0]
            self.show("confirm")
            return
        self.matches = found   # invited twice today: they choose which meeting
        self.say()

    def choose_invite(self, code: str) -> None:
        self.invite = next((i for i in self.matches if i.code == code), None)
        if self.invite is not None:
            self.show("confirm")

    def confirm_invite(self) -> None:
        if self.invite is None or self.checked is not None:
            return  # a second tap while the first is being handled
        try:
            self.checked = self.desk.check_in_invite(self.invite, self.email)
        except InviteProblem as problem:
            self.say(problem.message)
            return
        except SyncError as exc:
            self.cannot_save(exc)
            return
        self._after_check_in()

    def not_me(self) -> None:
        self.invite = None
        self.show("code")

    # ----- walk-in visitors -------------------------------------------------------------
    def begin_walk_in(self) -> None:
        self.form = WalkIn()
        self.message = ""
        self.show("about")

    def look_up_returning(self, email: str) -> None:
        """Fill in a returning visitor's details from central (online only, on a thread)."""
        client = self.app.sync.client
        if client is None or "@" not in email or self.app.sync.status.online is False:
            return
        form = self.form

        def ask():
            try:
                return client.returning_visitor(email.strip())
            except SyncError:
                return None

        in_background("returning-visitor", ask, lambda found: self._returning(form, found))

    def _returning(self, form: WalkIn, found) -> None:
        if found is None or form is not self.form or self.step != "about":
            return  # they moved on, or someone else is here now
        screen = self.app.sm.current_screen
        filled = screen.prefill(found.name, found.company)
        if filled:
            self.form.vehicle = self.form.vehicle or found.vehicle
            self.form.returning = True
            self.returning_note = tr._("Welcome back! We have filled in your details. Please check them.")
            screen.refresh()

    def about_done(self, name: str, company: str, email: str) -> None:
        self.form.name, self.form.company, self.form.email = name, company, email
        try:
            self.form = self.form.check_about()
        except Invalid as problem:
            self.say(problem.message, problem.field)
            return
        self.message = ""
        self.show("host")

    def search_hosts(self, typed: str) -> list:
        return self.desk.directory().search(typed)

    def choose_host(self, host_id: str) -> None:
        self.form.host = self.desk.directory().get(host_id)
        self.message = ""

    def choose_purpose(self, purpose: str) -> None:
        self.form.purpose = purpose
        self.message = ""

    def host_done(self) -> None:
        try:
            self.form.check_host(self.desk.directory())
        except Invalid as problem:
            self.say(problem.message, problem.field)
            return
        self.message = ""
        self.show("purpose")

    def purpose_done(self) -> None:
        try:
            self.form.check_visiting(self.desk.directory())
        except Invalid as problem:
            self.send_back(problem)
            return
        self.message = ""
        self.show(steps.after("purpose", self.shows))

    def send_back(self, problem: Invalid) -> None:
        """Show `problem` on the step that asks for its field (going back to it if need be)."""
        target = steps.step_for(problem.field)
        if target is not None and target != self.step:
            self.message, self.field = tr._(problem.message), problem.field
            self.show(target, "right", keep_message=True)
        else:
            self.say(problem.message, problem.field)

    def take_photo(self) -> bool:
        frame = self.camera.snapshot()
        if frame is None:
            self.say(_("The camera is not ready. Please try again, or carry on without a photo."), "photo")
            return False
        h, w = frame.shape[:2]
        side = min(h, w)
        square = frame[(h - side) // 2:(h + side) // 2, (w - side) // 2:(w + side) // 2]
        square = cv2.resize(square, (480, 480), interpolation=cv2.INTER_AREA)
        ok, jpeg = cv2.imencode(".jpg", square, [cv2.IMWRITE_JPEG_QUALITY, 85])
        self.form.photo_jpeg = jpeg.tobytes() if ok else None
        self.form.photo_consent = self.form.photo_jpeg is not None
        self.message = ""
        return ok

    def forget_photo(self) -> None:
        self.form.photo_jpeg = None
        self.form.photo_consent = False

    def vehicle_done(self, vehicle: str) -> None:
        from kiosk.core.visitors.validation import clean_vehicle

        try:
            self.form.vehicle = clean_vehicle(vehicle)
        except Invalid as problem:
            self.say(problem.message, problem.field)
            return
        self.message = ""
        self.show(steps.after("vehicle", self.shows))

    def photo_done(self) -> None:
        self.camera.stop()
        self.message = ""
        self.show(steps.after("photo", self.shows))

    def rules_done(self, strokes) -> None:
        if self.checked is not None:
            return  # a second tap
        try:
            self.form.signature_png = render_signature(strokes)
            self.checked = self.desk.check_in_walk_in(self.form)
        except Invalid as problem:
            self.send_back(problem)
            return
        except SyncError as exc:
            self.cannot_save(exc)
            return
        self._after_check_in()

    def _after_check_in(self) -> None:
        visit = self.checked.visit
        self.printed = print_outcome(lambda: self.desk.print_badge(visit, badge_labels(), self.long_date()))
        self.message = ""
        self.show("welcome")

    # ----- signing out ------------------------------------------------------------------
    def begin_sign_out(self) -> None:
        self.message = ""
        self.show("signout")

    def find_own_visit(self, typed: str) -> None:
        """Sign-out without the badge: the address they signed in with, or their invitation code."""
        text = typed.strip()
        self.leaving = []
        if not text:
            self.say(_("Please type the email address you signed in with, or the code from your invitation."),
                     "name")
            return
        if self._too_many_guesses("name"):
            return
        found = self.desk.register.find_own(text)
        if not self._guessed(bool(found), _("We could not find anyone signed in with that. Please scan your "
                                            "badge, or ask at the meet-and-greet point."), "name"):
            return
        if len(found) == 1:
            self.sign_out(found[0].visit_id, "name")
            return
        self.leaving = found
        self.say()

    def sign_out(self, visit_id: str, how: str) -> None:
        try:
            visit = self.desk.sign_out(visit_id, how)
        except SyncError as exc:
            self.cannot_save(exc)
            return
        if visit is None:
            self.say(_("You are already signed out. Thank you for visiting."))
            return
        self.left = visit
        self.camera.stop()
        self.show("goodbye")

    # ----- going back -------------------------------------------------------------------
    def back(self) -> bool:
        return self.back_to(steps.back(self.step, self.checked is not None, self.shows))

    # ----- words for screens ------------------------------------------------------------
    def long_date(self) -> str:
        return date_words(date.today(), tr.lang, weekday=True)

    def time_text(self, moment: float) -> str:
        return format_time(datetime.fromtimestamp(moment), "HH:mm", locale=tr.lang)

    # ----- housekeeping (every half minute from the app's tick) ---------------------------
    def housekeeping(self, now: datetime | None = None) -> None:
        if self.desk is None:
            return
        now = now or datetime.now()
        if self.desk.auto_sign_out_due(now, self._last_auto_sign_out):
            try:
                count = self.desk.sign_out_everyone("auto")
            except SyncError as exc:  # tried again at the next tick; staff see the status line
                log.error("evening sign-out not saved: %s", type(exc).__name__)
                self.app.sync.storage_changed()
                return
            self._last_auto_sign_out = now.date()
            if count:
                log.info("evening sign-out: %d visitors", count)
        if now.timestamp() - self._last_purge > 600:
            self.desk.purge()
            self._last_purge = now.timestamp()


class AppointmentFlow(JourneyFlow):
    """A booked appointment: the reference (typed, or the letter's QR code), then a ticket.
    It shares the visitor journey's desk and camera."""

    name = "appointments"
    prefix = "appt_"
    screens = {"start": "ApptStartScreen", "ticket": "ApptTicketScreen"}

    def __init__(self, app, visitors: VisitorFlow) -> None:
        super().__init__(app)
        self.visitors = visitors
        self.reset()

    @property
    def desk(self):
        return self.visitors.desk

    @property
    def camera(self):
        return self.visitors.camera

    def reset(self) -> None:
        super().reset()
        self.ticket = None

    def start(self) -> None:
        self.reset()
        self.visitors.reset()
        self.show("start")

    @property
    def completed(self) -> bool:
        return self.ticket is not None

    def start_camera(self) -> None:
        self.visitors.start_camera()

    def stop_camera(self) -> None:
        self.visitors.stop_camera()

    def arrive(self, typed: str) -> None:
        if self.ticket is not None:
            return
        try:
            appointment = self.desk.appointments().find(typed)
            self.ticket = self.desk.arrive(appointment)
        except (AppointmentProblem, DeskError) as problem:
            self.say(problem.message, "reference")
            return
        except SyncError as exc:
            self.cannot_save(exc)
            return
        self.camera.stop()
        self.message = ""
        self.show("ticket")
