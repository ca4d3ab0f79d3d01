"""The durable outbox: every record the kiosk must deliver, until central has it.

    >>> box = Outbox(open_db(tmp / "kiosk.db"), tmp / "attachments", council_public_b64)
    >>> record_id = box.enqueue(Feedback(journey="report", stars=5, day=today))  # doctest: +SKIP
    >>> batch = box.claim(100)                                     # doctest: +SKIP
    >>> box.ack(record_id, receipt)                                # doctest: +SKIP

States: ``ready`` -> (claim) ``sending`` -> ``acked`` | back to ``ready`` with a backoff |
``dead`` (rejected for good). A claim is a lease: if the process dies mid-send, the lease
runs out and the record is claimed again, so it is resent and never skipped; central
recognises the repeat by its id and hash and answers with the original receipt.

Payloads are sealed to the council's public key before they touch the disk; attachment
files are sealed too, written with temp file + fsync + rename before their row commits.
After an ack the payload is set to NULL and the files deleted; a small receipt row is kept
for reconciliation and purged later.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import psutil
import sqlite_utils
import uuid6

from sync import SyncError
from sync.crypto import seal, sha256_hex
from sync.payloads import Payload
from sync.protocol import MAX_PAYLOAD_BYTES, NAME_RE, UUID_RE
from sync.store import StorageFailed, fsync_dir, transaction

_NAME = re.compile(NAME_RE)


class OutboxError(SyncError):
    """A record could not be queued (not a payload, too large, unreadable attachment). When the
    device's storage itself refuses, the error is `StorageFailed` (sync.store)."""


@contextmanager
def _storage(outbox: "Outbox", what: str):
    """Map the database's and the file system's own errors to StorageFailed, and keep the
    latest one on the outbox (`storage_error`) so the status line can tell staff."""
    try:
        yield
    except (sqlite3.OperationalError, sqlite3.DatabaseError, OSError) as exc:
        outbox.storage_error = f"{what}: {type(exc).__name__}: {exc}"[:300]
        raise StorageFailed(f"the kiosk's storage refused to {what}") from exc
    outbox.storage_error = None


@dataclass(frozen=True)
class Outgoing:
    """One claimed record, ready to send."""

    id: str
    kind: str
    schema_version: int
    created_at: str
    payload: bytes
    payload_sha256: str
    attachments: list[dict]
    attempts: int


def _process_id(pid: int) -> str | None:
    """`pid:start time` of a running process (the start time tells a reused pid apart)."""
    try:
        return f"{pid}:{psutil.Process(pid).create_time():.3f}"
    except (psutil.Error, OSError):
        return None


def _owner_alive(owner: str) -> bool:
    pid, _sep, _started = owner.partition(":")
    return pid.isdigit() and _process_id(int(pid)) == owner


LEASE_OWNER = _process_id(os.getpid()) or f"{os.getpid()}:0"


def new_id() -> str:
    """A new record id: UUIDv7, time-ordered, the idempotency key end to end."""
    return str(uuid6.uuid7())


def backoff_seconds(attempts: int, base: float = 2.0, cap: float = 900.0, rng=random.random) -> float:
    """Full-jitter exponential backoff: uniform in [0, min(cap, base * 2**attempts)]."""
    return rng() * min(cap, base * (2 ** min(attempts, 30)))


