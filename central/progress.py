"""Check my progress: a resident at a kiosk asks how something they handed over is getting
on, with the reference on their slip or letter and an answer a stranger holding the slip
would not know.

    POST /api/v1/progress         {"reference": "RPT-...", "answer": "RV1 2AB"} -> Progress | 404
    POST /api/v1/progress/resend  {"reference": "ACC-...", "answer": "1980-04-01"} -> {"sent": ...}

| reference | the answer                                                   | what is shown |
|-----------|--------------------------------------------------------------|---------------|
| RPT-...   | the postcode the report gave                                 | its steps (received, passed on, started, closed) with their days, the category and street |
| DOC-...   | the postcode, or the claim reference, given with the documents | every document received for that claim: what kind, how many pages, when, and whether it is indexed |
| ACC-...   | the date of birth given at signup                            | whether the account is activated; a new activation email can be sent |

An unknown reference and a wrong answer get the same 404, and both count against two
limits: the kiosk's (`progress`, per device) and the reference's (`progress-reference`),
so neither one kiosk nor many kiosks together can try postcode after postcode for a slip
found on the floor. A report located by street alone has no postcode to ask for: its
progress is on the public tracking page its slip's QR code opens. Every answer given is an
audited view (`progress.view`, by the device). Nothing shown names the resident: the kiosk
words the codes and dates in the resident's language and forgets them at the wipe.
"""

from __future__ import annotations

import logging
import re
from datetime import date, timedelta

from fastapi import Depends, HTTPException
from sqlalchemy import select

from central import audit
from central import db as tables
from central.db import aware
from central.notices import FINISHED, STARTED
from sync.protocol import API, Progress, ProgressDocument, ProgressRequest, ProgressStep, ResendResult

log = logging.getLogger("central.progress")
RELATED_DAYS = 400     # other documents for the same claim, received within this many days
MAX_DOCUMENTS = 20
_REFERENCE = re.compile(r"^(RPT|DOC|ACC)-?([A-Z0-9]{4})-?([A-Z0-9]{4})$")


def _squash(text: str) -> str:
    return re.sub(r"[\s\-/.]", "", text or "").upper()


def normal_reference(text: str) -> str | None:
    """`rpt 7kq2 x9pm` -> `RPT-7KQ2-X9PM`; None if it is not one of ours."""
    found = _REFERENCE.match(re.sub(r"\s", "", text or "").upper())
    return f"{found[1]}-{found[2]}-{found[3]}" if found else None


def _same(given: str, kept: str) -> bool:
    import hmac

    return bool(kept) and hmac.compare_digest(_squash(given).encode(), _squash(kept).encode())


# ----- looking up ---------------------------------------------------------------------------------
def look_up(conn, reference: str, answer: str) -> Progress | None:
    """The progress of `reference`, if `answer` is its owner's; None otherwise (either way)."""
    ref = normal_reference(reference)
    if ref is None:
        return None
    kind = ref[:3]
    if kind == "RPT":
        row = conn.execute(select(tables.reports).where(tables.reports.c.reference == ref)).mappings().first()
        return _report(conn, dict(row)) if row is not None and _same(answer, row["postcode"]) else None
    if kind == "DOC":
        row = conn.execute(select(tables.documents).where(tables.documents.c.receipt == ref)).mappings().first()
        if row is None or not (_same(answer, row["postcode"]) or _same(answer, row["reference"])):
            return None
        return _documents(conn, dict(row))
    row = conn.execute(select(tables.accounts).where(tables.accounts.c.reference == ref)).mappings().first()
    return _account(dict(row)) if row is not None and _is_birthday(answer, row["date_of_birth"]) else None


def _is_birthday(answer: str, kept: str) -> bool:
    try:
        return bool(kept) and date.fromisoformat(answer.strip()) == date.fromisoformat(kept)
    except ValueError:
        return False


def _item(conn, kind: str, record_id: str) -> dict | None:
    row = conn.execute(select(tables.work_items).where(tables.work_items.c.kind == kind,
                                                       tables.work_items.c.record_id == record_id)).mappings().first()
    return dict(row) if row else None


