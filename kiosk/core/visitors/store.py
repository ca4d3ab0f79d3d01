"""The visitor desk's own tables in the device database, with their own migrations
(sqlite-utils `Migrations("hubkiosk.visitors")`), applied when the register opens.

- `register`: who is on site now, for sign-out and the fire roll-call. Only what the kiosk
  must read back, encrypted with the device key (`details`); rows go at sign-out or on
  schedule.
- `tickets`: ticket numbers for booked appointments, counted per service per day (works
  offline).

Devices set up before these tables moved here already have them (they were made by the
sync package's third migration): `IF NOT EXISTS` keeps both kinds of device the same.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

migrations = Migrations("hubkiosk.visitors")


@migrations()
def m001_register_and_tickets(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE IF NOT EXISTS register (
            visit_id TEXT PRIMARY KEY,
            checked_in_at REAL NOT NULL,
            details BLOB NOT NULL,
            name_index TEXT NOT NULL,
            safe_at REAL,
            printed INTEGER NOT NULL DEFAULT 0
        )
        """
    )
    db.execute("CREATE TABLE IF NOT EXISTS tickets (day TEXT NOT NULL, prefix TEXT NOT NULL, last INTEGER NOT NULL,"
               " PRIMARY KEY (day, prefix))")


def prepare(db: sqlite_utils.Database) -> None:
    """Bring the visitor tables up to date (cheap when they are)."""
    migrations.apply(db)
