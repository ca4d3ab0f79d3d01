"""Which signup or report screen shows next, and what it says.

The rules are in `kiosk.core.residents`; these classes turn taps into calls on them and
results into screens. Screens read what they show from here and call its methods.

The steps and where Back goes are `kiosk.core.journeys.signup` (screens `su_` + step; a
volunteer may start it from the staff panel, recorded as "assisted by") and
`kiosk.core.journeys.report` (screens `rp_` + step).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timezone


from kiosk.core.i18n import date_time_words, date_words
from kiosk.core.documents.receipt import Slip, print_slip, render_receipt
from kiosk.core.journeys import report as report_steps
from kiosk.core.journeys import signup as signup_steps
from kiosk.core.printing import NOT_PRINTED, PRINTED, open_printer, print_outcome
from kiosk.core.residents import _
from kiosk.core.residents.gazetteer import Gazetteer
from kiosk.core.residents.reports import Categories, Location, Report, ReportDesk, clean_contact, photo_jpeg
from kiosk.core.residents.signup import Signup, SignupDesk
from kiosk.core import acknowledge
from kiosk.core.forms import Invalid, clean_postcode, mask_email, mask_mobile
from kiosk.core.residents.validate import format_mobile
from kiosk.ui.camera import CameraFeed
from kiosk.ui.flow import JourneyFlow
from kiosk.ui.widgets import ChoiceDialog
from kiosk.ui.i18n import tr
from sync import SyncError
from sync.outbox import StorageFailed

log = logging.getLogger("kiosk.residents")


def contact_label(method: str) -> str:
    return {"email": tr._("Email"), "text": tr._("Text message"), "post": tr._("Letter")}[method]


class ResidentFlow(JourneyFlow):
    """What both journeys share: the printer, reference data, the printed slip."""

    def __init__(self, app) -> None:
        super().__init__(app)
        cfg = app.device_config
        self.printer = open_printer(cfg.printer.kind, cfg.printer.queue, cfg.printer.folder, cfg.printer.server)
        self.printed = ""   # kiosk.core.printing: PRINTED, NO_PRINTER or NOT_PRINTED
        self._built: dict[str, tuple] = {}

    def reference_data(self, name: str) -> dict | None:
        refs = getattr(self.app.sync, "references", None)
        try:
            return refs.get(name) if refs is not None else None
        except Exception as exc:  # noqa: BLE001 - unreadable reference data: journey not offered
            log.warning("reference data %s unreadable: %s", name, type(exc).__name__)
            return None

    def built(self, name: str, build):
        """`build(data)` of reference document `name`, made again only when a new version
        has arrived (the store hands back the same data object until then)."""
        data = self.reference_data(name)
        cached = self._built.get(name)
        if cached is None or cached[0] is not data:
            cached = self._built[name] = (data, build(data))
        return cached[1]

    def gazetteer(self) -> Gazetteer:
        return self.built("gazetteer", Gazetteer.from_reference)

    def print_slip(self, slip: Slip) -> None:
        """Print the slip if there is a printer; `printed` says how it went."""
        self.printed = print_outcome(lambda: print_slip(self.printer, render_receipt(slip), "receipt"))

    def printed_line(self) -> str:
        return {PRINTED: tr._("Your slip is printing."),
                NOT_PRINTED: tr._("The slip could not be printed. Please note the number.")}.get(self.printed, "")

    def queue(self, submit, what) -> str | None:
        """Queue the resident's record; its reference, or None with the reason on screen."""
        try:
            return submit(what, tr.lang)
        except Invalid as exc:
            self.say(exc.message, exc.field)
        except StorageFailed as exc:
            self.cannot_save(exc)
        except SyncError as exc:
            log.warning("%s not queued: %s", type(what).__name__, type(exc).__name__)
            self.say(_("Sorry, this could not be saved. Please ask a member of staff for help."))
        return None

    def when(self) -> str:
        return date_time_words(datetime.now(), tr.lang)

    def site(self) -> str:
        identity = self.app.sync.identity
        return identity.site if identity else ""


