"""Signing and storing reference data for kiosks."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select

from central import db as tables
from sync.crypto import canonical_json
from sync.protocol import SignedDocument, signed_body


def publish(conn, keys, name: str, data: dict) -> SignedDocument:
    """Sign and store a new version of reference document `name` (in the caller's transaction)."""
    current = conn.execute(select(func.max(tables.reference.c.version)).where(
        tables.reference.c.name == name)).scalar() or 0
    issued = datetime.now(timezone.utc)
    doc = SignedDocument(name=name, version=current + 1, issued_at=issued, data=data,
                         signature=keys.sign(canonical_json(signed_body(name, current + 1, issued, data))))
    conn.execute(tables.reference.delete().where(tables.reference.c.name == name))
    conn.execute(tables.reference.insert().values(name=name, version=doc.version, document=doc.model_dump_json()))
    return doc
