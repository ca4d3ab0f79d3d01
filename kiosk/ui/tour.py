"""Render every screen of the kiosk in every language to PNG, then exit.

    python -m kiosk --tour OUTDIR

Writes `OUTDIR/<lang>/<NN>-<screen>.png` for each step below (and a sample of them at the largest
text size and in high contrast, in the first language), and `OUTDIR/texts.json`
with the text visible on each screen. Runs on the real window, so it needs a display (Xvfb
will do). `python -m kiosk layout-check` drives the same steps to check every layout.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.label import Label
from kivy.uix.textinput import TextInput

from kiosk.ui.theme import theme

_MARKUP = re.compile(r"\[/?[a-z]+(=[^\]]*)?\]")


def _start(app):
    app.start_session(None)


def _info(app):
    _start(app)
    app.open_journey("information")


def _keyboard(app):
    _info(app)
    field = app.sm.get_screen("info_topics").ids.query
    field.focus = True


def _topic(app):
    _info(app)
    app.info.choose_topic("bins")


def _page(app):
    _topic(app)
    app.info.open_page("which-bin")


def _results(app):
    _info(app)
    app.info.search("sofa")


def _no_results(app):
    _info(app)
    app.info.search("xqzw")


def _idle(app):
    _info(app)
    app.idle.age(app.idle.timeout - app.idle.warning)
    app._tick(0)


def _pin(app):
    app.staff.start()


def _pin_wrong(app):
    # The tour runs in a throwaway data folder: start each language with no failures.
    app.pin_gate.state_file.unlink(missing_ok=True)
    app.staff.start()
    screen = app.sm.get_screen("staff_pin")
    screen.message, screen.error = app.staff.try_pin("0000")


def _panel(app):
    app.staff.start()
    app.staff.unlocked = True
    app.show("staff_panel")


def _exit(app):
    _panel(app)
    app.staff.confirm_exit()


def _wipe(app):
    """A wipe in the middle of a step (a visit ended), staying in the step's language."""
    from kiosk.ui.i18n import tr

    lang = tr.lang
    app.wipe()
    app.switch_language(lang)


def _visitors(app):
    _start(app)
    app.open_journey("visitors")


def _visit_code(app):
    _visitors(app)
    app.visitors.show("code")
    typed = "jane.smith@acme.exampel"   # a slip of the finger: not found
    app.sm.get_screen("visit_code").ids.code.text = typed
    app.visitors.find_invite(typed)


def _visit_confirm(app):
    _visitors(app)
    app.visitors.use_invite_code("7KQ2M9")


def _visit_cannot_save(app):
    """What a visitor sees when the kiosk's storage refuses their check-in."""
    from kiosk.ui.flow import CANNOT_SAVE

    _visit_confirm(app)
    app.visitors.say(CANNOT_SAVE)


def _visit_about(app):
    _visitors(app)
    app.visitors.begin_walk_in()
    screen = app.sm.get_screen("visit_about")
    # What is on screen is what was sent: a name with a digit in it, which is refused.
    screen.ids.name.text, screen.ids.email.text = "Marta Kowa1czyk", "marta@example.com"
    app.visitors.about_done("Marta Kowa1czyk", "", "marta@example.com")


def _visit_host(app):
    _visitors(app)
    app.visitors.begin_walk_in()
    app.visitors.about_done("Marta Kowalczyk", "Keystone Legal LLP", "")
    screen = app.sm.get_screen("visit_host")
    # Department names are the council's own words (English); "Regeneration" is not also a
    # kiosk string, so the check for untranslated text is not misled by it.
    host = next(h for h in app.visitors.desk.directory().hosts if h.department == "Regeneration")
    screen.ids.search.text = host.name.split()[-1][:4]
    screen.choose_host(host.id)


def _visit_purpose(app):
    _visit_host(app)
    app.visitors.host_done()


def _visit_vehicle(app):
    _visit_purpose(app)
    app.sm.get_screen("visit_purpose").choose_purpose("meeting")


