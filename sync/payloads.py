"""What each kind of record says: one pydantic model per record kind and schema version.

This is the other half of the wire schema (`sync.protocol` is the envelope). A kiosk builds
every record's payload as one of these models, so it cannot queue a record central would
not read; central opens the sealed payload and validates it against the same model before
it files anything. Limits live here once: the kiosk's screens take theirs from here.

    >>> Feedback(journey="information", found=True, stars=4, day="2026-12-01").comment
    ''
    >>> parse("feedback", 9, {})
    Traceback (most recent call last):
    ...
    sync.payloads.UnknownPayload: central does not know version 9 of feedback records

Text is tidied the same way on both sides (`tidy`): one line, no control, direction-override
or private-use characters. A payload that does not fit its model (a wrong type, too long,
an unknown field), or a kind or version this side does not know, is refused for good:
central answers `rejected` and the kiosk dead-letters that record alone.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date
from typing import Annotated, ClassVar, Literal

from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    ValidationError,
    model_validator,
)

__all__ = ["Payload", "parse", "UnknownPayload", "ValidationError", "tidy", "normal_email", "email_check", "KINDS"]

# ----- the shared vocabularies -------------------------------------------------------------------
# Every journey a kiosk offers, in the order its home screen shows them, with the name staff
# read in the console (the kiosk's own words for residents are in kiosk.core.journeys).
JOURNEY_NAMES = {"information": "Information", "visitors": "Visitor check-in", "appointments": "Appointments",
                 "documents": "Document scanning", "signup": "My Account signup", "report": "Report a problem",
                 "letters": "Talking letters", "progress": "Check my progress"}
JOURNEYS = tuple(JOURNEY_NAMES)
VISIT_PURPOSES = ("meeting", "interview", "contractor", "delivery", "event", "other")
SIGN_OUT_WAYS = ("badge", "name", "staff", "auto")
DOCUMENT_PURPOSES = ("housing-benefit", "council-tax", "housing-register", "other")
DOCUMENT_KINDS = ("identity", "address", "income", "council-letter", "bank-statement", "other")
CONTACT_METHODS = ("email", "text", "post")
SIGNUP_STEPS = ("name", "email", "mobile", "address", "dob", "contact", "terms", "check")
LOCATION_KINDS = ("address", "street", "postcode")
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud over the phone

# ----- the shared limits ---------------------------------------------------------------------------
MAX_VISITOR_NAME = 60
MAX_COMPANY = 80
MAX_RESIDENT_NAME = 50
MAX_ADDRESS_LINE = 80
MAX_ADDRESS_LINES = 6
MAX_COMMENT = 500
MAX_DESCRIPTION = 1000
MAX_LANDMARK = 200
MAX_ANSWER = 200
MAX_ANSWERS = 20
MAX_LOCATION_TEXT = 200
MAX_EMAIL = 254
MAX_PAGES = 40
MAX_VISITS = 5000  # one sign-out-all or roll-call names at most this many visits

# Invisible characters that are part of writing some languages and emoji (joiners).
_KEEP_FORMAT = {"\u200c", "\u200d"}
_CODE = "[A-Z0-9]{4}"  # the kiosk draws them from CODE_ALPHABET
# The references residents leave with (and read out on the phone), made on the kiosk.
REPORT_REFERENCE = f"RPT-{_CODE}-{_CODE}"
ACCOUNT_REFERENCE = f"ACC-{_CODE}-{_CODE}"
DOCUMENT_RECEIPT = f"DOC-{_CODE}-{_CODE}"


def tidy(text: str) -> str:
    """Text as it will be read and stored: NFC, every space or line break one space, no
    control, format (direction override), surrogate or private-use characters. Any script,
    any direction and emoji stay: it is the resident's own words. Idempotent."""
    text = "".join(" " if c.isspace() else c for c in unicodedata.normalize("NFC", text))
    kept = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co") or c in _KEEP_FORMAT)
    return " ".join(kept.split())


