"""Signup and report screens. Each shows one step of `SignupFlow` or `ReportFlow` and
forwards touches to it; layouts are the rules of the same names in `assets/kv/residents.kv`.
"""

from __future__ import annotations

from kivy.metrics import dp
from kivy.properties import BooleanProperty, ListProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.core.residents.signup import CONTACT_METHODS
from kiosk.ui.document_screens import texture_from
from kiosk.ui.i18n import tr
from kiosk.ui.residents import contact_label
from kiosk.ui.screens import FlowScreen, app
from kiosk.ui.widgets import ChoiceRow, Label, qr_code_texture


def signup():
    return app().signup


def report():
    return app().report


class SignupScreen(FlowScreen):
    assisted = StringProperty("")    # the volunteer helping, if any

    def refresh(self) -> None:
        super().refresh()
        self.assisted = signup().signup.assisted_by


class ReportScreen(FlowScreen):
    pass


class AnswerRow(BoxLayout):
    """One answer on a check screen: what, the answer, and a Change button."""

    what = StringProperty("")
    answer = StringProperty("")
    step = StringProperty("")


def wrapped(text: str, **kwargs) -> Label:
    """A label as tall as its text wrapped to its width."""
    label = Label(text=text, size_hint_y=None, **kwargs)
    label.bind(width=lambda w, width: setattr(w, "text_size", (width, None)),
               texture_size=lambda w, size: setattr(w, "height", size[1] + dp(6)))
    return label


def fill_answers(box, rows, on_change) -> None:
    box.clear_widgets()
    for what, answer, step in rows:
        row = AnswerRow(what=what, answer=answer, step=step)
        row.ids.change.bind(on_release=lambda _b, s=step: on_change(s))
        box.add_widget(row)


# ----- signup -----------------------------------------------------------------------------
class SuStartScreen(SignupScreen):
    pass


class SuVolunteerScreen(FlowScreen):
    """Staff mode: a volunteer says who they are before helping a resident sign up."""

    def on_pre_enter(self, *args):
        self.ids.volunteer.forget()
        super().on_pre_enter(*args)

    def submit(self) -> None:
        app().staff.start_assisted_signup(self.ids.volunteer.text)


class SuNameScreen(SignupScreen):
    def on_pre_enter(self, *args):
        s = signup().signup
        self.ids.first.text, self.ids.last.text = s.first_name, s.last_name
        super().on_pre_enter(*args)

    def submit(self) -> None:
        signup().give_name(self.ids.first.text, self.ids.last.text)


class SuEmailScreen(SignupScreen):
    suggestion = StringProperty("")

    def on_pre_enter(self, *args):
        self.ids.email.text = signup().signup.email
        super().on_pre_enter(*args)

    def refresh(self) -> None:
        super().refresh()
        self.suggestion = signup().suggestion

    def submit(self) -> None:
        signup().give_email(self.ids.email.text)


class SuMobileScreen(SignupScreen):
    def on_pre_enter(self, *args):
        from kiosk.core.residents.validate import format_mobile

        self.ids.mobile.text = format_mobile(signup().signup.mobile)
        super().on_pre_enter(*args)

    def submit(self) -> None:
        signup().give_mobile(self.ids.mobile.text)


class SuAddressScreen(SignupScreen):
    found = BooleanProperty(False)

    def on_pre_enter(self, *args):
        flow = signup()
        self.ids.postcode.text = flow.postcode or (flow.signup.address.postcode if flow.signup.address else "")
        super().on_pre_enter(*args)

    def refresh(self) -> None:
        super().refresh()
        flow = signup()
        box = self.ids.addresses
        box.clear_widgets()
        chosen = flow.signup.address
        for i, address in enumerate(flow.addresses):
            row = ChoiceRow(title=address.text, detail=address.postcode, item_id=str(i),
                            selected=chosen is not None and chosen.uprn == address.uprn)
            row.bind(on_release=lambda r: signup().choose_address(int(r.item_id)))
            box.add_widget(row)
        self.found = bool(flow.addresses)
        self.ids.scroll.scroll_y = 1

    def find(self) -> None:
        app().keyboard.close()
        signup().find_addresses(self.ids.postcode.text)


class SuManualScreen(SignupScreen):
    def on_pre_enter(self, *args):
        flow = signup()
        a = flow.signup.address if flow.signup.manual_address else None
        lines = list(a.lines) if a else []
        self.ids.line1.text = lines[0] if lines else ""
        self.ids.line2.text = lines[1] if len(lines) > 1 else ""
        self.ids.town.text = a.town if a else ""
        self.ids.postcode.text = a.postcode if a else flow.postcode
        super().on_pre_enter(*args)

    def submit(self) -> None:
        signup().give_manual_address(self.ids.line1.text, self.ids.line2.text, self.ids.town.text,
                                     self.ids.postcode.text)