def _visit_photo(app):
    _visit_vehicle(app)
    app.visitors.vehicle_done("KL70 ABC")


def _visit_rules(app):
    _visit_photo(app)
    app.visitors.photo_done()
    pad = app.sm.get_screen("visit_rules").ids.pad
    pad.strokes = [[(0.1, 0.4), (0.2, 0.7), (0.3, 0.3), (0.4, 0.6), (0.5, 0.35), (0.6, 0.65), (0.75, 0.4)]]
    pad._draw()


def _visit_welcome(app):
    _visit_rules(app)
    app.sm.get_screen("visit_rules").submit()


def _visit_signout(app):
    _visit_welcome(app)
    _wipe(app)
    _visitors(app)
    app.visitors.begin_sign_out()
    app.sm.get_screen("visit_signout").ids.name.text = "marta@keystonelegal.example"


def _visit_goodbye(app):
    _visit_signout(app)
    visit = app.visitors.desk.register.find("marta")[0]
    app.visitors.sign_out(visit.visit_id, "name")


def _appointment(app):
    _start(app)
    app.open_journey("appointments")
    app.sm.get_screen("appt_start").ids.reference.text = "XX-1"   # as typed: kept beside the error
    app.appointments.arrive("XX-1")


def _appointment_no_reference(app):
    _start(app)
    app.open_journey("appointments")
    app.sm.get_screen("appt_start").no_reference()


def _ticket(app):
    _start(app)
    app.open_journey("appointments")
    book = app.visitors.desk.appointments()
    app.appointments.arrive(next(r for r in sorted(book.by_reference) if r not in book.arrived))


def _staff_visitors(app):
    desk = app.visitors.desk
    for visit in desk.register.on_site():   # earlier steps' visitors: one on site, not a crowd
        desk.sign_out(visit.visit_id, "staff")
    _visit_welcome(app)
    _wipe(app)
    _panel(app)
    app.show("staff_visitors")


def _roll_call(app):
    _staff_visitors(app)
    app.staff.start_roll_call()


def _documents(app):
    app.documents.camera.source = app.device_config.camera.source
    _start(app)
    app.open_journey("documents")


def _doc_kind(app):
    _documents(app)
    app.documents.choose_purpose("council-tax")


def _doc_reference(app):
    _doc_kind(app)
    app.documents.choose_kind("income")
    app.documents.give_reference("12")
    app.sm.get_screen("doc_reference").ids.reference.text = "12"   # as typed: kept beside the error


def _doc_person(app):
    _doc_reference(app)
    app.documents.no_reference()


def _doc_frame():
    from scanner.samples import document_photo

    return document_photo(3, kind="page", hand=False, out_of_frame=False, fill=0.45).image


def _doc_camera(app):
    """The live preview once the page is found: the camera shows a generated letter and its
    outline is put on screen at once (the live analysis would take a few frames)."""
    import cv2

    from scanner.live import LiveScanner

    folder = app.data_dir / "camera-letter"
    folder.mkdir(exist_ok=True)
    frame = _doc_frame()
    cv2.imwrite(str(folder / "letter.jpg"), frame)
    _doc_reference(app)
    app.documents.camera.source = f"folder:{folder}"
    app.documents.give_reference("50012345")
    live = LiveScanner(clock=lambda: 0.0)
    live.analyse(frame)
    app.documents._live_result(live.analyse(frame), frame)


def _doc_review(app):
    from kiosk.core.documents.session import process_capture

    _doc_camera(app)
    flow = app.documents
    flow.current = flow.session.add(process_capture(_doc_frame(), mode=flow.session.mode)) - 1
    flow.show("review")


def _doc_adjust(app):
    _doc_review(app)
    app.documents.adjust()


def _doc_leave(app):
    _doc_review(app)
    app.go_home()


def _doc_sent(app):
    _doc_review(app)
    app.documents.send()


def _signup(app):
    _start(app)
    app.open_journey("signup")