def _tidied(value):
    return tidy(value) if isinstance(value, str) else value  # not text: the str check refuses it


def appointment_reference(typed: str) -> str:
    """`ho 48213`, `HO48213` and `HO-48213` are the same booking: `HO-48213`."""
    compact = re.sub(r"[^A-Za-z0-9]", "", typed).upper()
    match = re.fullmatch(r"([A-Z]+)([0-9]+)", compact)
    return f"{match.group(1)}-{match.group(2)}" if match else compact


def normal_email(text: str) -> str:
    """The address in lower case, its domain in ASCII form, or ValueError. Addresses only
    SMTPUTF8 servers take are refused: the email must reach the resident through any server."""
    try:
        return validate_email(text, check_deliverability=False, allow_smtputf8=False).ascii_email.lower()
    except EmailNotValidError as exc:
        raise ValueError("not an email address") from exc


def email_check(salt: str, email: str) -> str:
    """What an invitation carries in place of the address it was sent to: a slow, salted hash
    (the salt is new each time a site's invitations are published), so a kiosk can check an
    address a visitor types without ever holding the addresses. "" for no valid address."""
    try:
        address = normal_email(email.strip())
    except ValueError:
        return ""
    return hashlib.pbkdf2_hmac("sha256", address.encode(), salt.encode(), EMAIL_CHECK_ROUNDS).hex()[:32]


EMAIL_CHECK_ROUNDS = 20_000


def _email_or_empty(text: str) -> str:
    return normal_email(text) if text else ""


def Line(limit: int, min_length: int = 0):  # noqa: N802 - a type, read as one
    """One line of tidied text, at most `limit` characters."""
    return Annotated[str, BeforeValidator(_tidied),
                     StringConstraints(strict=True, min_length=min_length, max_length=limit)]


def Pattern(pattern: str, empty: bool = False):  # noqa: N802 - a type, read as one
    """A string matching `pattern` (or "" when `empty`)."""
    return Annotated[str, StringConstraints(strict=True, pattern=f"^(?:{pattern}{'|' if empty else ''})$")]


RecordId = Pattern(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
Slug = Pattern(r"[a-z0-9][a-z0-9_-]{0,39}")
Language = Pattern(r"[a-z]{2}(-[A-Z]{2})?")  # en, cy, pt-BR: fits every language column
Postcode = Pattern(r"GIR 0AA|[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}", empty=True)
Mobile = Pattern(r"\+[1-9][0-9]{6,14}", empty=True)  # E.164
Digits = Pattern(r"[0-9]{1,12}", empty=True)  # UPRN, USRN
InviteCode = Pattern(f"[{CODE_ALPHABET}]{{6}}", empty=True)
Vehicle = Pattern(r"[A-Z0-9][A-Z0-9 -]{1,9}", empty=True)
Ticket = Pattern(r"[A-Z]{1,2}[0-9]{3,6}")
ClockTime = Pattern(r"([01]?[0-9]|2[0-3]):[0-5][0-9]", empty=True)
DocumentReceipt = Pattern(DOCUMENT_RECEIPT)
ClaimReference = Pattern(r"[A-Z0-9]{4,20}", empty=True)
ReportReference = Pattern(REPORT_REFERENCE)
ServiceCode = Pattern(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,39}", empty=True)
AccountReference = Pattern(ACCOUNT_REFERENCE)
TermsVersion = Pattern(r"[A-Za-z0-9._-]{1,20}")
SelftestRun = Pattern(r"[0-9a-f]{8}")
Email = Annotated[str, StringConstraints(strict=True, max_length=MAX_EMAIL), AfterValidator(_email_or_empty)]
Site = Line(80)
Device = Line(64)
Stars = Annotated[int, Field(strict=True, ge=1, le=5)]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, cache_strings=False)


class Payload(_Part):
    """One record kind's payload at one schema version."""

    KIND: ClassVar[str]
    VERSION: ClassVar[int] = 1

    def to_json(self) -> bytes:
        return self.model_dump_json().encode()