class SuDobScreen(SignupScreen):
    def on_pre_enter(self, *args):
        born = signup().signup.born
        self.ids.day.text, self.ids.month.text, self.ids.year.text = (
            (str(born.day), str(born.month), str(born.year)) if born else ("", "", ""))
        super().on_pre_enter(*args)

    def submit(self) -> None:
        signup().give_date_of_birth(self.ids.day.text, self.ids.month.text, self.ids.year.text)


class SuContactScreen(SignupScreen):
    chosen = ListProperty([])

    def on_pre_enter(self, *args):
        s = signup().signup
        self.chosen = list(s.contact_by) if "contact" in s.done else ["email"]
        super().on_pre_enter(*args)

    def refresh(self) -> None:
        super().refresh()
        box = self.ids.methods
        box.clear_widgets()
        details = {"email": signup().signup.email,
                   "text": tr._("To your mobile") if signup().signup.mobile else tr._("Add a mobile number first"),
                   "post": tr._("To your address")}
        for method in CONTACT_METHODS:
            row = ChoiceRow(title=contact_label(method), detail=details[method], item_id=method, toggle=True,
                            selected=method in self.chosen)
            row.bind(on_release=lambda r: self.toggle(r.item_id))
            box.add_widget(row)

    def toggle(self, method: str) -> None:
        self.chosen = [m for m in self.chosen if m != method] if method in self.chosen else [*self.chosen, method]
        self.refresh()

    def submit(self) -> None:
        signup().give_contact(self.chosen)


class SuTermsScreen(SignupScreen):
    agreed = BooleanProperty(False)

    def on_pre_enter(self, *args):
        self.agreed = signup().signup.accepted
        super().on_pre_enter(*args)

    def submit(self) -> None:
        signup().accept(self.agreed)


class SuCheckScreen(SignupScreen):
    def refresh(self) -> None:
        super().refresh()
        flow = signup()
        fill_answers(self.ids.answers, flow.answers(), flow.change)


class SuDoneScreen(SignupScreen):
    navigation = False   # one way on: its own Finish (the account is asked for; nothing to go back to)
    reference = StringProperty("")
    email = StringProperty("")
    printed = StringProperty("")
    offline = BooleanProperty(False)   # the request waits on this kiosk: no email is on its way yet

    def refresh(self) -> None:
        super().refresh()
        from kiosk.core.forms import mask_email

        flow = signup()
        self.reference = flow.signup.reference
        self.email = mask_email(flow.signup.email)
        self.printed = flow.printed_line()
        self.offline = app().sync.status.online is not True


# ----- report a problem --------------------------------------------------------------------
class RpCategoryScreen(ReportScreen):
    def refresh(self) -> None:
        super().refresh()
        grid = self.ids.categories
        grid.clear_widgets()
        chosen = report().report.category
        for category in report().categories().categories:
            row = ChoiceRow(title=category.text(tr.lang), detail=category.hint_text(tr.lang), item_id=category.code,
                            selected=chosen is not None and chosen.code == category.code)
            row.bind(on_release=lambda r: report().choose_category(r.item_id))
            grid.add_widget(row)


class RpQuestionsScreen(ReportScreen):
    """One of the category's questions (`ReportFlow.current_question`)."""

    title = StringProperty("")
    caption = StringProperty("")     # the problem, and which question of how many
    typed = BooleanProperty(False)   # answered in words, not by a tap
    optional = BooleanProperty(False)

    def on_pre_enter(self, *args):
        self._shown = None
        super().on_pre_enter(*args)

    def refresh(self) -> None:
        super().refresh()
        flow = report()
        question = flow.current_question
        if question is None:
            return
        count = len(flow.report.category.questions)
        self.title = question.text(tr.lang)
        name = flow.report.category.text(tr.lang)
        self.caption = name if count == 1 else tr._("{problem}: question {n} of {count}").format(
            problem=name, n=flow.question + 1, count=count)
        self.typed, self.optional = question.kind == "text", not question.required
        field = self.ids.question
        if self._shown != (flow.report.category.code, flow.question):   # a new question: its answer so far
            self._shown = (flow.report.category.code, flow.question)
            field.text = str(flow.answers.get(question.code) or "") if self.typed else ""
        box = self.ids.answers
        box.clear_widgets()
        if self.typed:
            return
        if question.kind == "yes_no":
            choices = [(True, tr._("Yes")), (False, tr._("No"))]
        else:
            choices = [(o.value, o.text(tr.lang)) for o in question.options]
        chosen = flow.answers.get(question.code)
        for value, text in choices:
            row = ChoiceRow(title=text, selected=chosen is not None and chosen == value
                            and type(chosen) is type(value))
            row.bind(on_release=lambda _r, c=question.code, v=value: report().answer(c, v))
            box.add_widget(row)

    def submit(self) -> None:
        report().next_question(self.ids.question.text if self.typed else None)