class Outbox:
    """Queue of sealed records in the device database."""

    def __init__(self, db: sqlite_utils.Database, attachments_dir: Path, council_public_b64: str,
                 clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self.attachments_dir = Path(attachments_dir)
        self.attachments_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.council_public_b64 = council_public_b64
        self.clock = clock
        self.storage_error: str | None = None  # the last write the storage refused, until one succeeds

    def reopen(self) -> "Outbox":
        """The same outbox on a new database connection, for use on another thread.

        A SQLite connection must never be shared between threads that write: one thread's
        statements would land inside the other's transaction."""
        from sync.store import open_db

        path = self.db.execute("PRAGMA database_list").fetchone()[2]
        return Outbox(open_db(Path(path)), self.attachments_dir, self.council_public_b64, self.clock)

    def close(self) -> None:
        self.db.conn.close()

    # ----- writing ----------------------------------------------------------------------
    def enqueue(self, payload: Payload, *, attachments: dict[str, bytes] | None = None,
                record_id: str | None = None, also=None) -> str:
        """Seal and queue one record (and its attachments); returns its id once committed.
        Its kind and schema version are the payload model's (sync/payloads.py).

        `also(db)`, if given, runs inside the same transaction: a journey's own local state
        (say, the on-site register) commits together with its record or not at all.
        `record_id` lets a journey name the record first (a UUIDv7 from `new_id()`)."""
        if not isinstance(payload, Payload):
            raise OutboxError(f"a record's payload must be one of sync.payloads' models, not {type(payload).__name__}")
        sealed = seal(payload.to_json(), self.council_public_b64)
        if len(sealed) > MAX_PAYLOAD_BYTES:
            raise OutboxError("the record is too large to send")
        record_id = record_id or new_id()
        if not UUID_RE.match(record_id):
            raise OutboxError("invalid record id")
        with _storage(self, "save a record"):
            return self._enqueue(payload.KIND, payload.VERSION, sealed, record_id, attachments or {}, also)

    def _enqueue(self, kind, schema_version, sealed, record_id, attachments, also) -> str:
        refs = self._write_attachments(record_id, attachments)
        try:
            with transaction(self.db):
                self.db.execute(
                    "INSERT INTO outbox (id, kind, schema_version, created_at, payload, payload_sha256,"
                    " attachments, state, attempts, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'ready', 0, ?)",
                    [record_id, kind, schema_version, datetime.now(timezone.utc).isoformat(), sealed,
                     sha256_hex(sealed), json.dumps(refs), self.clock()],
                )
                if also is not None:
                    also(self.db)
        except BaseException:
            shutil.rmtree(self.attachments_dir / record_id, ignore_errors=True)
            raise
        return record_id

    def _write_attachments(self, record_id: str, attachments: dict[str, bytes]) -> list[dict]:
        if not attachments:
            return []
        folder = self.attachments_dir / record_id
        folder.mkdir(mode=0o700)
        refs = []
        try:
            for name, content in attachments.items():
                if not _NAME.match(name):
                    raise OutboxError(f"invalid attachment name {name!r}")
                sealed = seal(content, self.council_public_b64)
                tmp = folder / f".{name}.tmp"
                with open(tmp, "wb") as fh:
                    fh.write(sealed)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, folder / name)
                refs.append({"name": name, "sha256": sha256_hex(sealed), "size": len(sealed)})
            fsync_dir(folder)
            fsync_dir(self.attachments_dir)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)  # a half-written file never outlives its record
            raise
        return refs

    def attachment_path(self, record_id: str, name: str) -> Path:
        if not _NAME.match(name):
            raise OutboxError(f"invalid attachment name {name!r}")
        return self.attachments_dir / record_id / name

    # ----- sending ----------------------------------------------------------------------
    def claim(self, limit: int, lease_seconds: float = 60.0) -> list[Outgoing]:
        """Lease up to `limit` due records (ready and due, or sending with a lapsed lease, or
        leased by a process of this device that is no longer running)."""
        now = self.clock()
        with _storage(self, "claim records"), transaction(self.db):
            self._take_back_dead_leases()
            rows = self.db.execute(
                "SELECT id, kind, schema_version, created_at, payload, payload_sha256, attachments, attempts"
                " FROM outbox WHERE (state = 'ready' AND next_attempt_at <= ?)"
                " OR (state = 'sending' AND lease_until <= ?) ORDER BY id LIMIT ?",
                [now, now, limit],
            ).fetchall()
            if rows:
                self.db.execute(
                    f"UPDATE outbox SET state = 'sending', lease_until = ?, lease_owner = ?"
                    f" WHERE id IN ({','.join('?' * len(rows))})",
                    [now + lease_seconds, LEASE_OWNER, *[r[0] for r in rows]],
                )
        return [Outgoing(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), r[7]) for r in rows]

    def _take_back_dead_leases(self) -> None:
        owners = [r[0] for r in self.db.execute(
            "SELECT DISTINCT lease_owner FROM outbox WHERE state = 'sending' AND lease_owner IS NOT NULL"
            " AND lease_owner != ?", [LEASE_OWNER])]
        dead = [owner for owner in owners if not _owner_alive(owner)]
        if dead:
            self.db.execute(f"UPDATE outbox SET lease_until = 0 WHERE state = 'sending' AND lease_owner IN"
                            f" ({','.join('?' * len(dead))})", dead)

    def leased(self) -> int:
        """Records being sent right now (by this process or another that is still running)."""
        return self.db.execute("SELECT COUNT(*) FROM outbox WHERE state = 'sending'").fetchone()[0]

    def ack(self, record_id: str, receipt: str) -> None:
        """Central has it: drop the payload and files, keep a receipt."""
        self.ack_many([(record_id, receipt)])

    def ack_many(self, receipts: list[tuple[str, str]]) -> None:
        """`ack` for a whole batch in one transaction (one write to disk, not one per record)."""
        if not receipts:
            return
        now = self.clock()
        with transaction(self.db):
            self.db.conn.executemany(
                "UPDATE outbox SET state = 'acked', payload = NULL, receipt = ?, acked_at = ?, lease_until = NULL,"
                " last_error = NULL WHERE id = ?",
                [(receipt, now, record_id) for record_id, receipt in receipts],
            )
        base = str(self.attachments_dir)
        for record_id, _receipt in receipts:
            # os.path, not pathlib: pathlib interns every part, and a kiosk sends record
            # ids for years; most records have no folder at all.
            folder = os.path.join(base, record_id)
            if os.path.isdir(folder):
                shutil.rmtree(folder, ignore_errors=True)

    def retry(self, record_id: str, error: str, delay: float | None = None) -> None:
        """Not delivered this time: back to ready after a full-jitter backoff (or `delay`)."""
        self.retry_many([record_id], error, delay)

    def retry_many(self, record_ids: list[str], error: str, delay: float | None = None) -> None:
        """`retry` for a whole batch in one transaction; each record backs off on its own count."""
        if not record_ids:
            return
        now = self.clock()
        with transaction(self.db):
            rows = self.db.execute(
                f"SELECT id, attempts FROM outbox WHERE state = 'sending' AND id IN ({','.join('?' * len(record_ids))})",
                record_ids).fetchall()
            self.db.conn.executemany(
                "UPDATE outbox SET state = 'ready', attempts = attempts + 1, next_attempt_at = ?,"
                " lease_until = NULL, last_error = ? WHERE id = ?",
                [(now + (backoff_seconds(attempts + 1) if delay is None else delay), error[:500], record_id)
                 for record_id, attempts in rows],
            )

    def release(self, record_ids: list[str]) -> None:
        """Give claimed records back at once, without counting an attempt (queue paused)."""
        if record_ids:
            with transaction(self.db):
                self.db.execute(
                    f"UPDATE outbox SET state = 'ready', lease_until = NULL WHERE state = 'sending' AND id IN"
                    f" ({','.join('?' * len(record_ids))})", record_ids)

    def dead(self, record_id: str, error: str) -> None:
        """Rejected for good (central said 400/413/422): keep it out of the queue."""
        with transaction(self.db):
            self.db.execute(
                "UPDATE outbox SET state = 'dead', payload = NULL, lease_until = NULL, last_error = ? WHERE id = ?",
                [error[:500], record_id],
            )
        shutil.rmtree(self.attachments_dir / record_id, ignore_errors=True)

    def wake(self) -> None:
        """The network is back: make every waiting record due now."""
        with _storage(self, "wake the queue"), transaction(self.db):
            self.db.execute("UPDATE outbox SET next_attempt_at = ? WHERE state = 'ready'", [self.clock()])

    # ----- housekeeping -----------------------------------------------------------------
    def purge_receipts(self, older_than_seconds: float = 7 * 86400) -> int:
        with transaction(self.db):
            cursor = self.db.execute("DELETE FROM outbox WHERE state = 'acked' AND acked_at < ?",
                                     [self.clock() - older_than_seconds])
        return cursor.rowcount

    def sweep_orphans(self) -> int:
        """Remove attachment folders with no live record (left by a crash before commit)."""
        live = {r[0] for r in self.db.execute(
            "SELECT id FROM outbox WHERE state IN ('ready', 'sending')").fetchall()}
        removed = 0
        for child in self.attachments_dir.iterdir():
            if child.name not in live:
                shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink(missing_ok=True)
                removed += 1
        return removed

    def counts(self) -> dict[str, int]:
        counts = {"ready": 0, "sending": 0, "acked": 0, "dead": 0}
        for state, n in self.db.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state").fetchall():
            counts[state] = n
        return counts

    def waiting(self) -> int:
        """Records not yet delivered (ready or being sent)."""
        return self.db.execute("SELECT COUNT(*) FROM outbox WHERE state IN ('ready', 'sending')").fetchone()[0]

    def seconds_to_next_due(self, default: float = 60.0) -> float:
        """How long until a waiting record is due (`default` when none is waiting)."""
        row = self.db.execute("SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'ready'").fetchone()
        if not row or row[0] is None:
            return default
        return max(0.0, row[0] - self.clock())

    def oldest_unsent(self) -> str | None:
        row = self.db.execute(
            "SELECT MIN(created_at) FROM outbox WHERE state IN ('ready', 'sending')").fetchone()
        return row[0] if row else None

    def last_error(self) -> str | None:
        row = self.db.execute(
            "SELECT last_error FROM outbox WHERE last_error IS NOT NULL ORDER BY next_attempt_at DESC LIMIT 1"
        ).fetchone()
        return row[0] if row else None
