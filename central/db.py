"""Central's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import (
    Boolean,
    DDL,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine

metadata = MetaData()


def aware(moment: datetime | None) -> datetime | None:
    """A stored time as UTC: SQLite gives them back without a zone (every time here is UTC)."""
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def plain(row: dict) -> dict:
    """A row as JSON can hold it: its times as ISO text in UTC."""
    return {key: aware(value).isoformat() if isinstance(value, datetime) else value for key, value in row.items()}


def print_lines(rows) -> None:
    """Rows as JSON lines, for the command line (times as ISO text, keys sorted)."""
    import json

    for row in rows:
        print(json.dumps(plain(row), ensure_ascii=False, sort_keys=True))

devices = Table(
    "devices", metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(40), nullable=False),
    Column("site", String(80), nullable=False),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("revoked", Boolean, nullable=False, default=False),
    Column("enrolled_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True)),
    Column("app_version", String(40)),
    Column("queue_depth", Integer),
    Column("oldest_unsent_seconds", Float),
    Column("disk_free_mb", Integer),
    Column("last_error", String(200)),  # the kiosk's last sync problem, as its heartbeat said
)

enrol_codes = Table(
    "enrol_codes", metadata,
    Column("code_sha256", String(64), primary_key=True),
    Column("site", String(80), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_by", String(36)),
)

records = Table(
    "records", metadata,
    Column("id", String(36), primary_key=True),  # the kiosk's UUIDv7: UNIQUE end to end
    Column("device_id", String(36), ForeignKey("devices.id"), nullable=False),
    Column("kind", String(40), nullable=False, index=True),
    Column("schema_version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("payload", LargeBinary, nullable=False),  # still sealed: opened only when used
    Column("payload_sha256", String(64), nullable=False),
    Column("attachments", Text, nullable=False),  # JSON list of {name, sha256, size}
    Column("complete", Boolean, nullable=False),
    Column("receipt", String(120), nullable=False),
)

attachments = Table(
    "attachments", metadata,
    Column("record_id", String(36), ForeignKey("records.id"), primary_key=True),
    Column("name", String(64), primary_key=True),
    Column("sha256", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("received", Boolean, nullable=False, default=False),
)

reference = Table(
    "reference", metadata,
    Column("name", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("document", Text, nullable=False),  # the signed JSON document
)


# ----- visitors and appointments (central/visitors.py) ---------------------------------------
hosts = Table(
    "hosts", metadata,  # the staff directory; kiosks get id, name and department, never email
    Column("id", String(40), primary_key=True),
    Column("name", String(120), nullable=False),
    Column("department", String(120), nullable=False, default=""),
    Column("email", String(254), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
)

invites = Table(
    "invites", metadata,
    Column("code", String(12), primary_key=True),
    Column("site", String(80), nullable=False, index=True),
    Column("visitor", String(120), nullable=False),
    Column("company", String(120), nullable=False, default=""),
    Column("email", String(254), nullable=False, default=""),
    Column("host_id", String(40), nullable=False),
    Column("day", String(10), nullable=False),  # ISO date
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
)

appointments = Table(
    "appointments", metadata,
    Column("reference", String(40), primary_key=True),
    Column("site", String(80), nullable=False, index=True),
    Column("day", String(10), nullable=False),
    Column("time", String(5), nullable=False),
    Column("service", String(80), nullable=False),
    Column("prefix", String(2), nullable=False),
    Column("arrived_at", DateTime(timezone=True)),
    Column("ticket", String(10)),
)

visits = Table(
    "visits", metadata,  # who is on site, by the check-in and sign-out records
    Column("visit_id", String(36), primary_key=True),
    Column("site", String(80), nullable=False, index=True),
    Column("device_id", String(36), nullable=False),
    Column("name", String(120), nullable=False),
    Column("company", String(120), nullable=False, default=""),
    Column("host_id", String(40), nullable=False),
    Column("host_name", String(120), nullable=False),
    Column("checked_in_at", DateTime(timezone=True), nullable=False),
    Column("signed_out_at", DateTime(timezone=True)),
)

visitors = Table(
    # returning visitors, found by a hash of their email, only by kiosks of the same site
    # (the older table "visitors" had no site: it is no longer read)
    "returning_visitors", metadata,
    Column("site", String(80), primary_key=True),
    Column("email_sha256", String(64), primary_key=True),
    Column("name", String(120), nullable=False),
    Column("company", String(120), nullable=False, default=""),
    Column("vehicle", String(12), nullable=False, default=""),
    Column("last_visit", DateTime(timezone=True), nullable=False),
)

documents = Table(
    "documents", metadata,  # documents residents scanned at kiosks, for the teams handling claims
    Column("receipt", String(20), primary_key=True),          # the number on the resident's slip
    Column("record_id", String(36), nullable=False, unique=True),  # its PDF: files/<record_id>/documents.pdf
    Column("site", String(80), nullable=False, index=True),
    Column("device_id", String(36), nullable=False),
    Column("purpose", String(30), nullable=False, index=True),
    Column("kind", String(30), nullable=False),
    Column("reference", String(40), nullable=False, default="", index=True),
    Column("name", String(120), nullable=False, default=""),
    Column("postcode", String(10), nullable=False, default=""),
    Column("pages", Integer, nullable=False),
    Column("scanned_at", DateTime(timezone=True), nullable=False),
    Column("purged_at", DateTime(timezone=True)),  # its PDF and personal details deleted (retention)
)

feedback = Table(
    "feedback", metadata,  # anonymous answers after a journey: which journey, where, which day
    Column("record_id", String(36), primary_key=True),
    Column("site", String(80), nullable=False, index=True),
    Column("journey", String(20), nullable=False, index=True),
    Column("day", String(10), nullable=False),
    Column("found", Boolean),
    Column("stars", Integer),
    Column("comment", Text, nullable=False, default=""),
    Column("language", String(5), nullable=False, default=""),
)

notifications = Table(
    "notifications", metadata,  # emails to send (hosts, invited visitors), sent by one worker
    Column("id", String(36), primary_key=True),
    Column("record_id", String(36), index=True),  # what caused it (unique per purpose)
    Column("to_address", String(254), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("attachment", LargeBinary),
    Column("attachment_name", String(64)),
    Column("state", String(10), nullable=False, default="pending"),  # pending | sent | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_at", DateTime(timezone=True), nullable=False),
    Column("claimed_until", DateTime(timezone=True)),
    Column("sent_at", DateTime(timezone=True)),
    Column("error", String(200)),
    # residents' progress notices (central/notices.py): one per key, by email or text message
    Column("notice_key", String(80)),   # "<reference>:<event>", unique (index below)
    Column("channel", String(5)),       # email (also when empty) | sms
    Column("provider_id", String(64)),  # GOV.UK Notify's id for it, once sent there
)
Index("ux_notifications_notice_key", notifications.c.notice_key, unique=True)

reports = Table(
    "reports", metadata,  # street problems residents reported at kiosks (central/reports.py)
    Column("reference", String(24), primary_key=True),            # RPT-..., on the resident's slip
    Column("record_id", String(36), nullable=False, unique=True),  # its photo: files/<record_id>/photo.jpg
    Column("site", String(80), nullable=False, index=True),
    Column("device_id", String(36), nullable=False),
    Column("category", String(40), nullable=False, index=True),
    Column("service_code", String(40), nullable=False, default=""),
    Column("location_kind", String(10), nullable=False, default=""),  # address | street | postcode
    Column("location_text", String(200), nullable=False, default=""),
    Column("uprn", String(12), nullable=False, default=""),
    Column("usrn", String(12), nullable=False, default=""),
    Column("postcode", String(8), nullable=False, default=""),
    Column("lat", Float),
    Column("lon", Float),
    Column("street", String(120), nullable=False, default=""),  # street-level place for the tracking page
    Column("town", String(80), nullable=False, default=""),
    Column("landmark", String(200), nullable=False, default=""),
    Column("description", Text, nullable=False, default=""),
    Column("answers", Text, nullable=False, default="{}"),  # JSON {question code: answer}
    Column("contact_name", String(120), nullable=False, default=""),
    Column("contact_email", String(254), nullable=False, default=""),
    Column("contact_phone", String(30), nullable=False, default=""),
    Column("contact_deleted_at", DateTime(timezone=True)),  # the retention period after it closed
    Column("has_photo", Boolean, nullable=False, default=False),
    Column("media_secret", String(64), nullable=False),  # in the photo's unguessable public URL
    Column("language", String(10), nullable=False, default=""),
    Column("reported_at", DateTime(timezone=True), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    # forwarding to the back office over Open311 (central/open311.py)
    Column("state", String(10), nullable=False, default="pending", index=True),  # pending | sent | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_at", DateTime(timezone=True), nullable=False),
    Column("claimed_until", DateTime(timezone=True)),
    Column("unsure", Boolean, nullable=False, default=False),  # a send may have landed: look it up first
    Column("first_sent_at", DateTime(timezone=True)),
    Column("forwarded_at", DateTime(timezone=True)),
    Column("last_error", String(200)),
    Column("service_request_id", String(64), index=True),
    Column("token", String(64)),
    # the back office's own progress (GET requests/{id}.json)
    Column("status", String(20), nullable=False, default=""),  # open | closed
    Column("status_notes", Text, nullable=False, default=""),
    Column("status_updated_at", DateTime(timezone=True)),
    Column("status_checked_at", DateTime(timezone=True)),
)


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{Path(data_dir) / 'central.db'}"


def private_sqlite_file(url: str) -> None:
    """Make an SQLite database file (and its WAL and shared-memory files, which SQLite
    creates with the database's own mode) readable by central's user alone, whatever the
    folder or umask: it holds names, dates of birth and email addresses."""
    if not url.startswith("sqlite:///") or url == "sqlite:///:memory:":
        return
    path = Path(url.removeprefix("sqlite:///"))
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if name.exists() and name.stat().st_mode & 0o077:
            name.chmod(0o600)


def make_engine(url: str) -> Engine:
    """An engine with SQLite set up for safe concurrent writes; tables created."""
    private_sqlite_file(url)
    # A server database can drop idle connections: check before use. SQLite cannot.
    engine = create_engine(url, pool_pre_ping=not url.startswith("sqlite"), future=True)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            # pysqlite's own transaction handling starts a transaction only before a write
            # and leaves SAVEPOINT alone, so a savepoint opened first is released straight
            # to disk: the "nested" insert of a record survived the rollback of its batch.
            # SQLAlchemy's documented cure: the driver in autocommit, and SQLAlchemy itself
            # says BEGIN (the "begin" hook below). Savepoints are then real.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=30000"):
                cur.execute(f"PRAGMA {pragma}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):
            # A transaction that writes takes the write lock at BEGIN (IMMEDIATE), so it
            # waits its turn (busy_timeout) instead of failing when it upgrades a stale read;
            # reads (engine.connect()) stay DEFERRED and never block a writer under WAL.
            immediate = conn.get_execution_options().get("sqlite_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
    metadata.create_all(engine)
    _add_new_columns(engine)
    return engine


def _add_new_columns(engine: Engine) -> None:
    """Columns added to a table since a database was made (each nullable, so an older row
    reads as "not yet"): added in place, so an upgraded central opens yesterday's data."""
    from sqlalchemy import inspect

    present = inspect(engine)
    with begin(engine) as conn:
        for table in metadata.sorted_tables:
            have = {c["name"] for c in present.get_columns(table.name)}
            for column in table.columns:
                if column.name not in have and column.nullable:
                    kind = column.type.compile(dialect=engine.dialect)
                    conn.exec_driver_sql(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}')
    # ...and the indexes on them (create_all makes a table's indexes only with the table)
    for table in metadata.sorted_tables:
        have = {i["name"] for i in inspect(engine).get_indexes(table.name)}
        for index in table.indexes:
            if index.name not in have:
                index.create(engine)


def begin(engine: Engine):
    """`engine.begin()` for a transaction that writes: on SQLite it holds the write lock from
    its first statement, so what it read is still true when it writes."""
    return engine.execution_options(sqlite_write=True).begin()


# ----- My Account signups (central/accounts.py) ----------------------------------------------
accounts = Table(
    "accounts", metadata,  # residents' accounts made from kiosk signups; no password until activated
    Column("id", String(36), primary_key=True),
    Column("reference", String(20), nullable=False, unique=True),  # ACC-..., on the resident's slip
    Column("record_id", String(36), nullable=False, unique=True),
    Column("email", String(254), nullable=False, unique=True),     # lower case
    Column("first_name", String(100), nullable=False, default=""),
    Column("last_name", String(100), nullable=False, default=""),
    Column("mobile", String(20), nullable=False, default=""),      # E.164
    Column("uprn", String(12), nullable=False, default=""),
    Column("address_lines", Text, nullable=False, default="[]"),  # JSON list
    Column("town", String(80), nullable=False, default=""),
    Column("postcode", String(10), nullable=False, default=""),
    Column("address_manual", Boolean, nullable=False, default=False),
    Column("date_of_birth", String(10), nullable=False, default=""),  # ISO date
    Column("contact_by", String(40), nullable=False, default="[]"),  # JSON list: email, text, post
    Column("terms_version", String(20), nullable=False, default=""),
    Column("accepted_at", DateTime(timezone=True)),
    Column("assisted_by", String(80), nullable=False, default=""),
    Column("site", String(80), nullable=False, index=True),
    Column("language", String(5), nullable=False, default="en"),
    Column("state", String(10), nullable=False, default="pending"),  # pending | active
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("activated_at", DateTime(timezone=True)),
    Column("token_sha256", String(64), unique=True),  # the emailed link's token, only as a hash
    Column("token_expires_at", DateTime(timezone=True)),
    Column("links_day", String(10), nullable=False, default=""),  # new links asked for on this day...
    Column("links_that_day", Integer, nullable=False, default=0),  # ...and how many (a daily cap)
    Column("password_hash", String(200)),  # scrypt$N$r$p$salt$hash (central/passwords.py)
)

signup_followups = Table(
    "signup_followups", metadata,  # residents who left signup part way and asked to be contacted
    Column("record_id", String(36), primary_key=True),
    Column("reference", String(20), nullable=False, default="", index=True),
    Column("site", String(80), nullable=False),
    Column("first_name", String(100), nullable=False, default=""),
    Column("last_name", String(100), nullable=False, default=""),
    Column("email", String(254), nullable=False, default=""),
    Column("mobile", String(20), nullable=False, default=""),
    Column("stage", String(30), nullable=False, default=""),
    Column("assisted_by", String(80), nullable=False, default=""),
    Column("language", String(5), nullable=False, default="en"),
    Column("asked_at", DateTime(timezone=True), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("done_at", DateTime(timezone=True)),
    Column("done_by", String(80)),
)


# ----- sites (central/sites.py) ----------------------------------------------------------------
sites = Table(
    "sites", metadata,  # every site kiosks are enrolled at; its slug names its documents
    Column("slug", String(40), primary_key=True),  # sync.protocol.site_slug(name)
    Column("name", String(80), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


# ----- the audit log (central/audit.py) --------------------------------------------------------
audit = Table(
    "audit", metadata,  # every view of personal data: who, when, what (never the data itself)
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("actor", String(120), nullable=False),       # shell:<user> now; a staff account later
    Column("action", String(40), nullable=False),       # e.g. "accounts.full", "documents.export"
    Column("subject", String(200), nullable=False, default=""),  # the filter used, e.g. a reference
    Column("rows", Integer, nullable=False, default=0),  # how many records were shown
)
# Nobody edits the audit log, the service included: both databases refuse it.
for _when in ("UPDATE", "DELETE"):
    event.listen(audit, "after_create", DDL(
        f"CREATE TRIGGER audit_no_{_when.lower()} BEFORE {_when} ON audit "
        "BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END").execute_if(dialect="sqlite"))
event.listen(audit, "after_create", DDL(
    "CREATE OR REPLACE FUNCTION audit_unchangeable() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'the audit log cannot be changed'; END $$").execute_if(dialect="postgresql"))
event.listen(audit, "after_create", DDL(
    "CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON audit "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_unchangeable()").execute_if(dialect="postgresql"))


# ----- attachment uploads in progress (central/uploads.py) -------------------------------------
uploads = Table(
    "uploads", metadata,  # one tus upload per attachment at a time; its bytes are in central.files
    Column("uid", String(32), primary_key=True),
    Column("device_id", String(36), nullable=False),
    Column("record_id", String(36), nullable=False),
    Column("name", String(64), nullable=False),
    Column("length", Integer, nullable=False),
    Column("metadata", Text, nullable=False, default=""),  # Upload-Metadata as the client sent it
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
    Index("uploads_attachment", "record_id", "name"),
)


# ----- the staff console (central/staff.py, central/work.py, central/console/) -----------------
staff = Table(
    "staff", metadata,  # council staff who sign in to the console
    Column("id", String(36), primary_key=True),
    Column("email", String(254), nullable=False, unique=True),  # lower case
    Column("name", String(120), nullable=False),
    Column("state", String(10), nullable=False, default="invited"),  # invited | active | disabled
    Column("password_hash", String(200)),  # as residents' (central/passwords.py)
    Column("totp_secret", LargeBinary),  # sealed with the council's key
    Column("totp_last_step", Integer, nullable=False, default=0),  # a code is good once
    Column("setup_sha256", String(64), unique=True),  # the one-time set-up link's token, as a hash
    Column("setup_expires_at", DateTime(timezone=True)),
    Column("failures", Integer, nullable=False, default=0),  # wrong sign-ins since the last good one
    Column("lockouts", Integer, nullable=False, default=0),  # each lock lasts twice the one before
    Column("locked_until", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("signed_in_at", DateTime(timezone=True)),
)

staff_roles = Table(
    "staff_roles", metadata,  # what each member of staff may do, and where: "*" is every site or service
    Column("staff_id", String(36), ForeignKey("staff.id"), primary_key=True),
    Column("role", String(20), primary_key=True),
    Column("site", String(80), primary_key=True),
    Column("service", String(40), primary_key=True),
)

staff_sessions = Table(
    "staff_sessions", metadata,  # signed-in browsers: the cookie's value is kept only as a hash
    Column("id_sha256", String(64), primary_key=True),
    Column("staff_id", String(36), ForeignKey("staff.id"), nullable=False, index=True),
    Column("csrf", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("seen_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
    Column("flash", String(300)),  # what the next page says was done (kept here, never in the address)
)

work_items = Table(
    "work_items", metadata,  # everything that needs a person, with its service-level clock
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(20), nullable=False),  # document | street-report | follow-up
    Column("record_id", String(36), nullable=False),
    Column("reference", String(40), nullable=False, index=True),  # as on the resident's slip
    Column("service", String(40), nullable=False),
    Column("site", String(80), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("amber_at", DateTime(timezone=True), nullable=False),
    Column("due_at", DateTime(timezone=True), nullable=False),
    Column("state", String(10), nullable=False, default="open"),  # open | claimed | closed
    Column("assignee", String(36)),  # a staff id
    Column("outcome", String(200), nullable=False, default=""),
    Column("closed_at", DateTime(timezone=True)),
    Column("escalated_at", DateTime(timezone=True)),
    Index("work_items_record", "kind", "record_id", unique=True),
    Index("work_items_queue", "service", "state", "due_at"),
    Index("work_items_site", "site", "state", "due_at"),
    Index("work_items_due", "state", "due_at"),
    Index("work_items_closed", "state", "closed_at"),
)

work_events = Table(
    "work_events", metadata,  # each item's history: claimed, assigned, a note, closed
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("item_id", Integer, ForeignKey("work_items.id"), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(120), nullable=False),
    Column("action", String(20), nullable=False),
    Column("note", Text, nullable=False, default=""),
)

api_keys = Table(
    "api_keys", metadata,  # back-office integrations pulling documents and reports (JSON API)
    Column("id", String(12), primary_key=True),  # shown; the secret part only as a hash
    Column("name", String(80), nullable=False),
    Column("secret_sha256", String(64), nullable=False),
    Column("services", String(400), nullable=False),  # comma-separated, or "*"
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)

digests = Table(
    "digests", metadata,  # each service's daily digest, sent once a day whatever the number of servers
    Column("service", String(40), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("sent_at", DateTime(timezone=True), nullable=False),
    Column("items", Integer, nullable=False),
)

timescales = Table(
    "timescales", metadata,  # the council's charter per kind of item, as administrators set it
    Column("kind", String(20), primary_key=True),
    Column("working_days", Integer, nullable=False),
    Column("warn_days", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(120), nullable=False),
)

oidc_logins = Table(
    "oidc_logins", metadata,  # sign-ins with the council's identity provider under way (one-time state)
    Column("state_sha256", String(64), primary_key=True),
    Column("nonce", String(64), nullable=False),
    Column("verifier", String(128), nullable=False),  # PKCE
    Column("next_path", String(200), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
)
