"""The screens of talking letters (`LetterFlow`); layouts are the rules of the same names in
`assets/kv/letters.kv`."""

from __future__ import annotations

from kivy.properties import BooleanProperty, StringProperty

from kiosk.core.documents.claim import mask_reference
from kiosk.ui.i18n import tr
from kiosk.ui.screens import CameraScreen, FlowScreen, app
from kiosk.ui.widgets import ChoiceRow


def flow():
    return app().letters


class LtStartScreen(CameraScreen):
    def refresh(self) -> None:
        super().refresh()
        rows = self.ids.letters
        rows.clear_widgets()
        for guide in flow().guides().guides:
            row = ChoiceRow(title=guide.text("title", tr.lang), item_id=guide.letter)
            row.bind(on_release=lambda r: flow().open(r.item_id))
            rows.add_widget(row)


class LtGuideScreen(FlowScreen):
    title = StringProperty("")
    what = StringProperty("")
    todo = StringProperty("")
    when = StringProperty("")
    help = StringProperty("")
    reference = StringProperty("")
    can_send = BooleanProperty(False)

    def refresh(self) -> None:
        super().refresh()
        guide = flow().guide
        if guide is None:
            self.title = self.what = self.todo = self.when = self.help = self.reference = ""
            self.can_send = False
            return
        lang = tr.lang
        self.title = guide.text("title", lang)
        self.what, self.when, self.help = guide.text("what", lang), guide.text("when", lang), guide.text("help", lang)
        self.todo = "\n".join(f"{n}.  {step}" for n, step in enumerate(guide.steps(lang), 1))
        ref = flow().reference
        self.reference = tr._("The reference on your letter: {reference}").format(
            reference=mask_reference(ref)) if ref else ""
        self.can_send = guide.documents is not None