def _su_volunteer(app):
    _panel(app)
    app.staff.help_signup()


def _su_start_assisted(app):
    _su_volunteer(app)
    app.staff.start_assisted_signup("Sam Okafor")


def _su_name(app):
    _signup(app)
    app.signup.begin()
    app.sm.get_screen("su_name").ids.first.text = "Marta"
    app.signup.give_name("Marta", "")


def _su_email(app):
    _signup(app)
    app.signup.give_name("Marta", "Kowalczyk")
    app.sm.get_screen("su_email").ids.email.text = "marta.k@gmial.com"
    app.signup.give_email("marta.k@gmial.com")


def _su_mobile(app):
    _su_email(app)
    app.signup.use_suggestion(True)


def _su_address(app):
    _su_mobile(app)
    app.signup.give_mobile("07911 123456")
    postcode = app.signup.gazetteer().addresses[0].postcode
    app.sm.get_screen("su_address").ids.postcode.text = postcode
    app.signup.find_addresses(postcode)


def _su_address_unknown(app):
    _su_mobile(app)
    app.signup.give_mobile("")
    app.sm.get_screen("su_address").ids.postcode.text = "ZZ9 9ZZ"   # as typed: it stays in its field
    app.signup.find_addresses("ZZ9 9ZZ")


def _su_manual(app):
    _su_address_unknown(app)
    app.signup.type_address()
    screen = app.sm.get_screen("su_manual")
    screen.ids.line1.text = "4 New Wharf"
    app.signup.give_manual_address("4 New Wharf", "", "", "ZZ9 9ZZ")


def _su_dob(app):
    _su_address(app)
    app.signup.choose_address(0)
    for box, value in (("day", "31"), ("month", "2"), ("year", "1984")):
        app.sm.get_screen("su_dob").ids[box].text = value
    app.signup.give_date_of_birth("31", "2", "1984")


def _su_contact(app):
    _su_dob(app)
    app.signup.give_date_of_birth("29", "2", "1984")


def _su_terms(app):
    _su_contact(app)
    app.signup.give_contact(["email", "text"])


def _su_check(app):
    _su_terms(app)
    app.signup.accept(True)


def _su_leave(app):
    _su_check(app)
    app.go_home()


def _su_done(app):
    _su_check(app)
    app.signup.send()


def _report(app):
    app.report.camera.source = app.device_config.camera.source
    _start(app)
    app.open_journey("report")


def _rp_questions(app):
    _report(app)
    app.report.choose_category("fly-tipping")


def _rp_question_typed(app):
    _report(app)
    app.report.choose_category("abandoned-vehicle")   # first: the registration, in words
    typed = "AB12 CDE, parked across the dropped kerb by the garages since October " * 4
    app.sm.get_screen("rp_questions").ids.question.text = typed
    app.report.next_question(typed)                   # too long: the error


def _rp_where(app):
    _report(app)
    app.report.choose_category("fly-tipping")
    for question in app.report.report.category.questions:
        if question.kind == "choice":
            app.report.answer(question.code, question.options[0].value)
        elif question.kind == "yes_no":
            app.report.answer(question.code, False)
    street = app.report.gazetteer().streets[0].name
    app.sm.get_screen("rp_where").ids.search.text = street[:5]


def _rp_details(app):
    _rp_where(app)
    app.report.choose_place("street", 0)
    app.sm.get_screen("rp_details").ids.landmark.text = "Opposite the bus shelter"


def _rp_photo(app):
    import cv2

    from scanner.samples import background

    folder = app.data_dir / "camera-street"
    folder.mkdir(exist_ok=True)
    cv2.imwrite(str(folder / "street.jpg"), background(5, (1280, 720), "clutter"))
    _rp_details(app)
    app.report.camera.source = f"folder:{folder}"
    app.report.give_details("Opposite the bus shelter", "A mattress and six black bags")