def _report(conn, row: dict) -> Progress:
    item = _item(conn, "street-report", row["record_id"])
    passed = row["state"] == "sent"
    status = row["status"]
    staff_closed = item is not None and item["state"] == "closed" and not passed
    finished = status in FINISHED or staff_closed
    started = finished or status in STARTED
    changed = aware(row["status_updated_at"])
    steps = [ProgressStep(step="received", done=True, at=aware(row["received_at"])),
             ProgressStep(step="passed", done=passed, at=aware(row["forwarded_at"])),
             ProgressStep(step="started", done=started, at=changed if status in STARTED else None),
             ProgressStep(step="closed", done=finished,
                          at=aware(item["closed_at"]) if staff_closed else changed if finished else None)]
    return Progress(kind="report", reference=row["reference"], category=row["category"],
                    place=", ".join(p for p in (row["street"], row["town"]) if p), steps=steps,
                    due_at=aware(item["due_at"]) if item and not passed else None)


def _documents(conn, row: dict) -> Progress:
    d = tables.documents.c
    same_claim = [row]
    if row["reference"]:
        since = aware(row["scanned_at"]) - timedelta(days=RELATED_DAYS)
        same_claim = [dict(r) for r in conn.execute(select(tables.documents).where(
            d.purpose == row["purpose"], d.reference == row["reference"], d.scanned_at >= since)
            .order_by(d.scanned_at.desc()).limit(MAX_DOCUMENTS)).mappings()]
    out = []
    for doc in same_claim:
        item = _item(conn, "document", doc["record_id"]) or {}
        indexed = item.get("state") == "closed"
        out.append(ProgressDocument(receipt=doc["receipt"], purpose=doc["purpose"], kind=doc["kind"],
                                    pages=doc["pages"], received_at=aware(doc["scanned_at"]), indexed=indexed,
                                    indexed_at=aware(item.get("closed_at")) if indexed else None))
    return Progress(kind="documents", reference=row["receipt"], documents=out)


def _account(row: dict) -> Progress:
    from central.visitors import mask_email

    return Progress(kind="account", reference=row["reference"], activated=row["state"] == "active",
                    email_masked=mask_email(row["email"]), link_expires_at=aware(row["token_expires_at"]))


# ----- the routes -----------------------------------------------------------------------------------
def routes(app, engine, device, throttle, open311=None) -> None:
    def checked(body: ProgressRequest, dev: dict) -> Progress:
        ref = normal_reference(body.reference) or _squash(body.reference)[:24]
        throttle.check("progress", dev["id"])
        throttle.check("progress-reference", ref)
        if open311 is not None and ref.startswith("RPT-"):
            from central.open311 import refresh_status

            refresh_status(engine, open311, ref)
        with engine.connect() as conn:
            found = look_up(conn, body.reference, body.answer)
        if found is None:
            throttle.count("progress", dev["id"])
            throttle.count("progress-reference", ref)
            log.info("progress of %s: not found or not its owner's answer (device %s)", ref[:3], dev["id"])
            raise HTTPException(404, "nothing found for that reference and answer")
        audit.record(engine, "progress.view", found.reference, 1, actor=f"device:{dev['id']}")
        return found

    @app.post(f"{API}/progress", response_model=Progress, tags=["progress"],
              responses={404: {"description": "no such reference, or not its owner's answer"}})
    def progress(body: ProgressRequest, dev: dict = Depends(device)) -> Progress:
        """How a report, documents or an account signup is getting on, for its owner at a
        kiosk. Rate-limited per device and per reference (misses count)."""
        return checked(body, dev)

    @app.post(f"{API}/progress/resend", response_model=ResendResult, tags=["progress"],
              responses={404: {"description": "no such reference, or not its owner's answer"}})
    def resend(body: ProgressRequest, dev: dict = Depends(device)) -> ResendResult:
        """A new activation email for an account not yet activated (at most a few a day)."""
        from central.accounts import request_link

        found = checked(body, dev)
        if found.kind != "account" or found.activated:
            return ResendResult(sent=False)
        with engine.connect() as conn:
            email = conn.execute(select(tables.accounts.c.email).where(
                tables.accounts.c.reference == found.reference)).scalar()
        request_link(engine, email)
        return ResendResult(sent=True)
