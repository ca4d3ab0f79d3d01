"""Check my progress at the kiosk under Xvfb, against the real central: the documents a
resident sent for their claim, found by the receipt and the claim reference; a report's
slip QR code held to the camera, a wrong postcode that shows nothing and is limited; and
nothing of it left in the window after the wipe."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

import cv2
import numpy as np
import segno

from kiosk.ui.progress_screens import ProgressRow
from kiosk.ui.widgets import Notice
from sync import payloads
from tests.ui.test_app import walk_for

from .conftest import hold_up
from .test_residents import fill, leave_without_feedback, wait_for_references


def qr_image(text: str) -> np.ndarray:
    """A slip's QR code as a camera would see it held up: dark modules on white, with room."""
    code = segno.make(text, error="m")
    matrix = np.array(list(code.matrix), dtype=np.uint8)
    image = np.where(np.kron(matrix, np.ones((12, 12), dtype=np.uint8)) > 0, 0, 255).astype(np.uint8)
    image = cv2.copyMakeBorder(image, 200, 200, 400, 400, cv2.BORDER_CONSTANT, value=255)
    return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)


def errors(kiosk) -> list[str]:
    return [n.text for n in kiosk.visible(Notice) if n.text and n.error]


def check(kiosk, answer: str) -> None:
    screen = kiosk.app.sm.current_screen
    screen.ids.answer.text = ""
    fill(kiosk, screen.ids.answer, answer)
    kiosk.app.keyboard.close()
    kiosk.settle()
    kiosk.tap(kiosk.button("Check"))
    kiosk.until(lambda: not kiosk.app.progress.asking, 15, what="central's answer")
    kiosk.until_still()


def test_documents_received_by_receipt_and_claim_then_a_slips_qr_code_and_a_wrong_postcode(
        kiosk, office, backoffice, tmp_path):
    app = kiosk.app
    now = datetime.now(timezone.utc)
    income = payloads.DocumentScan(receipt="DOC-PRG1-AAA2", purpose="council-tax", kind="income",
                                   reference="50077711", pages=2, scanned_at=now)
    identity = income.model_copy(update={"receipt": "DOC-PRG2-AAA2", "kind": "identity", "pages": 1})
    street = payloads.StreetReport(
        reference="RPT-PRG3-AAA2", category="graffiti", service_code="GRAFFITI", answers={},
        location=payloads.Location(kind="postcode", postcode="RV1 2AB"), description="Tags on the wall",
        language="en", site="Riverside Central Library", reported_at=now)
    for record in (income, identity, street):
        attachments = {"documents.pdf": b"%PDF-1.4\n%sample\n"} if record.KIND == "document-scan" else None
        app.sync.outbox.enqueue(record, attachments=attachments)
    app.sync.worker.nudge()

    def filed() -> bool:
        with sqlite3.connect(office.data / "central.db") as db:
            return db.execute("SELECT COUNT(*) FROM documents WHERE receipt LIKE 'DOC-PRG%'").fetchone()[0] == 2 and \
                db.execute("SELECT COUNT(*) FROM reports WHERE reference = 'RPT-PRG3-AAA2'").fetchone()[0] == 1

    kiosk.until(filed, 40, what="the documents and the report at central")

    kiosk.tap_at(640, 400)
    wait_for_references(kiosk)
    app.sm.current_screen.refresh()
    kiosk.until_still()
    kiosk.tap(kiosk.tile("Check my progress"))
    kiosk.until_still()
    assert kiosk.screen == "pg_reference"
    fill(kiosk, app.sm.current_screen.ids.reference, "doc prg2 aaa2")
    app.keyboard.close()
    kiosk.settle()
    kiosk.tap(kiosk.button("Next"))
    kiosk.until_still()
    assert kiosk.screen == "pg_answer"
    check(kiosk, "5007 7711")   # the Council Tax account number given with them (no other test uses it)
    assert kiosk.screen == "pg_result", errors(kiosk)
    rows = sorted(r.text for r in kiosk.visible(ProgressRow))
    assert rows == ["Council Tax: Proof of identity, 1 page: received, waiting to be looked at",
                    "Council Tax: Proof of income, 2 pages: received, waiting to be looked at"]
    assert all(r.when for r in kiosk.visible(ProgressRow))

    # another: the report's slip QR code held up to the camera
    hold_up(app.progress.camera, tmp_path, qr_image(f"{office.url}/track/RPT-PRG3-AAA2"))
    kiosk.tap(kiosk.button("Check something else"))
    kiosk.until_still()
    assert kiosk.screen in ("pg_reference", "pg_answer") and app.progress.result is None
    kiosk.until(lambda: kiosk.screen == "pg_answer", 20, what="the QR code read")
    kiosk.until_still()
    check(kiosk, "RV9 9ZZ")
    assert kiosk.screen == "pg_answer" and app.sm.current_screen.ids.answer.text == "RV9 9ZZ"   # kept to correct
    assert errors(kiosk) == ["We could not find anything for that reference and answer. "
                             "Please check both and try again."]
    assert not kiosk.visible(ProgressRow)
    for wrong in ("RV9 9ZY", "RV9 9ZX", "RV9 9ZW", "RV9 9ZV"):
        check(kiosk, wrong)
    check(kiosk, "RV1 2AB")   # even the right one waits now: five misses for this reference
    assert errors(kiosk) == ["There have been too many tries for this. Please wait a few minutes, "
                             "or ask a member of staff."]
    assert kiosk.screen == "pg_answer"
    kiosk.tap(kiosk.button("Finish"))
    kiosk.until_still()
    if kiosk.screen != "attract":
        leave_without_feedback(kiosk)
    kiosk.until(lambda: kiosk.screen == "attract", 10, what="the wipe")
    assert app.progress.result is None and app.progress.reference == ""
    app.progress.camera.source = "none"
    assert walk_for("DOC-PRG2-AAA2") == [] and walk_for("RPT-PRG3-AAA2") == [] and walk_for("Proof of income, 2") == []


def test_offline_it_says_it_needs_the_connection_and_offers_the_tracking_page(kiosk, monkeypatch):
    from sync.client import Offline

    app = kiosk.app
    app.progress.camera.source = "none"   # (no slip held up this time)

    def no_network(*_args, **_kwargs):
        raise Offline("ConnectionError")

    monkeypatch.setattr(app.sync.client, "progress", no_network)
    kiosk.tap_at(640, 400)
    kiosk.until_still()
    kiosk.tap(kiosk.tile("Check my progress"))
    kiosk.until_still()
    fill(kiosk, app.sm.current_screen.ids.reference, "RPT-OFFL-AAA2")
    app.keyboard.close()
    kiosk.settle()
    kiosk.tap(kiosk.button("Next"))
    kiosk.until_still()
    check(kiosk, "RV1 2AB")
    assert kiosk.screen == "pg_offline"
    screen = app.sm.current_screen
    assert screen.qr is not None and screen.link.endswith("/track/RPT-OFFL-AAA2")
    kiosk.tap(kiosk.button("Try again"))
    kiosk.until_still()
    assert kiosk.screen == "pg_answer" and app.progress.reference == "RPT-OFFL-AAA2"