# ----- My Account signup ---------------------------------------------------------------------
class SignupFlow(ResidentFlow):
    name = "signup"
    prefix = "su_"
    screens = {"start": "SuStartScreen", "name": "SuNameScreen", "email": "SuEmailScreen", "mobile": "SuMobileScreen",
               "address": "SuAddressScreen", "manual": "SuManualScreen", "dob": "SuDobScreen",
               "contact": "SuContactScreen", "terms": "SuTermsScreen", "check": "SuCheckScreen", "done": "SuDoneScreen"}

    def __init__(self, app) -> None:
        super().__init__(app)
        self.desk = SignupDesk(app.sync.outbox, app.sync.identity.site) if app.sync.enrolled else None
        self.reset()

    @property
    def available(self) -> bool:
        return self.desk is not None

    def reset(self) -> None:
        super().reset()
        self.signup = Signup()
        self.suggestion = ""
        self.postcode = ""
        self.addresses = []
        self.changing = False
        self.printed = ""

    def start(self, assisted_by: str = "") -> None:
        self.reset()
        self.signup.assisted_by = assisted_by
        self.show("start")

    @property
    def completed(self) -> bool:
        return self.signup.sent is not None and self.signup.accepted

    @property
    def over(self) -> bool:
        return self.signup.sent is not None

    def position(self, step: str):
        return signup_steps.position(step)

    def before_leaving(self, then) -> bool:
        """A signup left part way: the resident chooses whether the council may contact them
        to help finish it (`then` runs after their answer)."""
        if not self.unfinished:
            return False

        def follow_up() -> None:
            self.ask_to_follow_up()
            self.app.wipe()

        def leave() -> None:
            self.reset()
            then()

        choices = [(tr._("Leave and delete what I typed"), "danger", leave)]
        message = tr._("Nothing you typed is kept unless you ask us to contact you.")
        if self.signup.reachable:
            choices.insert(0, (tr._("Ask the council to contact me to finish"), "secondary", follow_up))
            promise = acknowledge.follow_up(self.app.sync.charter(), datetime.now(timezone.utc))
            if promise is not None:
                message += " " + promise.say(tr._, tr.lang)
        ChoiceDialog(choices, tr._("Stay and finish"), cancel_first=True,
                     title=tr._("Leave without creating your account?"), message=message).open()
        return True

    def begin(self) -> None:
        self.show("name")

    def _attempt(self, action, *args) -> bool:
        try:
            action(*args)
        except Invalid as exc:
            self.say(exc.message, exc.field)
            return False
        return True

    def _advance(self) -> None:
        """On to the next unanswered step, or back to the check screen after a change."""
        self.show("check" if self.changing else self.signup.next_step())

    def give_name(self, first: str, last: str) -> None:
        if self._attempt(self.signup.set_name, first, last):
            self._advance()

    def give_email(self, text: str) -> None:
        try:
            email = self.signup.set_email(text)
        except Invalid as exc:
            self.say(exc.message, exc.field)
            return
        if email.suggestion:
            self.suggestion = email.suggestion
            self.say()
            return
        self._advance()

    def use_suggestion(self, use: bool) -> None:
        if use and self.suggestion:
            self.signup.email = self.suggestion
        self.suggestion = ""
        self._advance()

    def give_mobile(self, text: str) -> None:
        if self._attempt(self.signup.set_mobile, text):
            if self.changing and "contact" in self.signup.done and not self.signup.contact_by:
                self.signup.done.discard("contact")   # their only way to be contacted is gone
                self.changing = False
            self._advance()

    def find_addresses(self, text: str) -> None:
        try:
            self.postcode = clean_postcode(text)
        except Invalid as exc:
            self.addresses = []
            self.say(exc.message, exc.field)
            return
        self.addresses = self.gazetteer().at_postcode(self.postcode)
        if not self.addresses:
            self.say(_("We could not find any addresses for that postcode. Check it, or type your "
                             "address yourself."), "postcode")
            return
        self.say()

    def choose_address(self, index: int) -> None:
        if 0 <= index < len(self.addresses):
            self.signup.choose_address(self.addresses[index])
            self._advance()

    def type_address(self) -> None:
        self.show("manual")

    def give_manual_address(self, line1: str, line2: str, town: str, postcode: str) -> None:
        if self._attempt(self.signup.set_manual_address, line1, line2, town, postcode):
            self._advance()

    def give_date_of_birth(self, day: str, month: str, year: str) -> None:
        if self._attempt(self.signup.set_date_of_birth, day, month, year, date.today()):
            self._advance()

    def give_contact(self, methods) -> None:
        if self._attempt(self.signup.set_contact, methods):
            self._advance()

    def accept(self, accepted: bool) -> None:
        if self._attempt(self.signup.accept_terms, accepted):
            self.changing = False
            self.show("check")

    def change(self, step: str) -> None:
        """Change one answer from the check screen (`questions/<n>`: the nth question)."""
        self.changing = True
        step, _slash, question = step.partition("/")
        if step == "questions":
            self.question = int(question or 0)
        self.show(step, "right")

    def answers(self) -> list[tuple[str, str, str]]:
        """(what, answer, step to change it) for the check screen."""
        s = self.signup
        born = date_words(s.born, tr.lang) if s.born else ""
        rows = [(tr._("Name"), f"{s.first_name} {s.last_name}", "name"), (tr._("Email"), s.email, "email"),
                (tr._("Mobile"), format_mobile(s.mobile) or tr._("None given"), "mobile"),
                (tr._("Address"), f"{s.address.text}, {s.address.postcode}" if s.address else "", "address"),
                (tr._("Date of birth"), born, "dob"),
                (tr._("Contact me by"), ", ".join(contact_label(m) for m in s.contact_by), "contact")]
        return rows

    def send(self) -> None:
        if self.queue(self.desk.submit, self.signup) is None:
            return
        self.print_slip(Slip(title=tr._("Your council account"), number=self.signup.reference,
                             lines=[tr._("We are emailing {email}").format(email=mask_email(self.signup.email)),
                                    tr._("Open the email within 7 days and choose your password."), self.when()],
                             note=tr._("Keep this slip. Quote the number if you contact us."), site=self.site()))
        self.app.sync.nudge()
        self.show("done")

    @property
    def unfinished(self) -> bool:
        return self.signup.sent is None and bool(self.signup.done)

    def ask_to_follow_up(self) -> None:
        """The resident leaves with a signup half done and asked the council to help."""
        try:
            self.desk.follow_up(self.signup, tr.lang)
        except SyncError as exc:
            log.warning("follow-up not queued: %s", type(exc).__name__)
        self.app.sync.nudge()

    def back(self) -> bool:
        if self.suggestion and self.step == "email":
            self.suggestion = ""
            self.refresh_screen()
            return True
        target = signup_steps.back(self.step)
        if target is None or self.signup.sent is not None:
            return False
        self.changing = False
        return self.back_to(target)


