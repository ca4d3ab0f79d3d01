"""The screens of "check my progress" (`ProgressFlow`); layouts are the rules of the same
names in `assets/kv/progress.kv`. They word central's codes and dates in the resident's
language and hold nothing themselves: the wipe empties them with the flow.
"""

from __future__ import annotations

from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.core import progress as checks
from kiosk.core.i18n import date_words
from kiosk.core.progress import _
from kiosk.ui.documents import kind_label, purpose_label
from kiosk.ui.i18n import tr
from kiosk.ui.screens import CameraScreen, FlowScreen, app
from kiosk.ui.widgets import icon_markup, qr_code_texture


def flow():
    return app().progress


QUESTIONS = {
    "postcode": (_("The postcode you gave"),
                 _("The postcode of the place you reported, as you gave it at the kiosk. For example RV1 2AB.")),
    "postcode_or_reference": (_("Your postcode or reference number"),
                              _("The postcode, or the Council Tax, Housing Benefit or housing register "
                                       "number, you gave when you sent the documents.")),
}


class ProgressRow(BoxLayout):
    """One line of a result: done (a tick) or still to come, what, and when."""

    done = BooleanProperty(False)
    text = StringProperty("")
    when = StringProperty("")
    glyph = StringProperty("")

    def on_done(self, _row, done: bool) -> None:
        self.glyph = icon_markup("check" if done else "clock")

    def on_kv_post(self, _base) -> None:
        self.on_done(self, self.done)


class PgScreen(FlowScreen):
    pass


class PgReferenceScreen(CameraScreen):
    def on_pre_enter(self, *args):
        self.ids.reference.text = flow().reference
        super().on_pre_enter(*args)

    def submit(self) -> None:
        flow().give_reference(self.ids.reference.text)


class PgAnswerScreen(PgScreen):
    title = StringProperty("")
    hint = StringProperty("")
    reference = StringProperty("")
    asking = BooleanProperty(False)

    def on_pre_enter(self, *args):
        self.ids.answer.text = ""
        super().on_pre_enter(*args)

    def refresh(self) -> None:
        super().refresh()
        title, hint = QUESTIONS.get(flow().question, QUESTIONS["postcode"])
        self.title, self.hint = tr._(title), tr._(hint)
        self.reference = flow().reference
        self.asking = flow().asking

    def submit(self) -> None:
        flow().give_answer(self.ids.answer.text)
        self.refresh()


class PgBirthScreen(PgScreen):
    reference = StringProperty("")
    asking = BooleanProperty(False)

    def on_pre_enter(self, *args):
        self.ids.day.text = self.ids.month.text = self.ids.year.text = ""
        super().on_pre_enter(*args)

    def refresh(self) -> None:
        super().refresh()
        self.reference = flow().reference
        self.asking = flow().asking

    def submit(self) -> None:
        flow().give_answer(day=self.ids.day.text, month=self.ids.month.text, year=self.ids.year.text)
        self.refresh()


def _when(moment) -> str:
    return date_words(moment, tr.lang) if moment is not None else ""


class PgResultScreen(PgScreen):
    navigation = False   # its own ways on: check another, or finish
    title = StringProperty("")
    summary = StringProperty("")
    account = BooleanProperty(False)      # an account not activated: the email can be sent again
    resent = StringProperty("")

    def refresh(self) -> None:
        super().refresh()
        found = flow().result
        rows = self.ids.rows
        rows.clear_widgets()
        self.account, self.resent = False, ""
        if found is None:
            self.title = self.summary = ""
            return
        if found.kind == "report":
            self.title = tr._("Your report {reference}").format(reference=found.reference)
            category = flow().categories().get(found.category)
            what = category.text(tr.lang) if category else tr._("A problem")
            self.summary = tr._("{what} near {place}").format(what=what, place=found.place) if found.place else what
            lines = checks.report_lines(found)
            if found.due_at is not None and not lines[1].done:
                self.summary += "\n" + tr._("We aim to pass it to the team that deals with it by {day}.").format(
                    day=date_words(found.due_at, tr.lang, weekday=True))
            for line in lines:
                rows.add_widget(ProgressRow(done=line.done, text=tr._(line.text), when=_when(line.at)))
        elif found.kind == "documents":
            self.title = tr._("Documents we have received")
            self.summary = tr._("For the documents with receipt {reference}, and any others for the same case.").format(
                reference=found.reference)
            for line in checks.document_lines(found):
                values = dict(line.values)
                pages = tr.n_("{n} page", "{n} pages", values["pages"]).format(n=values["pages"])
                text = tr._(line.text).format(kind=kind_label(values["kind"]), pages=pages)
                rows.add_widget(ProgressRow(done=line.done, text=f"{purpose_label(values['purpose'])}: {text}",
                                            when=_when(line.at)))
        else:
            self.title = tr._("Your council account")
            if found.activated:
                self.summary = tr._("Your account is set up. Sign in with your email address and your password.")
            else:
                self.summary = tr._("Your account is not set up yet. Open the email we sent to {email} and choose "
                                    "your password.").format(email=found.email_masked)
                self.account = flow().resent is None
                if flow().resent is True:
                    self.resent = tr._("We have sent a new email. It can take a few minutes to arrive.")
                elif flow().resent is False:
                    self.resent = tr._("We could not send a new email just now. Please ask a member of staff.")


class PgOfflineScreen(PgScreen):
    navigation = False
    qr = ObjectProperty(None, allownone=True)
    link = StringProperty("")

    def refresh(self) -> None:
        super().refresh()
        self.link = flow().track_link()
        self.qr = qr_code_texture(self.link) if self.link else None
