"""Report a problem: the council's categories (synced from central, each with its own extra
questions), one resident's report, and the record central forwards to the back office.

    >>> cats = Categories.from_reference({"categories": [{"code": "graffiti", "service_code": "GRAF",
    ...     "name": {"en": "Graffiti", "pl": "Graffiti"}, "questions": [{"code": "offensive",
    ...     "kind": "yes_no", "required": True, "label": {"en": "Is it offensive?"}}]}]})
    >>> graffiti = cats.get("graffiti")
    >>> graffiti.questions[0].text("ro")
    'Is it offensive?'
    >>> graffiti.check_answers({"offensive": True})
    {'offensive': True}

The reference (RPT-…) is made on the kiosk, so the resident leaves with it and its QR code
even while the kiosk is offline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

import cv2
import numpy as np

from kiosk.core.numbers import new_reference
from kiosk.core.residents import _
from kiosk.core.residents.gazetteer import Address, Gazetteer, Street
from kiosk.core.forms import Invalid, clean_postcode
from kiosk.core.residents.validate import clean_email, clean_mobile, clean_name, clean_text
from sync import payloads
from sync.payloads import MAX_ANSWER, MAX_DESCRIPTION, MAX_LANDMARK

KINDS = ("choice", "yes_no", "text")
PHOTO_SIDE = 1600


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _texts(value) -> dict[str, str]:
    if isinstance(value, str):
        return {"en": value}
    return {str(k): str(v) for k, v in (value or {}).items() if isinstance(v, str)} if isinstance(value, dict) else {}


def pick(texts: dict[str, str], lang: str) -> str:
    """The text in `lang`, else English, else any."""
    return texts.get(lang) or texts.get("en") or next(iter(texts.values()), "")


@dataclass(frozen=True)
class Option:
    value: str
    label: dict[str, str]

    def text(self, lang: str) -> str:
        return pick(self.label, lang) or self.value


@dataclass(frozen=True)
class Question:
    code: str
    kind: str
    label: dict[str, str]
    required: bool = False
    options: tuple[Option, ...] = ()

    def text(self, lang: str) -> str:
        return pick(self.label, lang)

    def check(self, answer):
        """The answer as sent, or None when not answered; `Invalid` when it cannot be used."""
        if self.kind == "text":
            answer = clean_text(answer if isinstance(answer, str) else "", MAX_ANSWER, self.code,
                                _("Please keep your answer under 200 characters.")) or None
        elif self.kind == "yes_no":
            answer = answer if isinstance(answer, bool) else None
        elif answer not in {o.value for o in self.options}:
            answer = None
        if answer is None and self.required:
            raise Invalid(_("Please answer this question.") if self.kind == "text"
                          else _("Please choose an answer."), self.code)
        return answer


@dataclass(frozen=True)
class Category:
    code: str
    service_code: str
    name: dict[str, str]
    hint: dict[str, str] = field(default_factory=dict)
    icon: str = ""
    questions: tuple[Question, ...] = ()

    def text(self, lang: str) -> str:
        return pick(self.name, lang) or self.code

    def hint_text(self, lang: str) -> str:
        return pick(self.hint, lang)

    def check_answers(self, answers: dict) -> dict:
        """Every question's answer checked, in the category's order (unanswered ones left out)."""
        checked = {}
        for question in self.questions:
            answer = question.check(answers.get(question.code))
            if answer is not None:
                checked[question.code] = answer
        return checked


def _question(q: dict) -> Question | None:
    kind = q.get("kind")
    if kind not in KINDS or not q.get("code"):
        return None
    options = tuple(Option(str(o["value"]), _texts(o.get("label"))) for o in q.get("options", []) or []
                    if isinstance(o, dict) and o.get("value") is not None)
    if kind == "choice" and not options:
        return None
    return Question(str(q["code"]), kind, _texts(q.get("label")), bool(q.get("required")), options)


class Categories:
    def __init__(self, categories: list[Category], track_url: str = "") -> None:
        self.categories = categories
        self.track_url = track_url
        self._by_code = {c.code: c for c in categories}

    @classmethod
    def from_reference(cls, data: dict | None) -> "Categories":
        data = data or {}
        found = []
        for c in data.get("categories", []) or []:
            if not isinstance(c, dict) or not c.get("code"):
                continue
            questions = tuple(q for q in (_question(q) for q in c.get("questions", []) or [] if isinstance(q, dict))
                              if q is not None)
            found.append(Category(str(c["code"]), str(c.get("service_code") or c["code"]), _texts(c.get("name")),
                                  _texts(c.get("hint")), str(c.get("icon", "")), questions))
        return cls(found, str(data.get("track_url", "")))

    def __len__(self) -> int:
        return len(self.categories)

    def get(self, code: str) -> Category | None:
        return self._by_code.get(code)

    def track_link(self, reference: str) -> str:
        """Where the resident follows their report (a public page, nothing personal in it)."""
        return self.track_url.replace("{reference}", reference) if "{reference}" in self.track_url else ""


@dataclass(frozen=True)
class Location:
    kind: str            # address | street | postcode
    text: str            # what the resident sees and the back office reads
    uprn: str = ""
    usrn: str = ""
    postcode: str = ""
    lat: float | None = None
    lon: float | None = None

    @classmethod
    def of_address(cls, address: Address) -> "Location":
        return cls("address", address.text, address.uprn, address.usrn, address.postcode, address.lat, address.lon)

    @classmethod
    def of_street(cls, street: Street) -> "Location":
        return cls("street", street.text, "", street.usrn, "", street.lat, street.lon)

    @classmethod
    def of_postcode(cls, text: str, gazetteer: Gazetteer) -> "Location":
        postcode = clean_postcode(text)
        point = gazetteer.point_of(postcode)
        return cls("postcode", postcode, postcode=postcode, lat=point[0] if point else None,
                   lon=point[1] if point else None)

    def payload(self) -> payloads.Location:
        point = self.lat is not None and self.lon is not None
        return payloads.Location(kind=self.kind, text=self.text[:payloads.MAX_LOCATION_TEXT], uprn=self.uprn,
                                 usrn=self.usrn, postcode=self.postcode, lat=self.lat if point else None,
                                 lon=self.lon if point else None)


@dataclass(frozen=True)
class Contact:
    name: str
    email: str = ""
    phone: str = ""


def clean_contact(name: str, email: str, phone: str) -> Contact | None:
    """Contact details for updates: all optional, but a name needs an email or mobile to be
    of use, and an email or mobile needs a name to address them by."""
    if not any(x.strip() for x in (name or "", email or "", phone or "")):
        return None
    person = clean_name(name, "first_name") if (name or "").strip() else ""
    address = clean_email(email, required=False).address
    mobile = clean_mobile(phone)
    if not person:
        raise Invalid(_("Please type your name, so we know who to reply to."), "first_name")
    if not address and not mobile:
        raise Invalid(_("Please give an email address or a mobile number for updates, or leave all three empty."),
                      "email")
    return Contact(person, address, mobile)


def photo_jpeg(frame: np.ndarray) -> bytes:
    """The camera's picture as a JPEG at most `PHOTO_SIDE` pixels long (no EXIF: nothing
    but the picture leaves the kiosk)."""
    h, w = frame.shape[:2]
    scale = min(1.0, PHOTO_SIDE / max(h, w))
    if scale < 1.0:
        frame = cv2.resize(frame, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    ok, buffer = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 85])
    if not ok:
        raise ValueError("the photo could not be encoded")
    return buffer.tobytes()


@dataclass
class Report:
    """One resident's report (in memory only, gone at the wipe)."""

    category: Category | None = None
    answers: dict = field(default_factory=dict)
    location: Location | None = None
    landmark: str = ""
    description: str = ""
    photo: bytes | None = None
    contact: Contact | None = None
    reference: str = field(default_factory=lambda: new_reference("RPT"))
    sent: str | None = None

    def set_details(self, landmark: str, description: str) -> None:
        self.landmark = clean_text(landmark, MAX_LANDMARK, "landmark",
                                   _("Please keep this under 200 characters."))
        self.description = clean_text(description, MAX_DESCRIPTION, "description",
                                      _("Please keep the description under 1,000 characters."))
        if not self.description:
            raise Invalid(_("Please tell us what the problem is."), "description")

    def payload(self, language: str, site: str, now: datetime) -> payloads.StreetReport:
        if self.category is None or self.location is None or not self.description:
            raise Invalid(_("Some answers are missing. Please go back and fill them in."), "check")
        contact = self.contact
        return payloads.StreetReport(
            reference=self.reference, category=self.category.code, service_code=self.category.service_code,
            answers=self.category.check_answers(self.answers), location=self.location.payload(),
            landmark=self.landmark, description=self.description,
            contact=payloads.ReportContact(name=contact.name, email=contact.email, phone=contact.phone)
            if contact else None, language=language, site=site, reported_at=now)


class ReportDesk:
    """Queues reports for central, sealed, with the photo as an attachment; works offline."""

    def __init__(self, outbox, site: str, clock=_now) -> None:
        self.outbox = outbox
        self.site = site
        self.clock = clock

    def submit(self, report: Report, language: str) -> str:
        """Queue the report once (a second tap sends nothing more); returns its reference."""
        if report.sent is None:
            attachments = {payloads.StreetReport.ATTACHMENT: report.photo} if report.photo else None
            self.outbox.enqueue(report.payload(language, self.site, self.clock()), attachments=attachments)
            report.sent = report.reference
        return report.sent