def _rp_photo_taken(app):
    import cv2

    _rp_photo(app)
    app.report.frame = cv2.imread(str(app.data_dir / "camera-street" / "street.jpg"))
    app.report.camera.stop()
    app.report.refresh_screen()


def _rp_contact(app):
    _rp_photo_taken(app)
    app.report.use_photo(True)
    app.report.give_contact("Jo", "", "")


def _rp_check(app):
    _rp_contact(app)
    app.report.give_contact("Jo Bloggs", "jo.bloggs@example.com", "")


def _rp_done(app):
    _rp_check(app)
    app.report.send()


def _letters(app):
    _start(app)
    app.open_journey("letters")


def _lt_not_ours(app):
    from kiosk.ui.letters import NOT_A_LETTER

    _letters(app)
    app.letters.say(NOT_A_LETTER)


def _lt_evidence(app):
    """As if the QR code HKR1:HB:40012345:EVID had been held up."""
    _letters(app)
    app.letters.open("EVID", "40012345")


def _lt_waste(app):
    _letters(app)
    app.letters.open("WASTE")


def _lt_send(app):
    _lt_evidence(app)
    app.letters.send_documents()


def _progress(app):
    _start(app)
    app.open_journey("progress")


def _pg_reference_problem(app):
    _progress(app)
    app.progress.give_reference("RPT-7KQ2")
    app.sm.get_screen("pg_reference").ids.reference.text = "RPT-7KQ2"


def _pg_answer(app):
    _progress(app)
    app.progress.give_reference("RPT-7KQ2-X9PM")
    from kiosk.ui.progress import NOT_FOUND

    app.sm.get_screen("pg_answer").ids.answer.text = "RV1 2AC"
    app.progress.say(NOT_FOUND, "answer")


def _pg_birth(app):
    _progress(app)
    app.progress.give_reference("ACC-4HJX-2M7Q")


def _sample_result(app, kind: str):
    """What central would answer (the tour has no central): shown as the flow shows it."""
    from datetime import datetime, timedelta, timezone

    from sync.protocol import Progress, ProgressDocument, ProgressStep

    now = datetime.now(timezone.utc)
    reference = {"report": "RPT-7KQ2-X9PM", "documents": "DOC-4HJX-2M7Q", "account": "ACC-4HJX-2M7Q"}[kind]
    _progress(app)
    app.progress.give_reference(reference)
    if kind == "report":
        result = Progress(kind="report", reference=reference, category="fly-tipping", place="Mill Lane, Riverside",
                          steps=[ProgressStep(step="received", done=True, at=now - timedelta(days=3)),
                                 ProgressStep(step="passed", done=True, at=now - timedelta(days=2)),
                                 ProgressStep(step="started", done=True, at=now - timedelta(days=1)),
                                 ProgressStep(step="closed", done=False)])
    elif kind == "documents":
        result = Progress(kind="documents", reference=reference, documents=[
            ProgressDocument(receipt=reference, purpose="housing-benefit", kind="income", pages=2,
                             received_at=now - timedelta(days=6), indexed=True, indexed_at=now - timedelta(days=2)),
            ProgressDocument(receipt="DOC-7PQR-3XYZ", purpose="housing-benefit", kind="identity", pages=1,
                             received_at=now - timedelta(days=1), indexed=False)])
    else:
        result = Progress(kind="account", reference=reference, activated=False, email_masked="j•••@example.com")
    app.progress.result = result
    app.progress.show("result")


def _pg_report(app):
    _sample_result(app, "report")


def _pg_documents(app):
    _sample_result(app, "documents")


def _pg_account(app):
    _sample_result(app, "account")


def _pg_offline(app):
    _progress(app)
    app.progress.reference = "RPT-7KQ2-X9PM"
    app.progress.show("offline")


def _feedback(app):
    _page(app)
    app.finish()


def _feedback_stars(app):
    _feedback(app)
    app.sm.get_screen("feedback").choose_found("yes")


