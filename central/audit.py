"""The audit log: every view of personal data, who saw it and when, never the data itself.

The log only grows: both databases refuse to change or delete its rows (central/db.py), the
service included. Today the viewers are the command line's listings (`shell:<user>`); the
staff console will record its staff accounts the same way.

    python -m central audit --data DIR [--since 2026-12-01] [--csv]
"""

from __future__ import annotations

import csv
import getpass
import io
import json
from datetime import date, datetime, timezone

from sqlalchemy import select

from central import db as tables

COMMANDS = {"audit": "every view of personal data (who, when, what), oldest first"}


def shell_actor() -> str:
    """Who runs this command, as the operating system knows them."""
    try:
        return f"shell:{getpass.getuser()}"[:120]
    except (KeyError, OSError):  # no name for this user id (a container, say)
        return "shell:unknown"


def record(engine, action: str, subject: str = "", rows: int = 0, actor: str | None = None) -> None:
    """Record one view, committed before the data is shown: no record, no view."""
    with tables.begin(engine) as conn:
        record_in(conn, action, subject, rows, actor)


def record_in(conn, action: str, subject: str = "", rows: int = 0, actor: str | None = None) -> None:
    """`record`, in the caller's transaction: a change and its audit row commit together."""
    conn.execute(tables.audit.insert().values(
        at=datetime.now(timezone.utc), actor=(actor or shell_actor())[:120], action=action[:40],
        subject=subject[:200], rows=rows))


def listing(engine, since: date | None = None) -> list[dict]:
    query = select(tables.audit).order_by(tables.audit.c.id)
    if since:
        query = query.where(tables.audit.c.at >= datetime.combine(since, datetime.min.time(), timezone.utc))
    with engine.connect() as conn:
        rows = [dict(row) for row in conn.execute(query).mappings()]
    for row in rows:
        row["at"] = tables.aware(row["at"]).isoformat()
    return rows


def _cell(value):
    """A spreadsheet never runs a cell as a formula (a reference typed as =HYPERLINK(...))."""
    return f"'{value}" if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def add_arguments(name: str, parser) -> None:
    if name == "audit":
        parser.add_argument("--since", type=date.fromisoformat, metavar="YYYY-MM-DD", help="only views from this day on")
        parser.add_argument("--csv", action="store_true", help="as CSV (for a spreadsheet) instead of JSON lines")


def run(args, engine) -> int:
    rows = listing(engine, args.since)
    if args.csv:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=["id", "at", "actor", "action", "subject", "rows"])
        writer.writeheader()
        writer.writerows({key: _cell(value) for key, value in row.items()} for row in rows)
        print(out.getvalue(), end="")
    else:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False, sort_keys=True))
    return 0
