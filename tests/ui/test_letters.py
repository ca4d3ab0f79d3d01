"""Talking letters under Xvfb, with the guides central publishes: a letter's QR code held
to the camera opens its guide, read in every language by the header's buttons, and goes on
to scanning the proof it asks for with the service chosen and the reference filled in."""

from __future__ import annotations

from central import pages
from kiosk.ui.i18n import tr
from kiosk.ui.widgets import KioskButton
from tests.ui.test_app import walk_for

from .conftest import hold_up
from .test_progress import qr_image
from .test_residents import leave_without_feedback, wait_for_references

LANGUAGES = {"en": "English", "pl": "Polski", "ro": "Română", "lt": "Lietuvių", "bg": "Български"}


def test_a_letters_qr_code_opens_its_guide_in_every_language_then_its_proof_is_scanned(kiosk, tmp_path):
    app = kiosk.app
    hold_up(app.letters.camera, tmp_path, qr_image("HKR1:HB:40012345:EVID"))
    kiosk.tap_at(640, 400)
    wait_for_references(kiosk)
    kiosk.until(lambda: len(app.letters.guides()) >= 7, 20, what="the letter guides from central")
    app.sm.current_screen.refresh()
    kiosk.until_still()
    kiosk.tap(kiosk.tile("Help with a letter"))
    kiosk.until(lambda: kiosk.screen == "lt_guide", 20, what="the letter's QR code read")
    kiosk.until_still()
    guide = app.sm.current_screen
    assert guide.title == "Request for evidence" and guide.reference.endswith("2345") and "4001" not in guide.reference
    assert guide.can_send
    english = {guide.what, guide.todo, guide.when, guide.help}
    for lang, name in LANGUAGES.items():
        [button] = [b for b in kiosk.visible(KioskButton) if b.label == name]
        kiosk.tap(button)
        kiosk.until_still()
        assert tr.lang == lang and kiosk.screen == "lt_guide"
        assert guide.title == pages.gettext(lang, "Request for evidence")
        assert guide.what == pages.gettext(lang, "We need proof before we can work out your benefit. "
                                                 "The letter lists what we need.")
        assert kiosk.button(tr._("Send the documents this letter asks for")) is not None
        if lang != "en":
            assert not english & {guide.what, guide.todo, guide.when, guide.help}, lang   # nothing left in English
            assert len(guide.todo.splitlines()) == 3
    [english_button] = [b for b in kiosk.visible(KioskButton) if b.label == "English"]
    kiosk.tap(english_button)
    kiosk.until_still()
    kiosk.tap(kiosk.button("Send the documents this letter asks for"))
    kiosk.until_still()
    assert kiosk.screen == "doc_kind"
    session = app.documents.session
    assert (session.purpose, session.reference) == ("housing-benefit", "40012345")
    kiosk.tap([r for r in app.sm.current_screen.ids.kinds.children if r.item_id == "income"][0])
    kiosk.until_still()
    assert kiosk.screen == "doc_camera"   # the reference is known: straight to the camera
    app.letters.camera.source = "none"
    leave_without_feedback(kiosk)
    assert app.letters.guide is None and app.letters.reference == "" and walk_for("40012345") == []