# ----- visitors ------------------------------------------------------------------------------------
class VisitorCheckIn(Payload):
    KIND = "visitor-checkin"
    visit_id: RecordId
    type: Literal["invite", "walk-in"]
    invite_code: InviteCode = ""
    name: Line(MAX_VISITOR_NAME, 1)
    company: Line(MAX_COMPANY) = ""
    email: Email = ""
    host_id: Line(64, 1)
    host_name: Line(120) = ""
    purpose: Literal[VISIT_PURPOSES] = "meeting"
    vehicle: Vehicle = ""
    photo_consent: StrictBool = False
    returning: StrictBool = False
    rules_version: Line(20) = ""
    site: Site = ""
    device: Device = ""
    checked_in_at: AwareDatetime
    kiosk_offline: StrictBool = False


class VisitorSignOut(Payload):
    KIND = "visitor-signout"
    visit_id: RecordId
    how: Literal[SIGN_OUT_WAYS]
    signed_out_at: AwareDatetime
    site: Site = ""
    device: Device = ""

    @property
    def visit_ids(self) -> list[str]:
        return [self.visit_id]


class VisitorSignOutAll(Payload):
    KIND = "visitor-signout-all"
    visit_ids: list[RecordId] = Field(min_length=1, max_length=MAX_VISITS)
    how: Literal[SIGN_OUT_WAYS]
    signed_out_at: AwareDatetime
    site: Site = ""
    device: Device = ""


class AppointmentArrival(Payload):
    KIND = "appointment-arrival"
    reference: Line(40, 1)
    ticket: Ticket
    service: Line(120) = ""
    time: ClockTime = ""
    arrived_at: AwareDatetime
    site: Site = ""
    device: Device = ""


class RollCallMark(_Part):
    visit_id: RecordId
    safe: StrictBool


class RollCall(Payload):
    KIND = "roll-call"
    started_at: AwareDatetime
    finished_at: AwareDatetime
    marks: list[RollCallMark] = Field(max_length=MAX_VISITS)
    site: Site = ""
    device: Device = ""


# ----- residents ------------------------------------------------------------------------------------
class DocumentScan(Payload):
    KIND = "document-scan"
    ATTACHMENT: ClassVar[str] = "documents.pdf"
    receipt: DocumentReceipt
    purpose: Literal[DOCUMENT_PURPOSES]
    kind: Literal[DOCUMENT_KINDS]
    reference: ClaimReference = ""
    name: Line(120) = ""
    postcode: Postcode = ""
    pages: int = Field(strict=True, ge=1, le=MAX_PAGES)
    formats: list[Line(20)] = Field(default_factory=list, max_length=MAX_PAGES)
    corners_found: list[StrictBool] = Field(default_factory=list, max_length=MAX_PAGES)
    language: Language = "en"
    scanned_at: AwareDatetime
    site: Site = ""
    device: Device = ""


class Location(_Part):
    kind: Literal[LOCATION_KINDS]
    text: Line(MAX_LOCATION_TEXT) = ""
    uprn: Digits = ""
    usrn: Digits = ""
    postcode: Postcode = ""
    lat: float | None = Field(default=None, ge=-90, le=90, allow_inf_nan=False)
    lon: float | None = Field(default=None, ge=-180, le=180, allow_inf_nan=False)

    @model_validator(mode="after")
    def _point(self) -> "Location":
        if (self.lat is None) != (self.lon is None):
            raise ValueError("a point needs both its latitude and its longitude")
        return self


class ReportContact(_Part):
    name: Line(MAX_RESIDENT_NAME, 1)
    email: Email = ""
    phone: Mobile = ""


