"""Storing a batch of records from a kiosk, and what each record causes, in plain Python.

`Submissions.store(batch, device)` answers each record (accepted, duplicate, incomplete,
rejected or retry). A record and everything central does because of it (its handler's
effects: the visit, the host email, the filed document...) share one savepoint: both
commit, or neither does. A kind's handler is looked up in `HANDLERS`; kinds without one
(roll-call copies, diagnostics) are stored and receipted only.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from typing import Callable

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from central import accounts, documents, feedback, reports, visitors
from central import db as tables
from sync import payloads
from sync.crypto import CryptoFailure, sha256_hex, unb64
from sync.protocol import RecordResult, SubmissionBatch, receipt_message

log = logging.getLogger("central.records")

# kind -> what files it: `handler(conn, keys, device, record_id, payload)`, called in the
# record's savepoint with its payload validated. Kinds without one (roll-call copies,
# diagnostics) are stored and receipted only.
HANDLERS: dict[str, Callable] = {
    payloads.VisitorCheckIn.KIND: visitors.check_in,
    payloads.VisitorSignOut.KIND: visitors.sign_out,
    payloads.VisitorSignOutAll.KIND: visitors.sign_out,
    payloads.AppointmentArrival.KIND: visitors.arrival,
    payloads.DocumentScan.KIND: documents.file,
    payloads.StreetReport.KIND: reports.file,
    payloads.AccountSignup.KIND: accounts.sign_up,
    payloads.SignupFollowUp.KIND: accounts.follow_up,
    payloads.Feedback.KIND: feedback.file,
}


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Submissions:
    """Stores batches for `engine`, opening payloads with the council's `keys`."""

    def __init__(self, engine, keys) -> None:
        self.engine = engine
        self.keys = keys

    def store(self, batch: SubmissionBatch, dev: dict) -> list[RecordResult]:
        """Check every record first (no database: its hash, its seal, its payload against
        its kind's model), then store the whole batch in one
        transaction: one commit to disk per batch, not per record."""
        checked = [self._check(record) for record in batch.records]
        with tables.begin(self.engine) as conn:
            return [self._store(conn, record, dev, payload) if answer is None else self._stored(conn, record, dev)
                    or answer for record, (answer, payload) in zip(batch.records, checked, strict=True)]

    def _stored(self, conn, record, dev: dict) -> RecordResult | None:
        """A refused record central already holds (sent before central's models were
        stricter, say): the kiosk gets its receipt, not a dead letter for what arrived."""
        held = self._repeat(conn, record, dev["id"])
        return None if held.status == "rejected" else held  # not held (or not this one): the refusal stands

    def _check(self, record) -> tuple[RecordResult | None, payloads.Payload | None]:
        """(a rejection for a record that can never be accepted, else None; its payload)."""
        try:
            sealed = unb64(record.payload)
        except CryptoFailure:
            return RecordResult(id=record.id, status="rejected", error="payload is not base64"), None
        if sha256_hex(sealed) != record.payload_sha256:
            return RecordResult(id=record.id, status="rejected", error="payload does not match its hash"), None
        try:
            opened = self.keys.open(sealed)
        except CryptoFailure:
            return RecordResult(id=record.id, status="rejected", error="payload is not sealed to this council"), None
        try:
            return None, payloads.parse(record.kind, record.schema_version, opened)
        except payloads.UnknownPayload as exc:
            return RecordResult(id=record.id, status="rejected", error=str(exc)), None
        except payloads.ValidationError as exc:
            # Where it did not fit, never what it said: the payload is personal.
            log.warning("record %s (%s) refused: %s", record.id, record.kind, payloads.problem(exc))
            return RecordResult(id=record.id, status="rejected",
                                error=f"not a {record.kind} record central can read: {payloads.problem(exc)}"), None

    def _store(self, conn, record, dev: dict, payload: payloads.Payload) -> RecordResult:
        """Store a record and carry out everything it causes, together or not at all: one
        savepoint holds the record's row and all its effects, so a failure (or a crash) that
        undoes one undoes the other, and the kiosk's resend is then processed afresh."""
        device_id = dev["id"]
        receipt = self.keys.sign(receipt_message(record.id, record.payload_sha256))
        attachments = [a.model_dump() for a in record.attachments]
        values = dict(id=record.id, device_id=device_id, kind=record.kind,
                      schema_version=record.schema_version, created_at=record.created_at,
                      received_at=_now(), payload=unb64(record.payload), payload_sha256=record.payload_sha256,
                      attachments=json.dumps(attachments), complete=not attachments, receipt=receipt)
        savepoint = conn.begin_nested()
        try:
            conn.execute(tables.records.insert().values(**values))
        except IntegrityError:
            savepoint.rollback()
            return self._repeat(conn, record, device_id)
        try:
            for ref in attachments:
                conn.execute(tables.attachments.insert().values(record_id=record.id, received=False, **ref))
            handler = HANDLERS.get(record.kind)
            if handler is not None:  # the visit, the host email, the filed document...
                handler(conn, self.keys, dev, record.id, payload)
        except Exception as exc:  # noqa: BLE001 - the record and its effects wait for the resend
            savepoint.rollback()
            log.warning("record %s (%s) not stored this time: %s", record.id, record.kind, type(exc).__name__)
            return RecordResult(id=record.id, status="retry", error="central could not file this record just now")
        savepoint.commit()
        if attachments:
            return RecordResult(id=record.id, status="incomplete", missing_attachments=[a["name"] for a in attachments])
        return RecordResult(id=record.id, status="accepted", receipt=receipt)

    @staticmethod
    def _repeat(conn, record, device_id: str) -> RecordResult:
        """A record id central has seen before: the original receipt, or why not."""
        existing = conn.execute(select(tables.records).where(tables.records.c.id == record.id)).mappings().first()
        if existing is None or existing["device_id"] != device_id:
            return RecordResult(id=record.id, status="rejected", error="this record id belongs to another device")
        if existing["payload_sha256"] != record.payload_sha256:
            return RecordResult(id=record.id, status="rejected",
                                error="a different record was already received with this id")
        if not existing["complete"]:
            # Never a receipt before every attachment is here: the kiosk would delete its copy.
            names = [r.name for r in conn.execute(select(tables.attachments.c.name).where(
                tables.attachments.c.record_id == record.id, tables.attachments.c.received.is_(False)))]
            if names:
                return RecordResult(id=record.id, status="incomplete", missing_attachments=names)
            conn.execute(update(tables.records).where(tables.records.c.id == record.id).values(complete=True))
        return RecordResult(id=record.id, status="duplicate", receipt=existing["receipt"])
