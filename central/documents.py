"""Documents residents scanned at kiosks: filed by claim reference for the teams that need
them. The record arrives first (and is filed here, in its own transaction); its PDF follows
as an attachment, and the kiosk gets its receipt only once both are safe.

    python -m central documents --data DIR [--reference 50012345] [--export FOLDER]
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select

from central import db as tables
from central import work
from sync.payloads import DocumentScan

PDF_NAME = DocumentScan.ATTACHMENT


def file(conn, _keys, device: dict, record_id: str, p: DocumentScan) -> None:
    """File a newly stored scan (once per record id, in the savepoint that stores it)."""
    conn.execute(tables.documents.insert().values(
        receipt=p.receipt, record_id=record_id, site=device["site"], device_id=device["id"], purpose=p.purpose,
        kind=p.kind, reference=p.reference, name=p.name, postcode=p.postcode, pages=p.pages,
        scanned_at=p.scanned_at))
    # the clock runs from when the resident handed it over (a kiosk offline for a day gains nothing)
    work.open_item(conn, "document", record_id, p.receipt, work.document_service(p.purpose), device["site"],
                   min(p.scanned_at, datetime.now(timezone.utc)))


def listing(engine, reference: str | None = None) -> list[dict]:
    """Filed documents, newest first, with whether their PDF has arrived."""
    query = (select(tables.documents, tables.attachments.c.received)
             .join(tables.attachments, (tables.attachments.c.record_id == tables.documents.c.record_id)
                   & (tables.attachments.c.name == PDF_NAME), isouter=True)
             .order_by(tables.documents.c.scanned_at.desc()))
    if reference:
        query = query.where(tables.documents.c.reference == reference.replace(" ", "").upper())
    with engine.connect() as conn:
        rows = [dict(row) for row in conn.execute(query).mappings()]
    for row in rows:
        row["pdf"] = bool(row.pop("received"))
        row["scanned_at"] = row["scanned_at"].isoformat()
    return rows


def export(engine, files, keys, folder: Path, reference: str | None = None) -> int:
    """Write each filed document whose PDF has arrived as FOLDER/<receipt>.pdf, opened with
    the council's key (central keeps attachments sealed, as the kiosk sent them)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    written = 0
    for row in listing(engine, reference):
        sealed = files.read(row["record_id"], PDF_NAME) if row["pdf"] else None
        if sealed:
            (folder / f"{row['receipt']}.pdf").write_bytes(keys.open(sealed))
            written += 1
    return written


print_listing = tables.print_lines
