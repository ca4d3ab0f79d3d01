"""The device's SQLite database, opened the same careful way every time.

    >>> db = open_db(tmp / "kiosk.db")        # doctest: +SKIP

Every connection gets WAL, `synchronous=FULL` (a commit survives a power cut),
`foreign_keys=ON` and `secure_delete=ON` (deleted personal data is overwritten, not left
in free pages), and checks they took effect. The schema is applied with sqlite-utils
migrations, each in its own transaction.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils
from sqlite_utils import Migrations

from sync import SyncError

PRAGMAS = {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "secure_delete": 1}

migrations = Migrations("hubkiosk.sync")


@migrations()
def m001_outbox(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE outbox (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            schema_version INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            payload BLOB,
            payload_sha256 TEXT NOT NULL,
            attachments TEXT NOT NULL DEFAULT '[]',
            state TEXT NOT NULL CHECK (state IN ('ready', 'sending', 'acked', 'dead')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL NOT NULL,
            lease_until REAL,
            last_error TEXT,
            receipt TEXT,
            acked_at REAL
        )
        """
    )
    db.execute("CREATE INDEX outbox_due ON outbox (state, next_attempt_at)")
    db.execute("CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


@migrations()
def m002_reference(db: sqlite_utils.Database) -> None:
    db.execute("CREATE TABLE reference (name TEXT PRIMARY KEY, version INTEGER NOT NULL, document TEXT NOT NULL)")


@migrations()
def m003_sealed_reference(db: sqlite_utils.Database) -> None:
    # Reference documents are kept encrypted from now on: drop plain copies (fetched again).
    # (The visitor desk's tables, once made here, have their own migrations in
    # kiosk.core.visitors.store.)
    db.execute("DELETE FROM reference")


@migrations()
def m004_lease_owner(db: sqlite_utils.Database) -> None:
    # Which process holds a lease: one left by a process that has died is taken back at once
    # rather than when it runs out.
    db.execute("ALTER TABLE outbox ADD COLUMN lease_owner TEXT")


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries to disk: a file created or renamed in it survives a power cut."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class StoreError(SyncError):
    """The database could not be opened with the settings it must have."""


class StorageFailed(StoreError):
    """The device's storage refused a write (disk full, read-only, failing, locked too long).
    Nothing queued before is touched: SQLite rolls the failed transaction back whole.
    People are told "this kiosk cannot save right now; please ask a member of staff"."""


def configure(conn: sqlite3.Connection) -> None:
    """Apply and verify the pragmas on one connection."""
    for name, wanted in PRAGMAS.items():
        conn.execute(f"PRAGMA {name} = {wanted}")
        got = conn.execute(f"PRAGMA {name}").fetchone()[0]
        if str(got).lower() != str(wanted).lower():
            raise StoreError(f"PRAGMA {name} is {got!r}, expected {wanted!r}")


def open_db(path: Path) -> sqlite_utils.Database:
    """Open (creating if needed) the device database with its schema up to date."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    new = not path.exists()
    try:
        conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
        if new:
            os.chmod(path, 0o600)
        configure(conn)
        db = sqlite_utils.Database(conn)
        migrations.apply(db)
    except (sqlite3.OperationalError, OSError) as exc:  # a full or failing disk, at start
        raise StorageFailed(f"the device database could not be opened: {exc}") from exc
    return db


@contextmanager
def transaction(db: sqlite_utils.Database):
    """`BEGIN IMMEDIATE` ... `COMMIT`: one writer at a time, all or nothing."""
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        # Some errors (a full disk, an I/O error) end the transaction by themselves: a
        # ROLLBACK then would fail and hide the error that matters.
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