def _feedback_comment(app):
    _feedback_stars(app)
    app.sm.get_screen("feedback").choose_stars(4)


def _feedback_thanks(app):
    _feedback(app)
    screen = app.sm.get_screen("feedback")
    screen.choose_found("yes")
    screen.choose_stars(4)
    screen.send()


STEPS = [
    ("attract", lambda app: None),
    ("home", _start),
    ("info-topics", _info),
    ("info-search-keyboard", _keyboard),
    ("info-topic", _topic),
    ("info-page", _page),
    ("info-results", _results),
    ("info-no-results", _no_results),
    ("idle-warning", _idle),
    ("staff-pin", _pin),
    ("staff-pin-wrong", _pin_wrong),
    ("staff-panel", _panel),
    ("staff-exit-confirm", _exit),
    ("visit-start", _visitors),
    ("visit-code", _visit_code),
    ("visit-confirm", _visit_confirm),
    ("visit-cannot-save", _visit_cannot_save),
    ("visit-about-problem", _visit_about),
    ("visit-host", _visit_host),
    ("visit-purpose", _visit_purpose),
    ("visit-vehicle", _visit_vehicle),
    ("visit-photo", _visit_photo),
    ("visit-rules", _visit_rules),
    ("visit-welcome", _visit_welcome),
    ("visit-signout", _visit_signout),
    ("visit-goodbye", _visit_goodbye),
    ("appointment-problem", _appointment),
    ("appointment-no-reference", _appointment_no_reference),
    ("appointment-ticket", _ticket),
    ("staff-visitors", _staff_visitors),
    ("staff-roll-call", _roll_call),
    ("doc-start", _documents),
    ("doc-kind", _doc_kind),
    ("doc-reference-problem", _doc_reference),
    ("doc-person", _doc_person),
    ("doc-camera", _doc_camera),
    ("doc-review", _doc_review),
    ("doc-adjust", _doc_adjust),
    ("doc-leave-confirm", _doc_leave),
    ("doc-sent", _doc_sent),
    ("staff-signup-volunteer", _su_volunteer),
    ("signup-start-assisted", _su_start_assisted),
    ("signup-start", _signup),
    ("signup-name-problem", _su_name),
    ("signup-email-did-you-mean", _su_email),
    ("signup-mobile", _su_mobile),
    ("signup-address", _su_address),
    ("signup-address-not-found", _su_address_unknown),
    ("signup-manual-problem", _su_manual),
    ("signup-dob-problem", _su_dob),
    ("signup-contact", _su_contact),
    ("signup-terms", _su_terms),
    ("signup-check", _su_check),
    ("signup-leave-confirm", _su_leave),
    ("signup-done", _su_done),
    ("report-category", _report),
    ("report-questions", _rp_questions),
    ("report-question-typed-problem", _rp_question_typed),
    ("report-where", _rp_where),
    ("report-details", _rp_details),
    ("report-photo", _rp_photo),
    ("report-photo-taken", _rp_photo_taken),
    ("report-contact-problem", _rp_contact),
    ("report-check", _rp_check),
    ("report-done", _rp_done),
    ("letters-code-not-ours", _lt_not_ours),
    ("letters-evidence-request", _lt_evidence),
    ("letters-bin-collection", _lt_waste),
    ("letters-send-documents", _lt_send),
    ("progress-reference-problem", _pg_reference_problem),
    ("progress-answer-problem", _pg_answer),
    ("progress-birth", _pg_birth),
    ("progress-report", _pg_report),
    ("progress-documents", _pg_documents),
    ("progress-account", _pg_account),
    ("progress-offline", _pg_offline),
    ("feedback", _feedback),
    ("feedback-stars", _feedback_stars),
    ("feedback-comment", _feedback_comment),
    ("feedback-thanks", _feedback_thanks),
]


def capture_window(path: Path) -> None:
    """Save the whole window (screens and any open dialog) as a PNG.

    The window is drawn once more into its back buffer and read back before the next
    swap, so the image is exactly the current frame.
    """
    Window.dispatch("on_draw")
    taken = Window.screenshot(name=str(path.with_name(f".{path.stem}.png")))
    os.replace(taken, path)


