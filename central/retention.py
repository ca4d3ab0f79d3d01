"""Retention: a scanned document is deleted a set time after it was indexed into the back
office (its PDF, and the name and postcode filed with it), and each purge is in the audit log.

`HUBKIOSK_DOCUMENT_RETENTION_DAYS` (default 30) is how long an indexed document is kept, for
queries from the back-office team. The item, its history and the receipt number stay: the
council can still say what was received and when, without holding the document itself.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update

from central import audit
from central import db as tables
from central.documents import PDF_NAME

INDEXED = "Indexed"  # the outcome staff choose when a document is in the back office


def retention_days() -> int:
    return max(1, int(os.environ.get("HUBKIOSK_DOCUMENT_RETENTION_DAYS", "30")))


def purge_documents(engine, files, now: datetime | None = None) -> int:
    """Delete documents indexed more than the retention period ago; returns how many."""
    now = now or datetime.now(timezone.utc)
    cutoff = now - timedelta(days=retention_days())
    w, d = tables.work_items.c, tables.documents.c
    with engine.connect() as conn:
        due = conn.execute(select(d.record_id, d.receipt).join(
            tables.work_items, (w.kind == "document") & (w.record_id == d.record_id)).where(
            w.state == "closed", w.outcome.startswith(INDEXED), w.closed_at <= cutoff, d.purged_at.is_(None))).all()
    for record_id, receipt in due:
        files.remove(record_id, PDF_NAME)  # first: a crash after it leaves the row to purge again
        with tables.begin(engine) as conn:
            conn.execute(update(tables.documents).where(d.record_id == record_id).values(
                purged_at=now, name="", postcode=""))
            conn.execute(update(tables.attachments).where(
                tables.attachments.c.record_id == record_id, tables.attachments.c.name == PDF_NAME).values(
                received=False))
        audit.record(engine, "documents.purge", receipt, 1, actor="central:retention")
    return len(due)
