"""The wire schema between kiosks and central: the envelope of every request and record
(each record's payload has its own model in `sync/payloads.py`).

Every record travels once, identified end to end by its UUIDv7 `id`; its personal content
is a sealed box only central can open, and `payload_sha256` is the hash of those sealed
bytes, so a retry is recognised byte for byte. Central answers each record with a receipt:
its Ed25519 signature over ``receipt_message(id, payload_sha256)``. A kiosk treats a record
as delivered only when that signature verifies with the key it was given at enrolment, so a
captive Wi-Fi portal's "200 OK" page is never mistaken for an acknowledgement.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

def _installed_version() -> str:
    """The installed hubkiosk's version (kiosk and central alike), from its package metadata."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("hubkiosk")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"


APP_VERSION = _installed_version()
API = "/api/v1"
PROTOCOL_VERSION = 1
MAX_BATCH_RECORDS = 500
MAX_BODY_BYTES = 8 * 2**20
MAX_PAYLOAD_BYTES = 256 * 2**10
MAX_ATTACHMENT_BYTES = 64 * 2**20
KIND_RE = r"^[a-z][a-z0-9_.-]{0,39}$"
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
SHA256_RE = r"^[0-9a-f]{64}$"
NAME_RE = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


class _Model(BaseModel):
    # No string cache: every record id is new, so caching them only holds memory.
    model_config = ConfigDict(extra="forbid", cache_strings=False)


def site_slug(site: str) -> str:
    """`Riverside Civic Centre` -> `riverside-civic-centre` (for site-specific documents)."""
    slug = re.sub(r"[^a-z0-9]+", "-", site.lower()).strip("-")
    return slug[:40] or "site"


def site_document(name: str, site: str) -> str:
    return f"{name}.{site_slug(site)}"


def receipt_message(record_id: str, payload_sha256: str) -> bytes:
    """The bytes central signs to acknowledge one record."""
    return f"hubkiosk-receipt:v1:{record_id}:{payload_sha256}".encode()


class EnrolRequest(_Model):
    code: str = Field(min_length=6, max_length=64)
    device_name: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._-]+$")
    app_version: str = Field(max_length=40)


class EnrolResponse(_Model):
    device_id: str
    device_token: str
    site: str
    council_public_key: str  # base64 X25519 public key: payloads are sealed to it
    signing_key: str  # base64 Ed25519 verify key: receipts and reference data are signed with it


class AttachmentRef(_Model):
    name: str = Field(pattern=NAME_RE)
    sha256: str = Field(pattern=SHA256_RE)
    size: int = Field(ge=0, le=MAX_ATTACHMENT_BYTES)


class Record(_Model):
    id: str = Field(pattern=UUID_RE.pattern, description="a lower-case UUIDv7, the idempotency key end to end")
    kind: str = Field(pattern=KIND_RE)
    schema_version: int = Field(ge=1, le=1000)
    created_at: datetime
    payload: str = Field(max_length=MAX_PAYLOAD_BYTES * 2)  # base64 of the sealed box
    payload_sha256: str = Field(pattern=SHA256_RE)
    attachments: list[AttachmentRef] = Field(default_factory=list, max_length=50)

    @field_validator("id")
    @classmethod
    def _uuid7(cls, value: str) -> str:
        if not UUID_RE.match(value):
            raise ValueError("id must be a lower-case UUIDv7")
        return value


class SubmissionBatch(_Model):
    records: list[Record] = Field(min_length=1, max_length=MAX_BATCH_RECORDS)


# accepted / duplicate: stored, with a receipt; incomplete: attachments to send first;
# rejected: never acceptable (dead-letter it); retry: not stored this time, send it again later.
Status = Literal["accepted", "duplicate", "incomplete", "rejected", "retry"]


class RecordResult(_Model):
    id: str
    status: Status
    receipt: str | None = None  # base64 Ed25519 signature over receipt_message
    missing_attachments: list[str] = Field(default_factory=list)
    error: str | None = None


class SubmissionResponse(_Model):
    results: list[RecordResult]


# Every number a kiosk sends is bounded: a database integer column holds 2^31 - 1 at most.
MAX_COUNT = 2**31 - 1


class Heartbeat(_Model):
    queue_depth: int = Field(ge=0, le=MAX_COUNT)
    oldest_unsent_seconds: float | None = Field(default=None, ge=0, le=10 * 365 * 86400, allow_inf_nan=False)
    app_version: str = Field(max_length=40)
    disk_free_mb: int = Field(ge=0, le=MAX_COUNT)
    # the sync worker's last problem, for the console's kiosk list (an error's words, never a record's data)
    last_error: str | None = Field(default=None, max_length=200)


class HeartbeatAck(_Model):
    ok: bool
    server_time: datetime


def signed_body(name: str, version: int, issued_at: datetime, data: dict) -> dict:
    """What central signs for a reference document (as canonical JSON)."""
    return {"name": name, "version": version, "issued_at": issued_at.astimezone(timezone.utc).isoformat(),
            "data": data}


class SignedDocument(_Model):
    """Reference data central publishes: versioned, signed over `signed_body(...)`."""

    name: str
    version: int = Field(ge=1)
    issued_at: datetime
    data: dict
    signature: str


class Problem(_Model):
    """Every error response: a short, non-personal explanation."""

    detail: str


# ----- visitors ------------------------------------------------------------------------
class LookupRequest(_Model):
    email: str = Field(min_length=3, max_length=254)


class ReturningVisitor(_Model):
    name: str
    company: str
    vehicle: str


class OnSiteVisit(_Model):
    visit_id: str
    name: str
    company: str
    host_name: str
    checked_in_at: datetime


class OnSite(_Model):
    site: str
    visits: list[OnSiteVisit]


# ----- check my progress --------------------------------------------------------------------------
class ProgressRequest(_Model):
    """A reference from a slip or letter, and what only its owner knows: the postcode (or, for
    documents, the claim reference) they gave, or their date of birth for an account."""

    reference: str = Field(min_length=4, max_length=24)
    answer: str = Field(default="", max_length=40)


class ProgressStep(_Model):
    step: Literal["received", "passed", "started", "closed"]
    done: bool
    at: datetime | None = None


class ProgressDocument(_Model):
    receipt: str
    purpose: str
    kind: str
    pages: int
    received_at: datetime
    indexed: bool
    indexed_at: datetime | None = None


class Progress(_Model):
    """What the kiosk shows, as codes and dates it words in the resident's language."""

    kind: Literal["report", "documents", "account"]
    reference: str
    category: str = ""     # a report's category code, as in report-categories
    place: str = ""        # a report's street and town (never the house)
    steps: list[ProgressStep] = Field(default_factory=list)
    due_at: datetime | None = None     # when it is due to be passed on (a report not yet passed)
    documents: list[ProgressDocument] = Field(default_factory=list)
    activated: bool = False            # an account whose password is set
    email_masked: str = ""             # where a new activation link would go
    link_expires_at: datetime | None = None


class ResendResult(_Model):
    sent: bool