def visible_texts() -> list[str]:
    """Every piece of text on screen now, markup removed, in drawing order."""
    found = []
    for root in Window.children:
        for widget in root.walk():
            if isinstance(widget, Label) and widget.opacity > 0 and widget.text.strip():
                found.append(_MARKUP.sub("", widget.text).strip())
            elif isinstance(widget, TextInput) and widget.hint_text and not widget.text:
                found.append(str(widget.hint_text))
    return [t for t in found if t]


# Also rendered at the largest text size and in high contrast (in the first language), to
# look at: `OUTDIR/<lang>-largest/` and `OUTDIR/<lang>-high-contrast/`.
SAMPLE = {"home", "staff-panel", "visit-host", "visit-purpose", "doc-review", "doc-sent", "signup-check",
          "report-category", "report-done", "letters-evidence-request", "progress-documents", "feedback", "info-page"}
VARIANTS = ("largest", "high-contrast")

# Kivy lays out nested widgets over several frames; a handful is always enough.
FRAMES_TO_SETTLE = 8


def enter_step(app, lang: str, action) -> None:
    """Put the kiosk into one step's state (`action`), from a fresh wipe, in `lang`: the
    one way in for the tour and the layout check."""
    app.pin_gate.state_file.unlink(missing_ok=True)   # earlier wrong PINs do not lock later steps
    app.wipe()
    app.switch_language(lang)
    app.transition_seconds = 0
    action(app)


class Tour:
    """Drives the app through `STEPS` for each language, one screenshot per step."""

    def __init__(self, app, out_dir: Path, languages: list[str] | None = None) -> None:
        self.app = app
        self.out_dir = Path(out_dir)
        self.languages = languages or app.available_languages
        self.jobs = [(lang, i, name, action, None) for lang in self.languages
                     for i, (name, action) in enumerate(STEPS, 1)]
        # A sample at the largest text and in high contrast, in the first language.
        self.jobs += [(self.languages[0], i, name, action, variant) for variant in VARIANTS
                      for i, (name, action) in enumerate(STEPS, 1) if name in SAMPLE]
        self.texts: dict[str, dict[str, list[str]]] = {}
        self.written: list[Path] = []

    def start(self) -> None:
        # Only the screens shown are built, and the first step waits for the app's warm-up,
        # which freezes the start-up objects out of the collections each wipe makes.
        self.app.prebuild_screens = False
        Clock.schedule_once(lambda _dt: self._next(), 1.5)

    def _next(self) -> None:
        if not self.jobs:
            (self.out_dir / "texts.json").write_text(
                json.dumps(self.texts, ensure_ascii=False, indent=1), encoding="utf-8")
            self.app.stop()
            return
        lang, _i, _name, action, variant = self.jobs[0]
        enter_step(self.app, lang, action)
        if variant == "largest":
            theme.set_text_size("largest")
        elif variant == "high-contrast":
            theme.set_contrast(True)
        self._after_frames(FRAMES_TO_SETTLE, self._shoot)

    def _after_frames(self, frames: int, callback) -> None:
        """Run `callback` once `frames` more frames have been drawn (layouts settle)."""
        if frames <= 0:
            callback()
        else:
            Clock.schedule_once(lambda _dt: self._after_frames(frames - 1, callback), 0)

    def _shoot(self) -> None:
        lang, i, name, _action, variant = self.jobs.pop(0)
        folder = self.out_dir / (f"{lang}-{variant}" if variant else lang)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{i:02d}-{name}.png"
        capture_window(target)
        if variant:
            Clock.schedule_once(lambda _dt: self._next(), 0)
            return
        self.written.append(target)
        self.texts.setdefault(lang, {})[name] = visible_texts()
        Clock.schedule_once(lambda _dt: self._next(), 0)
