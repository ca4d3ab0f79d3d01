"""Retention: a scanned document is deleted a set time after it was indexed into the back
office (its PDF, and the name and postcode filed with it), and a street report's contact
details a set time after it closed; each purge is in the audit log.

`HUBKIOSK_DOCUMENT_RETENTION_DAYS` (default 30) is how long an indexed document is kept, for
queries from the back-office team. The item, its history and the receipt number stay: the
council can still say what was received and when, without holding the document itself.

`HUBKIOSK_CONTACT_RETENTION_DAYS` (default 28) is how long the name, email address and phone
number a resident gave with a report are kept once it is closed (by the back office's
status, or by staff in the console): long enough to answer "it is back" or a complaint.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

from sqlalchemy import and_, func, or_, select, update

from central import audit
from central.notices import FINISHED
from central import db as tables
from central.documents import PDF_NAME

INDEXED = "Indexed"
REMOVED = "[deleted after the retention period]"  # the outcome staff choose when a document is in the back office


def retention_days() -> int:
    return max(1, int(os.environ.get("HUBKIOSK_DOCUMENT_RETENTION_DAYS", "30")))


def contact_retention_days() -> int:
    return max(1, int(os.environ.get("HUBKIOSK_CONTACT_RETENTION_DAYS", "28")))


def purge_report_contacts(engine, now: datetime | None = None) -> int:
    """Delete the contact details of reports closed more than the retention period ago;
    returns how many reports lost them."""
    now = now or datetime.now(timezone.utc)
    cutoff = now - timedelta(days=contact_retention_days())
    r, w = tables.reports.c, tables.work_items.c
    closed_by_staff = select(w.record_id).where(w.kind == "street-report", w.state == "closed", w.closed_at <= cutoff)
    with engine.connect() as conn:
        due = conn.execute(select(r.reference).where(
            r.contact_deleted_at.is_(None),
            or_(r.contact_name != "", r.contact_email != "", r.contact_phone != ""),
            or_(and_(r.status.in_(sorted(FINISHED)), func.coalesce(r.status_updated_at, r.status_checked_at) <= cutoff),
                r.record_id.in_(closed_by_staff)))
        ).scalars().all()
    for reference in due:
        with tables.begin(engine) as conn:
            conn.execute(update(tables.reports).where(r.reference == reference).values(
                contact_name="", contact_email="", contact_phone="", contact_deleted_at=now))
            # ...and the copies in its notices (one not sent by now never will be)
            n = tables.notifications.c
            mine = and_(n.record_id == reference, n.notice_key.is_not(None))
            conn.execute(update(tables.notifications).where(mine, n.state == "pending").values(
                state="failed", error="the contact details were deleted"))
            conn.execute(update(tables.notifications).where(mine).values(to_address="", subject="", body=REMOVED))
            audit.record_in(conn, "reports.contact-purge", reference, 1, actor="central:retention")
    return len(due)


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
            audit.record_in(conn, "documents.purge", receipt, 1, actor="central:retention")
    return len(due)