class RpWhereScreen(ReportScreen):
    def on_pre_enter(self, *args):
        self.ids.search.text = report().query
        super().on_pre_enter(*args)

    def refresh(self) -> None:
        super().refresh()
        flow = report()
        box = self.ids.places
        box.clear_widgets()
        rows = []
        if flow.postcode:
            rows.append(("postcode", 0, tr._("Near {postcode}").format(postcode=flow.postcode),
                         tr._("Anywhere in this postcode")))
            rows += [("address", i, a.text, tr._("At or outside this address")) for i, a in enumerate(flow.addresses)]
        rows += [("street", i, s.name, s.town) for i, s in enumerate(flow.streets)]
        for kind, index, title, detail in rows:
            row = ChoiceRow(title=title, detail=detail, item_id=f"{kind}:{index}")
            row.bind(on_release=lambda r: report().choose_place(r.item_id.split(":")[0], int(r.item_id.split(":")[1])))
            box.add_widget(row)
        self.ids.none_found.text = (tr._("No street found. Check the spelling, or type a postcode.")
                                    if len(flow.query.strip()) >= 3 and not rows else "")

    def submit(self) -> None:
        report().where_done(self.ids.search.text)


class RpDetailsScreen(ReportScreen):
    where = StringProperty("")

    def on_pre_enter(self, *args):
        r = report().report
        self.ids.landmark.text, self.ids.description.text = r.landmark, r.description
        self.where = r.location.text if r.location else ""
        super().on_pre_enter(*args)

    def submit(self) -> None:
        report().give_details(self.ids.landmark.text, self.ids.description.text)


class RpPhotoScreen(ReportScreen):
    texture = ObjectProperty(None, allownone=True)
    taken = BooleanProperty(False)
    camera_failed = BooleanProperty(False)

    def on_enter(self, *args):
        super().on_enter(*args)
        feed = report().camera
        feed.bind(texture=self._texture)
        if report().frame is None:
            feed.start()
        self.camera_failed = feed.failed
        self.refresh()

    def on_leave(self, *_args):
        feed = report().camera
        feed.unbind(texture=self._texture)
        feed.stop()
        self.texture = None

    def _texture(self, _feed, texture) -> None:
        if report().frame is None:
            self.texture = texture

    def refresh(self) -> None:
        super().refresh()
        frame = report().frame
        self.taken = frame is not None
        if frame is not None:
            self.texture = texture_from(frame)


class RpContactScreen(ReportScreen):
    def on_pre_enter(self, *args):
        from kiosk.core.residents.validate import format_mobile

        c = report().report.contact
        self.ids.name.text, self.ids.email.text, self.ids.mobile.text = (
            (c.name, c.email, format_mobile(c.phone)) if c else ("", "", ""))
        super().on_pre_enter(*args)

    def submit(self) -> None:
        report().give_contact(self.ids.name.text, self.ids.email.text, self.ids.mobile.text)

    def skip(self) -> None:
        for field in (self.ids.name, self.ids.email, self.ids.mobile):
            field.forget()
        report().give_contact("", "", "")


class RpCheckScreen(ReportScreen):
    def refresh(self) -> None:
        super().refresh()
        fill_answers(self.ids.answers, report().summary(), report().change)


class RpDoneScreen(ReportScreen):
    navigation = False   # one way on: its own Finish (the report is on its way)
    reference = StringProperty("")
    next_steps = StringProperty("")
    link = StringProperty("")
    printed = StringProperty("")
    qr = ObjectProperty(None, allownone=True)

    def refresh(self) -> None:
        super().refresh()
        flow = report()
        self.reference = flow.report.reference
        self.link = flow.track_link()
        self.next_steps = " ".join(sentence.say(tr._, tr.lang) for sentence in flow.next_steps)
        # The link names only the reference: nothing personal is in the code.
        self.qr = qr_code_texture(self.link) if self.link else None  # not cached: one per report
        self.printed = flow.printed_line()
