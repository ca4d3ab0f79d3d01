"""One resident's scan: what it is for, its pages, and sending it.

    >>> session = ScanSession(max_pages=10)
    >>> session.choose("council-tax", "income")
    >>> session.use_reference("5001 2345")
    '50012345'
    >>> session.add(process_capture(frame))                  # doctest: +SKIP
    >>> sent = DocumentDesk(outbox, printer, site, device).submit(session, "en")   # doctest: +SKIP
    >>> sent.receipt                                         # doctest: +SKIP
    'DOC-7KQ2-M9XA'

Pages live only in memory while the resident works (the photo as JPEG, for adjusting
corners, and the finished page as JPEG); nothing is written until they send, and then only
sealed: the record and its PDF go into the outbox, encrypted for central, and are deleted
from the kiosk when central confirms it has them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

import cv2
import numpy as np

from kiosk.core import KioskError
from kiosk.core.documents import _
from kiosk.core.documents.claim import GREY_KINDS, KINDS, PURPOSES, clean_person, clean_reference, new_receipt_number
from kiosk.core.printing import Printer
from kiosk.core.forms import Invalid
from scanner.detect import Quad, find_document
from scanner.pages import Format, encode_page, enhance, flatten, make_pdf, page_format, upright
from sync import payloads
from sync.outbox import new_id

THUMB = 240


class ScanError(KioskError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Page:
    photo_jpeg: bytes        # the camera frame it came from (kept to set the corners again)
    quad: Quad               # the document's corners in that frame
    found: bool              # corners found by the scanner (False: the whole picture was used)
    fmt: Format
    turned: int              # degrees turned to read upright
    mode: str                # "colour" or "grey"
    jpeg: bytes              # the finished page
    thumb: np.ndarray = field(repr=False, compare=False)   # small BGR copy for the screen

    def image(self) -> np.ndarray:
        """The finished page, decoded (BGR or grey)."""
        return cv2.imdecode(np.frombuffer(self.jpeg, np.uint8), cv2.IMREAD_UNCHANGED)


def _jpeg(image: np.ndarray, quality: int = 90) -> bytes:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ScanError(_("Sorry, that picture could not be kept. Please try again."))
    return data.tobytes()


def _thumb(image: np.ndarray) -> np.ndarray:
    h, w = image.shape[:2]
    scale = THUMB / max(h, w)
    small = cv2.resize(image, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(small, cv2.COLOR_GRAY2BGR) if small.ndim == 2 else small


def process_capture(frame: np.ndarray, quad: Quad | None = None, mode: str = "colour",
                    photo_jpeg: bytes | None = None, turn: bool = True) -> Page:
    """A finished page from a camera frame: corners found (or `quad` as the resident set
    them), flattened, cleaned up, turned upright, encoded under 400 KB."""
    found = quad is not None
    if quad is None:
        quad = find_document(frame)
        found = quad is not None
    if quad is None:
        h, w = frame.shape[:2]
        quad = Quad.from_array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]])
    fmt = page_format(quad)
    page = enhance(flatten(frame, quad, fmt), mode, fmt.name)
    turned = 0
    if turn:
        page, turned = upright(page)
        if turned in (90, 270):
            fmt = Format(fmt.name, (fmt.size[1], fmt.size[0]), fmt.dpi)
    jpeg = encode_page(page, fmt.dpi)
    return Page(photo_jpeg or _jpeg(frame), quad, found, fmt, turned, mode, jpeg, _thumb(page))


def redo(page: Page, quad: Quad | None = None, mode: str | None = None) -> Page:
    """The same photo made into a page again: with corners the resident set, or in the
    other colour mode."""
    frame = cv2.imdecode(np.frombuffer(page.photo_jpeg, np.uint8), cv2.IMREAD_COLOR)
    again = process_capture(frame, quad or page.quad, mode or page.mode, page.photo_jpeg)
    found = True if quad is not None else page.found
    return Page(again.photo_jpeg, again.quad, found, again.fmt, again.turned, again.mode, again.jpeg, again.thumb)


class ScanSession:
    """Everything one resident has chosen and scanned, in memory only."""

    def __init__(self, max_pages: int = 10) -> None:
        self.max_pages = max_pages
        self.clear()

    def clear(self) -> None:
        self.purpose = ""
        self.kind = ""
        self.reference = ""
        self.name = ""
        self.postcode = ""
        self.pages: list[Page] = []
        self.mode = "colour"
        self.sent: Sent | None = None

    def choose(self, purpose: str, kind: str | None = None) -> None:
        if purpose not in PURPOSES:
            raise ValueError(f"unknown purpose {purpose!r}")
        self.purpose = purpose
        if kind is not None:
            self.choose_kind(kind)

    def choose_kind(self, kind: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown document kind {kind!r}")
        self.kind = kind
        self.mode = "grey" if kind in GREY_KINDS else "colour"

    def use_reference(self, text: str) -> str:
        self.reference = clean_reference(self.purpose, text)
        self.name = self.postcode = ""
        return self.reference

    def use_person(self, name: str, postcode: str) -> None:
        self.name, self.postcode = clean_person(name, postcode)
        self.reference = ""

    @property
    def identified(self) -> bool:
        return bool(self.reference or (self.name and self.postcode))

    @property
    def full(self) -> bool:
        return len(self.pages) >= self.max_pages

    def add(self, page: Page) -> int:
        """Add a page; its number (1-based)."""
        if self.full:
            raise ScanError(_("That is the most pages one scan can take. Please send these, "
                              "then scan the rest as another document."))
        self.pages.append(page)
        return len(self.pages)

    def replace(self, index: int, page: Page) -> None:
        self.pages[index] = page

    def remove(self, index: int) -> None:
        del self.pages[index]

    def pdf(self) -> bytes:
        if not self.pages:
            raise ScanError(_("There are no pages to send yet."))
        images = [page.image() for page in self.pages]
        return make_pdf(images, [page.fmt.dpi for page in self.pages])


@dataclass(frozen=True)
class Sent:
    receipt: str
    record_id: str
    pages: int
    purpose: str
    kind: str
    reference: str
    offline: bool      # will reach the council when the kiosk is back online
    sent_at: float


class DocumentDesk:
    """Sends finished scans: one outbox record with the PDF, sealed for central."""

    def __init__(self, outbox, printer: Printer, site: str, device: str, online=lambda: None,
                 clock=time.time) -> None:
        self.outbox = outbox
        self.printer = printer
        self.site = site
        self.device = device
        self.online = online
        self.clock = clock

    def submit(self, session: ScanSession, language: str) -> Sent:
        """Queue the scan for central (works offline); a second tap sends nothing more."""
        if session.sent is not None:
            return session.sent
        if not session.purpose or not session.kind:
            raise Invalid(_("Please choose what the documents are for and what they are."), "purpose")
        if not session.identified:
            raise Invalid(_("Please give your reference, or your name and postcode."), "reference")
        pdf = session.pdf()
        now = self.clock()
        record_id = new_id()
        receipt = new_receipt_number()
        payload = payloads.DocumentScan(
            receipt=receipt, purpose=session.purpose, kind=session.kind, reference=session.reference,
            name=session.name, postcode=session.postcode, pages=len(session.pages),
            formats=[page.fmt.name for page in session.pages], corners_found=[page.found for page in session.pages],
            site=self.site, device=self.device, language=language,
            scanned_at=datetime.fromtimestamp(now, timezone.utc))
        self.outbox.enqueue(payload, attachments={payloads.DocumentScan.ATTACHMENT: pdf}, record_id=record_id)
        session.sent = Sent(receipt, record_id, len(session.pages), session.purpose, session.kind,
                            session.reference, self.online() is not True, now)
        return session.sent

    def print_receipt(self, png: bytes) -> bool:
        """Print the slip; False when there is no printer, `kiosk.core.printing.PrintError`
        when it failed."""
        from kiosk.core.documents.receipt import print_slip

        return print_slip(self.printer, png, "scan-receipt")