class StreetReport(Payload):
    KIND = "street-report"
    ATTACHMENT: ClassVar[str] = "photo.jpg"
    reference: ReportReference
    category: Slug
    service_code: ServiceCode = ""
    answers: dict[Slug, StrictBool | Line(MAX_ANSWER, 1)] = Field(default_factory=dict, max_length=MAX_ANSWERS)
    location: Location
    landmark: Line(MAX_LANDMARK) = ""
    description: Line(MAX_DESCRIPTION, 1)
    contact: ReportContact | None = None
    language: Language = "en"
    reported_at: AwareDatetime
    site: Site = ""


class Address(_Part):
    uprn: Digits = ""
    lines: list[Line(120, 1)] = Field(min_length=1, max_length=MAX_ADDRESS_LINES)
    town: Line(80) = ""
    postcode: Postcode = ""
    manual: StrictBool = False


class AccountSignup(Payload):
    KIND = "account-signup"
    reference: AccountReference
    first_name: Line(MAX_RESIDENT_NAME, 1)
    last_name: Line(MAX_RESIDENT_NAME, 1)
    email: Annotated[str, StringConstraints(strict=True, min_length=3, max_length=MAX_EMAIL),
                     AfterValidator(normal_email)]
    mobile: Mobile = ""
    address: Address
    date_of_birth: date
    contact_by: list[Literal[CONTACT_METHODS]] = Field(min_length=1, max_length=3)
    terms_version: TermsVersion
    accepted_at: AwareDatetime
    assisted_by: Line(80) = ""
    language: Language = "en"
    site: Site = ""


class SignupFollowUp(Payload):
    KIND = "signup-follow-up"
    reference: AccountReference
    first_name: Line(MAX_RESIDENT_NAME, 1)
    last_name: Line(MAX_RESIDENT_NAME) = ""
    email: Email = ""
    mobile: Mobile = ""
    stage: Literal[SIGNUP_STEPS]
    assisted_by: Line(80) = ""
    language: Language = "en"
    asked_at: AwareDatetime
    site: Site = ""


class Feedback(Payload):
    KIND = "feedback"
    journey: Literal[JOURNEYS]
    found: StrictBool | None = None
    stars: Stars | None = None
    comment: Line(MAX_COMMENT) = ""
    language: Language = "en"
    day: date
    site: Site = ""


class Diagnostic(Payload):
    """What `python -m sync selftest` sends: proof the whole path works, nothing personal."""

    KIND = "diagnostic"
    selftest: SelftestRun
    n: int = Field(strict=True, ge=0, le=10**6)
    device: Device = ""


MODELS: tuple[type[Payload], ...] = (VisitorCheckIn, VisitorSignOut, VisitorSignOutAll, AppointmentArrival,
                                     RollCall, DocumentScan, StreetReport, AccountSignup, SignupFollowUp,
                                     Feedback, Diagnostic)
_BY_KIND = {(model.KIND, model.VERSION): model for model in MODELS}
KINDS = tuple(model.KIND for model in MODELS)


class UnknownPayload(ValueError):
    """A kind, or a version of a kind, this side does not know."""


def model_for(kind: str, version: int) -> type[Payload]:
    model = _BY_KIND.get((kind, version))
    if model is not None:
        return model
    if kind in KINDS:
        raise UnknownPayload(f"central does not know version {version} of {kind} records")
    raise UnknownPayload(f"central does not know {kind!r} records")


def parse(kind: str, version: int, data: bytes | str | dict) -> Payload:
    """The payload of a record of `kind` at `version`, validated: `UnknownPayload` or
    `ValidationError` when it does not fit (neither will ever change for that record)."""
    model = model_for(kind, version)
    if isinstance(data, dict):
        return model.model_validate(data)
    return model.model_validate_json(data)


def problem(exc: ValidationError) -> str:
    """Where a payload did not fit, without a word of what it said (no personal data)."""
    places = sorted({".".join(str(part) for part in error["loc"]) or "(payload)" for error in exc.errors()})
    return f"these fields do not fit: {', '.join(places[:5])}" + (" ..." if len(places) > 5 else "")

