"""Which document-scanning screen shows next, and what it says.

The rules are in `kiosk.core.documents` and `scanner`; this class turns taps and camera
frames into calls on them and results into screens. Screens read what they show from here
(`flow.session`, `flow.guidance`, `flow.message`...) and call its methods; nothing here draws.
The steps and where Back goes are `kiosk.core.journeys.documents`; screens are `doc_` + step.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

import cv2
import numpy as np

from kiosk.core import acknowledge
from kiosk.core.i18n import date_time_words
from kiosk.core.documents import _
from kiosk.core.documents.claim import mask_reference, reference_from_code
from kiosk.core.documents.receipt import Slip, render_receipt
from kiosk.core.documents.session import DocumentDesk, ScanError, ScanSession, process_capture, redo
from kiosk.core.journeys import documents as steps
from kiosk.core.printing import open_printer, print_outcome
from kiosk.core.forms import Invalid
from kiosk.ui.camera import CameraFeed
from kiosk.ui.flow import JourneyFlow, in_background
from kiosk.ui.widgets import ConfirmDialog
from kiosk.ui.i18n import tr
from scanner.live import LiveScanner
from sync import SyncError
from sync.outbox import StorageFailed

log = logging.getLogger("kiosk.documents")


def purpose_label(purpose: str) -> str:
    return {
        "housing-benefit": tr._("Housing Benefit"),
        "council-tax": tr._("Council Tax"),
        "housing-register": tr._("Housing register"),
        "other": tr._("Something else"),
    }[purpose]


def purpose_detail(purpose: str) -> str:
    return {
        "housing-benefit": tr._("A new claim, or a change to your claim"),
        "council-tax": tr._("Discounts, reductions and moving home"),
        "housing-register": tr._("Your application for council or housing association housing"),
        "other": tr._("Another service asked you for documents"),
    }[purpose]


def kind_label(kind: str) -> str:
    return {
        "identity": tr._("Proof of identity"),
        "address": tr._("Proof of address"),
        "income": tr._("Proof of income"),
        "council-letter": tr._("A letter from the council"),
        "bank-statement": tr._("Bank statement"),
        "other": tr._("Something else"),
    }[kind]


def kind_detail(kind: str) -> str:
    return {
        "identity": tr._("Passport, driving licence, identity card, birth certificate"),
        "address": tr._("A utility bill, tenancy agreement or recent official letter"),
        "income": tr._("Payslips, a benefit award letter, a pension statement"),
        "council-letter": tr._("A bill, a decision letter or a form we sent you"),
        "bank-statement": tr._("All pages for the months we asked for"),
        "other": tr._("Any other document we asked you to bring"),
    }[kind]


def reference_hint(purpose: str) -> str:
    return {
        "housing-benefit": tr._("Your claim number is at the top of letters about your Housing Benefit."),
        "council-tax": tr._("Your account number is at the top right of your Council Tax bill."),
        "housing-register": tr._("Your housing register number starts with HR. It is on letters about "
                                 "your application."),
        "other": tr._("Type the reference from the letter or email that asked for these documents."),
    }[purpose]


NO_DOCUMENT = "no_document"
GUIDANCE = {
    NO_DOCUMENT: _("Hold your document up to the camera, or lay it flat under it."),
    "not_in_frame": _("Move the document so all four corners are in the picture."),
    "too_small": _("Move the document closer to the camera."),
    "too_dark": _("It is too dark. Move to a brighter spot or turn on a light."),
    "glare": _("There is a reflection on the document. Tilt it away from the light."),
    "blurry": _("Hold still: the picture is blurred."),
    "hold_still": _("Hold still…"),
    None: _("Hold still. Taking the picture…"),
}


def guidance(problem: str | None, found: bool = True) -> str:
    """What the live preview says for a problem code of `scanner.live` (None: all is well)."""
    text = GUIDANCE.get(problem if found or problem else NO_DOCUMENT) or GUIDANCE[NO_DOCUMENT]
    return tr._(text)


class DocumentFlow(JourneyFlow):
    name = "documents"
    prefix = "doc_"
    screens = {"start": "DocStartScreen", "kind": "DocKindScreen", "reference": "DocReferenceScreen",
               "person": "DocPersonScreen", "camera": "DocCameraScreen", "review": "DocReviewScreen",
               "adjust": "DocAdjustScreen", "sent": "DocSentScreen"}

    def __init__(self, app) -> None:
        super().__init__(app)
        cfg = app.device_config
        self.settings = cfg.documents
        self.camera = CameraFeed(cfg.camera.source)
        self.desk: DocumentDesk | None = None
        if app.sync.enrolled:
            self.desk = DocumentDesk(
                app.sync.outbox,
                open_printer(cfg.printer.kind, cfg.printer.queue, cfg.printer.folder, cfg.printer.server),
                site=app.sync.identity.site, device=cfg.site.device_name, online=lambda: app.sync.status.online)
        self.session = ScanSession(self.settings.max_pages)
        self._generation = 0
        self.reset()

    @property
    def available(self) -> bool:
        """Scanning needs an enrolled kiosk (somewhere to send the documents)."""
        return self.desk is not None

    # ----- the state one resident builds up ------------------------------------------------
    def reset(self) -> None:
        """Forget everything about the current resident (the wipe)."""
        super().reset()
        self._generation += 1  # pages still being made for them are thrown away
        self.camera.stop()
        self.session.clear()
        self.live = LiveScanner(steady_seconds=self.settings.steady_seconds, auto=self.settings.auto_capture)
        self.guidance = ""
        self.progress = 0.0
        self.quad = None              # the outline on the live preview (frame pixels)
        self.frame_size = (0, 0)
        self.busy = False             # a page is being made
        self.current = -1             # the page shown on the review screen
        self.adjusting = None         # (frame, quad) while the resident sets corners
        self._retaking = False        # the next picture replaces the page on review
        self.printed = ""             # kiosk.core.printing: PRINTED, NO_PRINTER or NOT_PRINTED
        self._scan_guard = ""
        self._camera_owner = ""

    # ----- choosing --------------------------------------------------------------------------
    def start(self) -> None:
        self.reset()
        self.show("start")

    @property
    def completed(self) -> bool:
        return self.session.sent is not None

    def position(self, step: str):
        return steps.position(step)

    def before_leaving(self, then) -> bool:
        """Scanned pages not sent yet: ask before they are thrown away."""
        session = self.session
        if not session.pages or session.sent is not None:
            return False
        n = len(session.pages)
        ConfirmDialog(
            title=tr._("Leave without sending?"),
            message=tr.n_("Your {n} page will be deleted and not sent.",
                          "Your {n} pages will be deleted and not sent.", n).format(n=n),
            yes_label=tr._("Leave and delete"),
            no_label=tr._("Stay"),
            yes_action=self.app.wipe,
        ).open()
        return True

    def for_letter(self, purpose: str, reference: str) -> None:
        """Scanning what a council letter asks for (from its guide): the service chosen and,
        when the letter's code carried one, the reference given; next, what kind of document."""
        self.session.choose(purpose)
        if reference:
            try:
                self.session.use_reference(reference)
            except Invalid:
                log.info("a letter's reference did not fit its service: asked for instead")
        self.show("kind")

    def choose_purpose(self, purpose: str) -> None:
        self.session.choose(purpose)
        self.show("kind")

    def choose_kind(self, kind: str) -> None:
        self.session.choose_kind(kind)
        if self.session.identified:   # scanning another document for the same case
            self.open_camera()
        else:
            self.show("reference")

    def give_reference(self, text: str) -> None:
        try:
            self.session.use_reference(text)
        except Invalid as exc:
            self.say(exc.message, exc.field)
            return
        self.open_camera()

    def no_reference(self) -> None:
        self.show("person")

    def give_person(self, name: str, postcode: str) -> None:
        try:
            self.session.use_person(name, postcode)
        except Invalid as exc:
            self.say(exc.message, exc.field)
            return
        self.open_camera()

    # ----- the camera on the reference screen: a letter's barcode or QR code ------------------
    def start_reference_camera(self, on_found) -> None:
        self._scan_guard = ""
        self._camera_owner = "reference"

        def scanned(text: str) -> None:
            if text == self._scan_guard:
                return
            self._scan_guard = text
            reference = reference_from_code(text, self.session.purpose)
            if reference is None:
                self.say(_("That code does not hold a reference for this service. Please type the "
                           "reference instead."), "reference")
                return
            self.message = ""
            on_found(reference)

        self.camera.start(on_code=scanned)

    def stop_camera(self, owner: str | None = None) -> None:
        """Stop the camera; with `owner`, only if that screen still has it (the next screen
        may have taken it over already: Kivy enters the new screen before leaving the old)."""
        if owner is None or owner == self._camera_owner:
            self.camera.stop()
            self._camera_owner = ""

    # ----- the live camera: outline, guidance, taking the picture --------------------------------
    def open_camera(self) -> None:
        self.live.reset()
        self.guidance, self.progress, self.quad = guidance(None, found=False), 0.0, None
        self.show("camera")

    def start_live(self) -> None:
        self.live.reset()
        self._camera_owner = "live"
        self.camera.start(analyse=self.live.analyse, on_result=self._live_result)

    def _live_result(self, step, frame) -> None:
        if self.busy:
            return
        self.frame_size = (frame.shape[1], frame.shape[0])
        self.quad = step.quad
        self.progress = step.progress
        self.guidance = guidance(step.problem, found=step.quad is not None)
        if self.step == "camera":
            self.refresh_screen()
        if step.capture:
            self.capture(frame)   # the corners are found again, precisely, on the full frame

    def capture(self, frame=None) -> None:
        """Take the picture (auto-capture, or the button): make the page on a helper thread."""
        if self.busy:
            return
        if frame is None:
            frame = self.camera.snapshot()
        if frame is None:
            self.say(_("The camera has not given a picture yet. Please wait a moment and try again."))
            return
        if self.session.full and not self._retaking:
            self.say(_("That is the most pages one scan can take. Please send these, then scan the rest as "
                       "another document."))
            return
        self.busy = True
        self.camera.stop()
        self.refresh_screen()
        generation = self._generation
        replacing = self.current if self.current >= 0 and self._retaking else None
        mode = self.session.mode
        in_background("scan-page", lambda: _made(process_capture, frame, None, mode),
                      lambda page: self._page_made(page, generation, replacing))

    def _page_made(self, page, generation, replacing) -> None:
        if generation != self._generation:
            return  # the resident has gone (wiped) or started again
        self.busy = False
        self._retaking = False
        if page is None:
            self.say(_("Sorry, that picture could not be used. Please try again."))
            self.start_live()
            return
        try:
            if replacing is not None:
                self.session.replace(replacing, page)
                self.current = replacing
            else:
                self.current = self.session.add(page) - 1
        except ScanError as exc:
            self.say(exc.message)
            return
        self.show("review")

    # ----- reviewing --------------------------------------------------------------------------
    @property
    def page(self):
        pages = self.session.pages
        return pages[self.current] if 0 <= self.current < len(pages) else None

    def view_page(self, index: int) -> None:
        if 0 <= index < len(self.session.pages):
            self.current = index
            self.refresh_screen()

    @property
    def retaking(self) -> bool:
        return self._retaking

    def retake(self) -> None:
        self._retaking = True
        self.open_camera()

    def add_page(self) -> None:
        if self.session.full:
            self.say(_("That is the most pages one scan can take. Please send these, then scan the rest as "
                       "another document."))
            return
        self.current = -1
        self._retaking = False
        self.open_camera()

    def remove_page(self) -> None:
        if self.page is None:
            return
        self.session.remove(self.current)
        if not self.session.pages:
            self.current = -1
            self.open_camera()
            return
        self.current = min(self.current, len(self.session.pages) - 1)
        self.refresh_screen()

    def switch_mode(self) -> None:
        """Colour or black and white, for this page and the pages still to come."""
        page = self.page
        if page is None or self.busy:
            return
        mode = "grey" if page.mode == "colour" else "colour"
        self.session.mode = mode
        self._redo(page, None, mode)

    def adjust(self) -> None:
        page = self.page
        if page is None:
            return
        frame = cv2.imdecode(np.frombuffer(page.photo_jpeg, np.uint8), cv2.IMREAD_COLOR)
        self.adjusting = (frame, page.quad)
        self.show("adjust")

    def adjusted(self, quad) -> None:
        """The resident set the corners by hand."""
        page = self.page
        self.adjusting = None
        self.show("review", "right")
        if page is not None:
            self._redo(page, quad, None)

    def _redo(self, page, quad, mode) -> None:
        self.busy = True
        self.refresh_screen()
        generation, index = self._generation, self.current
        in_background("scan-page", lambda: _made(redo, page, quad, mode),
                      lambda again: self._redone(again, generation, index))

    def _redone(self, page, generation, index) -> None:
        if generation != self._generation:
            return
        self.busy = False
        if page is None:
            self.say(_("Sorry, that picture could not be used. Please try again."))
            return
        if index < len(self.session.pages):
            self.session.replace(index, page)
        self.refresh_screen()

    # ----- sending --------------------------------------------------------------------------
    def send(self) -> None:
        if self.busy or self.desk is None:
            return
        try:
            sent = self.desk.submit(self.session, tr.lang)
        except (Invalid, ScanError) as exc:
            self.say(exc.message)
            return
        except StorageFailed as exc:
            self.cannot_save(exc)
            return
        except (SyncError, OSError) as exc:
            log.error("could not queue a scan: %s", type(exc).__name__)
            self.say(_("Sorry, your documents could not be saved for sending. Please ask a member of staff."))
            return
        self.printed = print_outcome(lambda: self.desk.print_receipt(render_receipt(self.slip(sent))))
        self.app.sync.nudge()
        self.show("sent")

    def next_steps(self, sent) -> str:
        """By when the council aims to look at them (the same day on the screen and the slip)."""
        handed = datetime.fromtimestamp(sent.sent_at, timezone.utc)
        sentences = acknowledge.documents(self.app.sync.charter(), handed, sent.offline)
        return " ".join(sentence.say(tr._, tr.lang) for sentence in sentences)

    def slip(self, sent) -> Slip:
        what = f"{purpose_label(sent.purpose)}: {kind_label(sent.kind).lower()}"
        pages = tr.n_("{n} page", "{n} pages", sent.pages).format(n=sent.pages)
        if sent.reference:
            pages += " · " + tr._("reference {ref}").format(ref=mask_reference(sent.reference))
        when = date_time_words(datetime.fromtimestamp(sent.sent_at), tr.lang)
        return Slip(title=tr._("Documents received"), number=sent.receipt,
                    lines=[what, pages, when, self.next_steps(sent)],
                    note=tr._("Keep this slip. Quote the number if you contact us."),
                    site=self.desk.site if self.desk else "")

    def scan_another(self) -> None:
        """Another document for the same case: purpose and reference stay, pages go."""
        purpose, reference, name, postcode = (self.session.purpose, self.session.reference, self.session.name,
                                              self.session.postcode)
        self.reset()
        self.session.choose(purpose)
        self.session.reference, self.session.name, self.session.postcode = reference, name, postcode
        self.show("kind")

    # ----- back -----------------------------------------------------------------------------
    def back(self) -> bool:
        """Go one step back; False when the journey should end (back to home)."""
        session = self.session
        by = "reference" if session.reference else "person" if session.name else ""
        step = self.step
        target = steps.back(step, len(session.pages), by, session.sent is not None)
        if target == step:   # the review: leaving would lose the pages, so say how to go on
            self.say(_("Your pages are not sent yet. Touch “Send” to send them, or “Finish” to leave "
                       "without sending."))
            return True
        if target == "review":
            self.current = len(session.pages) - 1
        return self.back_to(target)


def _made(make, *args):
    """A page made on a helper thread, or None (told kindly: the resident can try again)."""
    try:
        return make(*args)
    except Exception as exc:  # noqa: BLE001
        log.warning("page processing failed: %s", type(exc).__name__)
        return None
