"""Scanning documents driven end to end under Xvfb: taps on the real window, a folder camera
holding up generated photos of letters (real OpenCV finds, flattens and checks them), the
slip printed, the PDF delivered to a real central on loopback, and nothing left behind."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np

from kiosk.ui.document_screens import CornerEditor, PageThumb, ScanPreview
from kiosk.ui.widgets import ChoiceRow, ConfirmDialog, Notice
from scanner.samples import document_photo, empty_scene
from tests.helpers import readable_at_rest

from .conftest import hold_up as put_in_front


def hold_up(kiosk, tmp_path: Path, image) -> None:
    put_in_front(kiosk.app.documents.camera, tmp_path, image)


def letter(seed: int, **kwargs):
    return document_photo(seed, kind="page", hand=False, out_of_frame=False, fill=0.45, **kwargs).image


def row(kiosk, title: str) -> ChoiceRow:
    found = [r for r in kiosk.visible(ChoiceRow) if r.title == title]
    assert found, f"no row {title!r} on {kiosk.screen}: {[r.title for r in kiosk.visible(ChoiceRow)]}"
    return found[0]


def start_documents(kiosk, purpose="Council Tax", kind="Proof of income") -> None:
    kiosk.tap_at(640, 400)
    kiosk.tap(kiosk.tile("Send us documents"))
    assert kiosk.screen == "doc_start"
    kiosk.tap(row(kiosk, purpose))
    assert kiosk.screen == "doc_kind"
    kiosk.tap(row(kiosk, kind))
    assert kiosk.screen == "doc_reference"


def give_reference(kiosk, typed: str) -> None:
    kiosk.tap(kiosk.app.sm.current_screen.ids.reference)
    kiosk.type(typed)
    kiosk.app.keyboard.close()
    kiosk.settle()
    kiosk.tap(kiosk.button("Next"))


def messages(kiosk) -> list[str]:
    return [n.text for n in kiosk.visible(Notice) if n.text]


def central_db(office):
    return sqlite3.connect(office.data / "central.db")


def test_a_resident_scans_two_pages_sends_them_and_nothing_stays(kiosk, office, tmp_path):
    hold_up(kiosk, tmp_path, letter(3))
    start_documents(kiosk)
    give_reference(kiosk, "12")
    assert kiosk.screen == "doc_reference"
    assert any("8 to 10 digits" in m for m in messages(kiosk)), messages(kiosk)
    kiosk.app.sm.current_screen.ids.reference.text = ""
    give_reference(kiosk, "50012345")
    assert kiosk.screen == "doc_camera"
    # the outline follows the page; the picture is taken by itself once it is still
    kiosk.until(lambda: kiosk.screen == "doc_review", 30, what="auto-capture of the first page")
    flow = kiosk.app.documents
    assert len(flow.session.pages) == 1 and flow.page.found and flow.page.fmt.name == "a4"
    kiosk.until(lambda: not flow.busy)
    kiosk.until_still()
    kiosk.tap(kiosk.button("Add another page"))
    assert kiosk.screen == "doc_camera"
    hold_up(kiosk, tmp_path, letter(8))
    kiosk.app.documents.stop_camera()
    kiosk.app.documents.start_live()
    kiosk.until(lambda: len(flow.session.pages) == 2 and kiosk.screen == "doc_review", 30,
                what="auto-capture of the second page")
    assert len(kiosk.visible(PageThumb)) == 2
    kiosk.until_still()
    kiosk.tap(kiosk.button("Send 2 pages"))
    assert kiosk.screen == "doc_sent", messages(kiosk)
    sent = flow.session.sent
    assert kiosk.app.sm.current_screen.receipt == sent.receipt
    slips = sorted((kiosk.app.data_dir.parent / "printed").glob("*scan-receipt*.pdf"))
    assert slips and slips[-1].read_bytes().startswith(b"%PDF")
    kiosk.app.sync.worker.nudge()

    def filed():
        with central_db(office) as db:
            found = db.execute("SELECT d.pages, a.received FROM documents d JOIN attachments a "
                               "ON a.record_id = d.record_id WHERE d.receipt = ?", [sent.receipt]).fetchone()
        return found == (2, 1)

    kiosk.until(filed, 30, what="the PDF at central")
    # the day the screen promised is the deadline central set for it
    from datetime import datetime

    from kiosk.core.i18n import date_words

    with central_db(office) as db:
        (due,) = db.execute("SELECT due_at FROM work_items WHERE reference = ?", [sent.receipt]).fetchone()
    promised = kiosk.app.sm.current_screen.next_steps
    assert promised == f"We aim to look at your documents by {date_words(datetime.fromisoformat(due), 'en', weekday=True)}."
    kiosk.until_still()
    kiosk.tap(kiosk.button("Finish"))
    assert kiosk.screen == "feedback"
    kiosk.until_still()
    kiosk.tap(kiosk.button("Finish"))   # from the feedback question
    assert kiosk.screen == "attract"
    # nothing of the document on screen or in memory, nothing readable at rest
    assert flow.session.pages == [] and flow.session.sent is None and flow.adjusting is None
    for widget in kiosk.widgets():
        if isinstance(widget, (ScanPreview, CornerEditor, PageThumb)):
            assert widget.texture is None
    for name in ("doc_review", "doc_camera", "doc_adjust"):
        if kiosk.app.sm.has_screen(name):
            assert kiosk.app.sm.get_screen(name).texture is None
    kiosk.until(lambda: kiosk.app.sync.outbox.waiting() == 0, what="the outbox emptied")
    assert readable_at_rest(kiosk.app.data_dir, b"50012345", b"%PDF") == []


def test_the_reference_is_read_from_the_letters_qr_code(kiosk, tmp_path):
    hold_up(kiosk, tmp_path, letter(4, reference="HKR1:CT:50012399"))
    start_documents(kiosk)
    field = kiosk.app.sm.current_screen.ids.reference
    kiosk.until(lambda: field.text == "50012399", 20, what="the letter's QR code read")
    kiosk.until_still()
    kiosk.tap(kiosk.button("Next"))
    assert kiosk.screen == "doc_camera" and kiosk.app.documents.session.reference == "50012399"
    kiosk.app.wipe()


def test_no_reference_name_and_postcode_instead(kiosk, tmp_path):
    hold_up(kiosk, tmp_path, empty_scene())
    start_documents(kiosk, "Housing register", "Proof of identity")
    kiosk.tap(kiosk.button("I do not have it"))
    assert kiosk.screen == "doc_person"
    screen = kiosk.app.sm.current_screen
    kiosk.tap(screen.ids.name)
    kiosk.type("Ana Popescu")
    kiosk.tap(screen.ids.postcode)
    kiosk.type("E16")
    kiosk.app.keyboard.close()
    kiosk.settle()
    kiosk.tap(kiosk.button("Next"))
    assert kiosk.screen == "doc_person" and any("postcode" in m for m in messages(kiosk))
    kiosk.tap(screen.ids.postcode)
    kiosk.type("AN")
    kiosk.app.keyboard.close()
    kiosk.settle()
    kiosk.tap(kiosk.button("Next"))
    assert kiosk.screen == "doc_camera"
    session = kiosk.app.documents.session
    assert (session.name, session.postcode, session.mode) == ("Ana Popescu", "E1 6AN", "colour")
    kiosk.app.wipe()


def test_taking_the_picture_by_hand_and_moving_the_corners(kiosk, tmp_path):
    """Nothing found: the button still takes the picture; the resident drags the corners
    where they want them and the page is made again from them."""
    hold_up(kiosk, tmp_path, empty_scene())
    target = np.float32([[300, 120], [900, 160], [880, 640], [320, 610]])   # where the resident drags to
    start_documents(kiosk)
    give_reference(kiosk, "50012345")
    kiosk.until(lambda: kiosk.app.documents.camera.snapshot() is not None, what="a camera frame")
    kiosk.tap(kiosk.button("Take the picture now"))
    flow = kiosk.app.documents
    kiosk.until(lambda: kiosk.screen == "doc_review" and not flow.busy, 30, what="the page made")
    kiosk.until_still()
    assert not flow.page.found
    kiosk.tap(kiosk.button("Move the corners"))
    assert kiosk.screen == "doc_adjust"
    editor = kiosk.app.sm.current_screen.ids.editor
    fw, fh = editor.frame_size
    x0, y0, scale = editor._mapping()[:3]
    # drag each corner handle from the picture's corner to the page's true corner
    from kivy.tests.common import UnitTestTouch

    for (cx, cy), (tx, ty) in zip([(0, 0), (fw - 1, 0), (fw - 1, fh - 1), (0, fh - 1)], target, strict=True):
        touch = UnitTestTouch(*editor.to_window(x0 + cx * scale, y0 + (fh - cy) * scale))
        touch.touch_down()
        kiosk.frames(1)
        touch.touch_move(*editor.to_window(x0 + tx * scale, y0 + (fh - ty) * scale))
        kiosk.frames(1)
        touch.touch_up()
        kiosk.frames(1)
    kiosk.tap(kiosk.button("Use these corners"))
    kiosk.until(lambda: kiosk.screen == "doc_review" and not flow.busy, 30, what="the page made again")
    assert flow.page.found and flow.page.quad.iou(target) > 0.97
    kiosk.app.wipe()


def test_leaving_with_pages_not_sent_asks_first(kiosk, tmp_path):
    hold_up(kiosk, tmp_path, letter(3))
    start_documents(kiosk)
    give_reference(kiosk, "50012345")
    flow = kiosk.app.documents
    kiosk.until(lambda: kiosk.screen == "doc_review" and not flow.busy, 30, what="auto-capture")
    kiosk.until_still()
    kiosk.tap(kiosk.button("Home"))
    assert kiosk.visible(ConfirmDialog)
    kiosk.tap(kiosk.button("Stay"))
    assert kiosk.screen == "doc_review" and len(flow.session.pages) == 1
    kiosk.tap(kiosk.button("Back"))                 # back from the review keeps the pages too
    assert kiosk.screen == "doc_review" and messages(kiosk)
    kiosk.tap(kiosk.button("Finish"))
    kiosk.tap(kiosk.button("Leave and delete"))
    assert kiosk.screen == "attract" and flow.session.pages == []
