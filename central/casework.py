"""What staff need to act on a work item: the record behind it (a document, a report, a
follow-up request), a scanned document's pages, and what closing an item does to its record.

    details(conn, item)               -> dict of the item's record, for the item's page
    page(files, keys, record_id, n)   -> page n of a scanned PDF as JPEG bytes
"""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone

from sqlalchemy import select, update

from central import db as tables
from central.documents import PDF_NAME

REPORT_PHOTO = "photo.jpg"


def details(conn, item: dict) -> dict | None:
    """The record behind `item` (None if it has gone: purged under the retention rules)."""
    if item["kind"] == "document":
        row = conn.execute(select(tables.documents).where(tables.documents.c.record_id == item["record_id"])).mappings().first()
        if row is None:
            return None
        got = conn.execute(select(tables.attachments.c.received).where(
            (tables.attachments.c.record_id == item["record_id"]) & (tables.attachments.c.name == PDF_NAME))).scalar()
        return {**dict(row), "pdf": bool(got)}
    if item["kind"] == "street-report":
        row = conn.execute(select(tables.reports).where(tables.reports.c.record_id == item["record_id"])).mappings().first()
        if row is None:
            return None
        row = dict(row)
        row["answers"] = json.loads(row["answers"] or "{}")
        return row
    if item["kind"] == "follow-up":
        row = conn.execute(select(tables.signup_followups).where(
            tables.signup_followups.c.record_id == item["record_id"])).mappings().first()
        return dict(row) if row else None
    return None


def page(files, keys, record_id: str, number: int) -> bytes | None:
    """Page `number` (from 1) of a scanned document as the JPEG the kiosk put in its PDF
    (img2pdf keeps them whole), read from the sealed PDF central holds; None if there is no
    such page. Only that page's image is taken out."""
    from pypdf import PdfReader

    sealed = files.read(record_id, PDF_NAME)
    if not sealed:
        return None
    reader = PdfReader(io.BytesIO(keys.open(sealed)))
    if not 1 <= number <= len(reader.pages):
        return None
    images = reader.pages[number - 1].images
    return images[0].data if images else None


def pdf(files, keys, record_id: str) -> bytes | None:
    sealed = files.read(record_id, PDF_NAME)
    return keys.open(sealed) if sealed else None


def closed(conn, item: dict, who: str) -> None:
    """What closing an item does to its record: a follow-up is marked done."""
    if item["kind"] == "follow-up":
        conn.execute(update(tables.signup_followups).where(
            tables.signup_followups.c.record_id == item["record_id"]).values(
            done_at=datetime.now(timezone.utc), done_by=who[:80]))


OUTCOMES = {
    "document": ("Indexed into the back-office system", "Not needed: duplicate", "Sent to another team"),
    "street-report": ("Passed to the back office by hand", "Duplicate of another report", "Not a council matter"),
    "follow-up": ("Called: signup finished", "Called: resident will finish online", "No answer after 3 tries",
                  "Resident no longer needs help"),
}


def outcomes(kind: str) -> tuple[str, ...]:
    return OUTCOMES.get(kind, ())


__all__ = ["details", "page", "pdf", "closed", "outcomes"]