# ----- Report a problem --------------------------------------------------------------------
class ReportFlow(ResidentFlow):
    name = "report"
    prefix = "rp_"
    screens = {"category": "RpCategoryScreen", "questions": "RpQuestionsScreen", "where": "RpWhereScreen",
               "details": "RpDetailsScreen", "photo": "RpPhotoScreen", "contact": "RpContactScreen",
               "check": "RpCheckScreen", "done": "RpDoneScreen"}

    def __init__(self, app) -> None:
        super().__init__(app)
        self.camera = CameraFeed(app.device_config.camera.source)
        self.desk = ReportDesk(app.sync.outbox, app.sync.identity.site) if app.sync.enrolled else None
        self.reset()

    def categories(self) -> Categories:
        return self.built("report-categories", Categories.from_reference)

    @property
    def available(self) -> bool:
        """Reports need somewhere to go and the council's categories."""
        return self.desk is not None and len(self.categories()) > 0

    def reset(self) -> None:
        super().reset()
        self.camera.stop()
        self.report = Report()
        self.answers: dict = {}
        self.query = ""
        self.streets = []
        self.addresses = []
        self.postcode = ""
        self.frame = None            # the picture taken, shown until used or retaken
        self.changing = False
        self.question = 0            # the question showing, of the category's
        self.all_questions = False   # a new category chosen: its questions all asked
        self.printed = ""
        self.next_steps: list[acknowledge.Sentence] = []   # what happens next, said when it was sent

    def start(self) -> None:
        self.reset()
        self.show("category")

    @property
    def completed(self) -> bool:
        return self.report.sent is not None

    def shows(self, step: str) -> bool:
        """Whether an optional step shows on this report (kiosk.core.journeys.report)."""
        if step == "questions":
            return bool(self.report.category and self.report.category.questions)
        return self.camera.available

    def position(self, step: str):
        return report_steps.position(step, self.shows)

    def _next(self, step: str) -> None:
        """On from `step`, or back to the check screen after a change."""
        self.show("check" if self.changing else report_steps.PATH.after(step, self.shows))

    def choose_category(self, code: str) -> None:
        category = self.categories().get(code)
        if category is None:
            return
        if self.report.category is not category:
            self.report.category, self.answers = category, {}
            # A new category has its own questions: all are asked, even when changing from
            # the check.
            self.all_questions = True
        self.question = 0
        self.show(report_steps.PATH.after("category", self.shows))

    @property
    def current_question(self):
        """The question showing (one a page), or None."""
        questions = self.report.category.questions if self.report.category else ()
        return questions[self.question] if 0 <= self.question < len(questions) else None

    def answer(self, code: str, value) -> None:
        """A tap on one of a question's answers: it is the answer, and the next question shows."""
        question = self.current_question
        if question is None or question.code != code:
            return
        self.answers[code] = value
        self.next_question()

    def next_question(self, text: str | None = None) -> None:
        """Next on a question's page (`text`: what was typed, for a question answered in
        words): on to the next question, or on from the questions once all are answered."""
        question = self.current_question
        if question is None:
            return
        if text is not None:
            self.answers[question.code] = text
        try:
            question.check(self.answers.get(question.code))
        except Invalid as exc:
            self.say(exc.message, "question")
            return
        category = self.report.category
        following = report_steps.after_question(self.question, len(category.questions),
                                                self.changing and not self.all_questions)
        if following is not None:
            self.question = following
            self.show("questions")
            return
        try:
            self.answers = self.report.answers = category.check_answers(self.answers)
        except Invalid as exc:   # an earlier one left unanswered: ask it again
            self.question = next(i for i, q in enumerate(category.questions) if q.code == exc.field)
            self.show("questions")
            self.say(exc.message, "question")
            return
        self.all_questions = False
        self._next("questions")

    def search(self, text: str) -> None:
        """As the resident types: streets matching, or the addresses of a postcode."""
        self.query = text
        self.addresses, self.postcode = [], ""
        try:
            postcode = clean_postcode(text) if any(c.isdigit() for c in text) else ""
        except Invalid:
            postcode = ""
        if postcode:
            self.postcode = postcode
            self.addresses = self.gazetteer().at_postcode(postcode)[:5]
            self.streets = []
        else:
            self.streets = self.gazetteer().streets_matching(text, limit=5)
        self.refresh_screen()

    def choose_place(self, kind: str, index: int) -> None:
        if kind == "street" and 0 <= index < len(self.streets):
            self.report.location = Location.of_street(self.streets[index])
        elif kind == "address" and 0 <= index < len(self.addresses):
            self.report.location = Location.of_address(self.addresses[index])
        elif kind == "postcode" and self.postcode:
            self.report.location = Location.of_postcode(self.postcode, self.gazetteer())
        else:
            return
        self._next("where")

    def where_done(self, text: str) -> None:
        """Next without picking a result: a postcode alone will do; a street must be picked."""
        self.search(text)
        if self.postcode:
            self.choose_place("postcode", 0)
        elif self.report.location is not None and not text.strip():
            self._next("where")
        else:
            self.say(_("Type a street name and choose it from the list, or type a postcode."), "where")

    def give_details(self, landmark: str, description: str) -> None:
        try:
            self.report.set_details(landmark, description)
        except Invalid as exc:
            self.say(exc.message, exc.field)
            return
        self._next("details")

    # ----- the photo ------------------------------------------------------------------------
    def take_photo(self) -> None:
        frame = self.camera.snapshot()
        if frame is None:
            self.say(_("The camera is not ready yet. Please try again."))
            return
        self.frame = frame
        self.camera.stop()
        self.refresh_screen()

    def retake(self) -> None:
        self.frame = None
        self.camera.start()
        self.refresh_screen()

    def use_photo(self, use: bool) -> None:
        if use and self.frame is not None:
            self.report.photo = photo_jpeg(self.frame)
        elif not use:
            self.report.photo = None
        self.frame = None
        self._next("photo")

    def give_contact(self, name: str, email: str, phone: str) -> None:
        try:
            self.report.contact = clean_contact(name, email, phone)
        except Invalid as exc:
            self.say(exc.message, exc.field)
            return
        self.changing = False
        self.show("check")

    def change(self, step: str) -> None:
        """Change one answer from the check screen (`questions/<n>`: the nth question)."""
        self.changing = True
        step, _slash, question = step.partition("/")
        if step == "questions":
            self.question = int(question or 0)
        self.show(step, "right")

    def summary(self) -> list[tuple[str, str, str]]:
        r, lang = self.report, tr.lang
        rows = [(tr._("Problem"), r.category.text(lang) if r.category else "", "category")]
        for question in (r.category.questions if r.category else ()):
            value = self.answers.get(question.code)
            if value is None or value == "":
                continue
            if question.kind == "yes_no":
                shown = tr._("Yes") if value else tr._("No")
            elif question.kind == "choice":
                shown = next((o.text(lang) for o in question.options if o.value == value), str(value))
            else:
                shown = str(value)
            rows.append((question.text(lang), shown, f"questions/{r.category.questions.index(question)}"))
        rows.append((tr._("Where"), r.location.text if r.location else "", "where"))
        if r.landmark:
            rows.append((tr._("Landmark"), r.landmark, "details"))
        rows.append((tr._("What is wrong"), r.description, "details"))
        if self.camera.available:
            rows.append((tr._("Photo"), tr._("Added") if r.photo else tr._("None"), "photo"))
        c = r.contact
        rows.append((tr._("Updates to"), ", ".join(x for x in (c.name, c.email, format_mobile(c.phone)) if x)
                     if c else tr._("No updates (anonymous)"), "contact"))
        return rows

    def send(self) -> None:
        reference = self.queue(self.desk.submit, self.report)
        if reference is None:
            return
        link = self.track_link()
        c = self.report.contact
        contact = (mask_email(c.email) or mask_mobile(c.phone)) if c else ""
        self.next_steps = acknowledge.report(self.app.sync.charter(), datetime.now(timezone.utc), contact,
                                             offline=self.app.sync.status.online is not True)
        lines = [self.report.category.text(tr.lang), self.when(), self.next_steps[0].say(tr._, tr.lang)]
        self.print_slip(Slip(title=tr._("Problem reported"), number=reference, lines=lines,
                             note=(tr._("Follow it at {link}").format(link=link) if link
                                   else tr._("Keep this slip. Quote the number if you contact us.")),
                             site=self.site()))
        self.app.sync.nudge()
        self.show("done")

    def track_link(self) -> str:
        return self.categories().track_link(self.report.reference)

    def back(self) -> bool:
        if self.step == "photo" and self.frame is not None:
            self.retake()
            return True
        if self.report.sent is not None:
            return False
        if self.step == "questions":
            earlier = report_steps.before_question(self.question, self.changing and not self.all_questions)
            if earlier is not None:
                self.question = earlier
                self.show("questions", "right")
                return True
        target = report_steps.back(self.step, self.shows)
        if target is None:
            return False
        if target == "questions":   # back into the questions: the last of them
            self.question = len(self.report.category.questions) - 1
        self.changing = False
        return self.back_to(target)
