"""Central's HTTP API. `create_app(data_dir)` builds it; `python -m central serve` runs it.

Every error is a short JSON `{"detail": ...}` with no personal data in it, and nothing
personal is logged: records are identified by their ids alone.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import uuid
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

from fastapi import Depends, FastAPI, Header, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from central import db as tables
from central import account_pages, accounts, documents, feedback, publishing, reports, sites, tracking, visitors
from central.notify import Mailer, SmtpSettings
from central.open311 import Forwarder, Open311Settings
from central.files import open_files
from central.keys import load_or_create
from central.workers import Housekeeping
from central.uploads import PREFIX as UPLOADS, MAX_UPLOAD_BYTES, Uploads
from central.throttle import Throttle, TooManyRequests, client_of
from sync.crypto import CryptoFailure, sha256_hex, unb64
from sync.protocol import (
    API,
    MAX_BODY_BYTES,
    EnrolRequest,
    EnrolResponse,
    Heartbeat,
    HeartbeatAck,
    Problem,
    RecordResult,
    SignedDocument,
    SubmissionBatch,
    SubmissionResponse,
    receipt_message,
)
from sync.store import fsync_dir

ENROL_CODE_HOURS = 24
log = logging.getLogger("central")


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(timezone.utc)


class BodyLimit:
    """Refuse bodies over the limit before reading them (413), and stop a body sent without
    a length (chunked) once it passes the limit. Plain ASGI, so a large upload streams
    through without the extra task and queue a `BaseHTTPMiddleware` puts on every request."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # An upload may carry the rest of its file in one request; its route stops it at
        # the upload's own length.
        limit = MAX_UPLOAD_BYTES if scope["path"].startswith(UPLOADS) else MAX_BODY_BYTES
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None:
            if not length.isdigit():
                await JSONResponse({"detail": "Content-Length is not a number"}, status_code=400)(scope, receive, send)
                return
            if int(length) > limit:
                await JSONResponse({"detail": "the request is too large"}, status_code=413)(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise HTTPException(413, "the request is too large")
            return message

        await self.app(scope, counted, send)


# Sent with every response that does not set its own: no sniffing, no framing, no
# referrer, and a policy that forbids framing, plugins and foreign form targets even on
# FastAPI's own /docs page (whose script comes from its CDN, so it sets no script rule).
SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", b"frame-ancestors 'none'; object-src 'none'; base-uri 'none'; form-action 'self'"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every HTTP response that lacks them (plain ASGI)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        extra = SECURITY_HEADERS
        if scope["path"].startswith(UPLOADS):  # every tus answer, errors included, names the protocol
            extra = (*SECURITY_HEADERS, (b"tus-resumable", b"1.0.0"))

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _value in headers}
                headers += [(name, value) for name, value in extra if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def create_code(engine, site: str, hours: int = ENROL_CODE_HOURS) -> str:
    """A one-time enrolment code for a new kiosk at `site` (stored only as a hash; the site is
    registered if new, central.sites.SiteClash if its name is too close to another's)."""
    code = secrets.token_hex(5).upper()  # 10 characters, easy to type on a new device
    with tables.begin(engine) as conn:
        site = sites.register(conn, site)  # SiteClash if too close to another site's name
        conn.execute(tables.enrol_codes.insert().values(
            code_sha256=_hash(code), site=site, expires_at=_now() + timedelta(hours=hours)))
    return code


def create_app(data_dir: Path, database_url: str | None = None, files_url: str | None = None,
               files=None) -> FastAPI:
    """Central's API over `data_dir` (keys; SQLite and files unless told otherwise).

    `database_url`: an SQLAlchemy URL (PostgreSQL) instead of SQLite in `data_dir`.
    `files_url`: `s3://bucket/prefix` to keep attachments in S3-compatible storage.
    """
    data_dir = Path(data_dir)
    keys = load_or_create(data_dir)
    engine = tables.make_engine(database_url or tables.sqlite_url(data_dir))
    with tables.begin(engine) as conn:
        sites.adopt_enrolled(conn)
    files = files or open_files(data_dir, files_url)
    responses = {400: {"model": Problem}, 401: {"model": Problem}, 403: {"model": Problem},
                 413: {"model": Problem}, 422: {"model": Problem}, 429: {"model": Problem}}

    smtp = SmtpSettings.from_env()
    open311 = Open311Settings.from_env()

    @asynccontextmanager
    async def lifespan(_app):
        workers = [Housekeeping(engine, files)]
        if smtp:
            workers.append(Mailer(engine, smtp))
        if open311:
            workers.append(Forwarder(engine, open311))
        for worker in workers:
            worker.start()
        yield
        for worker in reversed(workers):
            worker.stop()

    app = FastAPI(title="hubkiosk central", version="1", responses=responses, lifespan=lifespan)
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders)
    app.state.engine = engine
    app.state.keys = keys
    app.state.files = files
    app.state.throttle = throttle = Throttle()

    @app.exception_handler(TooManyRequests)
    async def _too_many(request: Request, exc: TooManyRequests):
        headers = {"Retry-After": str(exc.retry_after)}
        if request.url.path.startswith(API):
            return JSONResponse({"detail": "too many tries: please wait and try again"}, status_code=429,
                                headers=headers)
        return account_pages.too_many(exc.retry_after)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request, exc: RequestValidationError):
        where = ".".join(str(p) for p in exc.errors()[0]["loc"]) if exc.errors() else "body"
        # Name the field, never echo the value (it may be personal).
        return JSONResponse({"detail": f"invalid request: {where}"}, status_code=422)

    def device(authorization: str | None = Header(default=None)) -> dict:
        if not authorization or not authorization.startswith("Bearer "):
            raise HTTPException(401, "a device token is required")
        token = authorization.removeprefix("Bearer ").strip()
        with engine.connect() as conn:
            row = conn.execute(select(tables.devices).where(
                tables.devices.c.token_sha256 == _hash(token))).mappings().first()
        if row is None:
            raise HTTPException(401, "unknown device token")
        if row["revoked"]:
            raise HTTPException(403, "this device has been revoked")
        return dict(row)

    @app.get("/healthz")
    def healthz() -> dict:
        return {"ok": True}

    @app.post(f"{API}/enrol", response_model=EnrolResponse)
    def enrol(body: EnrolRequest, request: Request) -> EnrolResponse:
        client = client_of(request)
        throttle.check("enrol", client)
        code_hash = _hash(body.code.strip().upper())
        device_id, token = str(uuid.uuid4()), secrets.token_urlsafe(32)
        with tables.begin(engine) as conn:
            # The update decides: of requests racing with one code, exactly one changes the
            # row (the others find it used), on every database.
            taken = conn.execute(update(tables.enrol_codes).where(
                tables.enrol_codes.c.code_sha256 == code_hash, tables.enrol_codes.c.used_by.is_(None),
                tables.enrol_codes.c.expires_at >= _now()).values(used_by=device_id))
            if taken.rowcount != 1:
                throttle.count("enrol", client)
                raise HTTPException(403, "this enrolment code is not valid (used, expired or mistyped)")
            site = conn.execute(select(tables.enrol_codes.c.site).where(
                tables.enrol_codes.c.code_sha256 == code_hash)).scalar_one()
            conn.execute(tables.devices.insert().values(
                id=device_id, name=body.device_name, site=site, token_sha256=_hash(token),
                revoked=False, enrolled_at=_now(), app_version=body.app_version))
        return EnrolResponse(device_id=device_id, device_token=token, site=site,
                             council_public_key=keys.public_b64, signing_key=keys.verify_b64)

    @app.post(f"{API}/submissions", response_model=SubmissionResponse)
    def submissions(batch: SubmissionBatch, dev: dict = Depends(device)) -> SubmissionResponse:
        # Check every record first (no database), then store the whole batch in one
        # transaction: one commit to disk per batch, not per record.
        checked = [_check(record) for record in batch.records]
        with tables.begin(engine) as conn:
            results = [answer if answer is not None else _store(conn, record, dev, opened)
                       for record, (answer, opened) in zip(batch.records, checked, strict=True)]
        return SubmissionResponse(results=results)

    def _check(record) -> tuple[RecordResult | None, bytes | None]:
        """(a rejection for a record that can never be accepted, else None; the opened payload)."""
        try:
            sealed = unb64(record.payload)
        except CryptoFailure:
            return RecordResult(id=record.id, status="rejected", error="payload is not base64"), None
        if sha256_hex(sealed) != record.payload_sha256:
            return RecordResult(id=record.id, status="rejected", error="payload does not match its hash"), None
        try:
            return None, keys.open(sealed)
        except CryptoFailure:
            return RecordResult(id=record.id, status="rejected", error="payload is not sealed to this council"), None

    def _process(conn, record, dev: dict, opened: bytes) -> None:
        """Act on a new record (visits, host emails...), inside the record's own savepoint."""
        payload = json.loads(opened)
        for module in (visitors, documents, feedback, reports, accounts):
            module.process(conn, keys, dev, record.id, record.kind, payload, notify=True)

    def _store(conn, record, dev: dict, opened: bytes) -> RecordResult:
        """Store a record and carry out everything it causes, together or not at all: one
        savepoint holds the record's row and all its effects, so a failure (or a crash) that
        undoes one undoes the other, and the kiosk's resend is then processed afresh."""
        device_id = dev["id"]
        receipt = keys.sign(receipt_message(record.id, record.payload_sha256))
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
            return _repeat(conn, record, device_id)
        try:
            for ref in attachments:
                conn.execute(tables.attachments.insert().values(record_id=record.id, received=False, **ref))
            _process(conn, record, dev, opened)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            savepoint.rollback()  # the payload is not what its kind promises: it never will be
            log.warning("record %s (%s) refused: %s", record.id, record.kind, type(exc).__name__)
            return RecordResult(id=record.id, status="rejected", error="central could not read this record")
        except Exception as exc:  # noqa: BLE001 - the record and its effects wait for the resend
            savepoint.rollback()
            log.warning("record %s (%s) not stored this time: %s", record.id, record.kind, type(exc).__name__)
            return RecordResult(id=record.id, status="retry", error="central could not file this record just now")
        savepoint.commit()
        if attachments:
            return RecordResult(id=record.id, status="incomplete", missing_attachments=[a["name"] for a in attachments])
        return RecordResult(id=record.id, status="accepted", receipt=receipt)

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

    @app.post(f"{API}/heartbeat", response_model=HeartbeatAck)
    def heartbeat(body: Heartbeat, dev: dict = Depends(device)) -> dict:
        with tables.begin(engine) as conn:
            conn.execute(update(tables.devices).where(tables.devices.c.id == dev["id"]).values(
                last_seen_at=_now(), app_version=body.app_version, queue_depth=body.queue_depth,
                oldest_unsent_seconds=body.oldest_unsent_seconds, disk_free_mb=body.disk_free_mb))
        return {"ok": True, "server_time": _now().isoformat()}

    @app.put(f"{API}/diagnostics/sink", status_code=204)
    async def sink(request: Request, _dev: dict = Depends(device)) -> None:
        """Read and discard the body: installers measure a kiosk's raw upload speed with it."""
        async for _chunk in request.stream():
            pass

    @app.put(f"{API}/diagnostics/store", status_code=204)
    async def store(request: Request, _dev: dict = Depends(device)) -> None:
        """Store the body as a file the way any careful server does (written, flushed, renamed
        into place), then delete it: a kiosk's upload speed including central's disk, the
        yardstick for attachment uploads."""
        folder = data_dir / "uploads" / ".diagnostics"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        name = uuid.uuid4().hex
        scratch, final = folder / f"{name}.part", folder / name
        try:
            with open(scratch, "wb") as out:
                async for chunk in request.stream():
                    out.write(chunk)
                out.flush()
                await run_in_threadpool(os.fsync, out.fileno())
            os.replace(scratch, final)
            await run_in_threadpool(fsync_dir, folder)
        finally:
            scratch.unlink(missing_ok=True)
            final.unlink(missing_ok=True)

    @app.get(f"{API}/reference/{{name}}", response_model=SignedDocument)
    def reference(name: str, dev: dict = Depends(device)) -> SignedDocument:
        if not visitors.document_allowed(name, dev):
            raise HTTPException(404, "no such reference data")  # another site's: not even its existence
        with engine.connect() as conn:
            row = conn.execute(select(tables.reference).where(tables.reference.c.name == name)).first()
        if row is None:
            raise HTTPException(404, "no such reference data")
        return SignedDocument.model_validate_json(row.document)

    def publish(name: str, data: dict) -> SignedDocument:
        """Sign and store a new version of reference data `name`."""
        with tables.begin(engine) as conn:
            return publishing.publish(conn, keys, name, data)

    app.state.publish = publish
    visitors.routes(app, engine, device, throttle)
    account_pages.routes(app, engine, throttle)
    tracking.routes(app, engine, keys, files, open311, throttle)
    uploads = Uploads(engine, files, device)
    app.include_router(uploads.router())
    return app


def app_from_environment() -> FastAPI:
    """The app for uvicorn's worker processes (`serve --workers N`), set up by environment."""
    return create_app(Path(os.environ["HUBKIOSK_CENTRAL_DATA"]), os.environ.get("HUBKIOSK_CENTRAL_DATABASE_URL"),
                      os.environ.get("HUBKIOSK_CENTRAL_FILES"))


def stats(engine) -> dict:
    """Records received by kind: how many, and how many distinct ids (they must be equal)."""
    with engine.connect() as conn:
        rows = conn.execute(select(tables.records.c.kind, func.count(), func.count(func.distinct(
            tables.records.c.id))).group_by(tables.records.c.kind)).all()
    return {kind: {"records": n, "distinct_ids": d} for kind, n, d in rows}
