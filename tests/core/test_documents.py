"""Document scanning in plain Python: references, pages made from generated camera frames,
sending through a real outbox (sealed), the receipt slip."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pikepdf
import pytest
from PIL import Image

from central.keys import CouncilKeys
from kiosk.core.documents.claim import clean_reference, mask_reference, new_receipt_number, reference_from_code
from kiosk.core.documents.receipt import Slip, render_receipt
from kiosk.core.documents.session import DocumentDesk, ScanError, ScanSession, process_capture, redo
from kiosk.core.printing import FolderPrinter, Printer
from kiosk.core.forms import Invalid, clean_postcode
from scanner.codes import read_codes
from scanner.detect import Quad
from scanner.samples import document_photo, empty_scene
from sync.outbox import Outbox
from sync.store import open_db
from tests.helpers import queued, readable_at_rest


@pytest.mark.parametrize("purpose, typed, kept", [
    ("council-tax", " 5001 2345 ", "50012345"),
    ("council-tax", "5001-2345-67", "5001234567"),
    ("housing-benefit", "hb 4001 2345", "HB40012345"),
    ("housing-register", "123456", "HR123456"),
    ("housing-register", "hr-123456", "HR123456"),
    ("other", "ab12cd", "AB12CD"),
])
def test_references_are_kept_in_the_councils_form(purpose, typed, kept):
    assert clean_reference(purpose, typed) == kept


@pytest.mark.parametrize("purpose, typed, says", [
    ("council-tax", "", "Please type your reference"),
    ("council-tax", "1234", "8 to 10 digits"),
    ("council-tax", "5001234X", "8 to 10 digits"),
    ("housing-benefit", "'; DROP TABLE", "6 to 10 digits"),
    ("housing-register", "99", "HR and 5 to 8"),
    ("other", "x" * 300, "4 to 20"),
])
def test_a_wrong_reference_says_what_one_looks_like(purpose, typed, says):
    with pytest.raises(Invalid) as caught:
        clean_reference(purpose, typed)
    assert says in caught.value.message and caught.value.field == "reference"


def test_references_read_from_letter_codes():
    assert reference_from_code("HKR1:CT:50012345", "council-tax") == "50012345"
    assert reference_from_code("HKR1:HB:40012345", "council-tax") is None        # another service's letter
    assert reference_from_code("ACCOUNT 5001 2345 PAY", "council-tax") == "50012345"   # a bare barcode
    assert reference_from_code("HKV1:7KQ2M9", "council-tax") is None              # a visitor invitation
    assert reference_from_code("https://example.org", "housing-benefit") is None


def test_a_letter_photographed_gives_its_reference():
    """The letter's QR code as the reference screen's camera sees it."""
    shot = document_photo(4, kind="page", reference="HKR1:CT:50012345", hand=False, out_of_frame=False, fill=0.7)
    texts = [code.text for code in read_codes(shot.image)]
    assert any(reference_from_code(text, "council-tax") == "50012345" for text in texts), texts


def test_postcodes_and_receipt_numbers():
    assert clean_postcode("sw1a1aa") == "SW1A 1AA"
    assert clean_postcode(" m1  1ae ") == "M1 1AE"
    for bad in ("", "12345", "SW1A 1AAA"):
        with pytest.raises(Invalid):
            clean_postcode(bad)
    numbers = {new_receipt_number() for _ in range(200)}
    assert len(numbers) == 200 and all(n.startswith("DOC-") and len(n) == 13 for n in numbers)
    assert not any(c in n[4:] for n in numbers for c in "01OIL")   # no look-alike characters
    assert mask_reference("50012345") == "••••2345"


def test_a_captured_frame_becomes_an_upright_a4_page():
    shot = document_photo(3, kind="page", hand=False, out_of_frame=False, fill=0.6)
    page = process_capture(shot.image, mode="grey")
    assert page.found and page.fmt.name == "a4" and page.mode == "grey"
    assert page.quad.iou(shot.quad) > 0.95
    image = page.image()
    assert image.ndim == 2 and image.shape == (2339, 1654)
    assert len(page.jpeg) < 400_000 and page.thumb.shape[2] == 3 and max(page.thumb.shape[:2]) == 240


def test_nothing_found_uses_the_whole_picture_and_says_so():
    frame = empty_scene()
    page = process_capture(frame)
    assert not page.found and page.quad.area == pytest.approx(1279 * 719)


def test_corners_set_by_hand_and_the_other_colour_mode():
    shot = document_photo(8, kind="page", hand=False, out_of_frame=False, fill=0.5)
    first = process_capture(empty_scene(), mode="colour")
    assert not first.found
    fixed = redo(first, quad=Quad.from_array(shot.quad))
    assert fixed.found and fixed.quad.iou(shot.quad) > 0.99
    grey = redo(fixed, mode="grey")
    assert grey.mode == "grey" and grey.image().ndim == 2 and grey.quad == fixed.quad


def test_session_rules():
    session = ScanSession(max_pages=2)
    session.choose("council-tax")
    session.choose_kind("income")
    assert session.mode == "grey"          # print on paper: black and white
    session.choose_kind("identity")
    assert session.mode == "colour"
    with pytest.raises(ValueError):
        session.choose("parking")
    assert not session.identified
    session.use_person("Ana Popescu", "e1 6an")
    assert session.identified and session.postcode == "E1 6AN"
    session.use_reference("50012345")
    assert session.reference == "50012345" and session.name == ""
    page = process_capture(document_photo(3, kind="page", hand=False, out_of_frame=False).image)
    session.add(page)
    session.add(page)
    with pytest.raises(ScanError):
        session.add(page)
    session.remove(0)
    assert len(session.pages) == 1
    session.clear()
    assert session.pages == [] and session.reference == "" and session.purpose == ""


@pytest.fixture
def outbox(tmp_path):
    keys = CouncilKeys.generate()
    box = Outbox(open_db(tmp_path / "kiosk.db"), tmp_path / "attachments", keys.public_b64)
    box.keys = keys
    return box


def test_sending_queues_one_sealed_record_with_the_pdf(outbox, tmp_path):
    session = ScanSession()
    session.choose("council-tax", "income")
    session.use_reference("5001 2345")
    for seed in (3, 8, 11):
        session.add(process_capture(document_photo(seed, kind="page", hand=False, out_of_frame=False).image,
                                    mode=session.mode))
    desk = DocumentDesk(outbox, Printer(), site="Riverside Central Library", device="kiosk-1",
                        online=lambda: False, clock=lambda: 1_795_000_000.0)
    sent = desk.submit(session, "pl")
    assert sent.pages == 3 and sent.offline and sent.receipt.startswith("DOC-")
    assert desk.submit(session, "pl") is sent                      # a second tap sends nothing more
    (record,) = outbox.claim(10)
    assert record.kind == "document-scan" and record.id == sent.record_id
    payload = queued(outbox.keys, record)
    assert payload.reference == "50012345" and payload.pages == 3 and payload.language == "pl"
    assert payload.purpose == "council-tax" and payload.kind == "income"
    sealed = outbox.attachment_path(record.id, "documents.pdf").read_bytes()
    pdf = pikepdf.Pdf.open(io.BytesIO(outbox.keys.open(sealed)))
    assert len(pdf.pages) == 3
    # at rest: neither the reference nor the PDF can be read from the kiosk's files
    assert readable_at_rest(tmp_path, b"50012345", b"%PDF") == []


def test_nothing_is_sent_without_pages_or_a_reference(outbox):
    desk = DocumentDesk(outbox, Printer(), site="S", device="d")
    session = ScanSession()
    session.choose("council-tax", "income")
    with pytest.raises(Invalid):
        desk.submit(session, "en")          # no reference
    session.use_reference("50012345")
    with pytest.raises(ScanError):
        desk.submit(session, "en")          # no pages
    assert outbox.waiting() == 0


def test_the_receipt_slip_prints(tmp_path):
    slip = Slip(title="Documents received", number="DOC-7KQ2-M9XA",
                lines=["Council Tax: proof of income", "3 pages · reference ••••2345", "22 November 2026, 14:05"],
                note="Keep this slip.", site="Riverside Central Library")
    png = render_receipt(slip)
    assert Image.open(io.BytesIO(png)).size == (1181, 827)
    printer = FolderPrinter(tmp_path / "printed")
    desk = DocumentDesk(None, printer, site="S", device="d")
    assert desk.print_receipt(png)
    (pdf,) = (tmp_path / "printed").glob("*.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert DocumentDesk(None, Printer(), site="S", device="d").print_receipt(png) is False
    gray = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE)
    assert gray.shape == (827, 1181) and gray.min() < 50       # printed, not blank
