"""The API kiosks use (device token routes): enrolment, submissions, heartbeat, reference
data and the installers' diagnostics. Thin routes over central.records and the tables."""

from __future__ import annotations

import hashlib
import os
import secrets
import uuid
from datetime import datetime, timedelta, timezone

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from sqlalchemy import select, update
from starlette.concurrency import run_in_threadpool

from central import db as tables
from central import letter_guides, service_levels, sites, visitors, work
from central.records import Submissions
from central.throttle import client_of
from sync import charter
from sync.protocol import (
    API,
    EnrolRequest,
    EnrolResponse,
    Heartbeat,
    HeartbeatAck,
    SignedDocument,
    SubmissionBatch,
    SubmissionResponse,
)
from sync.store import fsync_dir

ENROL_CODE_HOURS = 24


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(timezone.utc)


def create_code(engine, site: str, hours: int = ENROL_CODE_HOURS) -> str:
    """A one-time enrolment code for a new kiosk at `site` (stored only as a hash; the site is
    registered if new, central.sites.SiteClash if its name is too close to another's)."""
    code = secrets.token_hex(5).upper()  # 10 characters, easy to type on a new device
    with tables.begin(engine) as conn:
        site = sites.register(conn, site)
        conn.execute(tables.enrol_codes.insert().values(
            code_sha256=_hash(code), site=site, expires_at=_now() + timedelta(hours=hours)))
    return code


def device_dependency(engine):
    """A FastAPI dependency: the device row for the request's `Authorization: Bearer` token
    (401 without a known token, 403 for a revoked device)."""

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

    return device


def router(engine, keys, data_dir, device, throttle) -> APIRouter:
    api = APIRouter()

    @api.get("/healthz")
    def healthz() -> dict:
        return {"ok": True}

    @api.post(f"{API}/enrol", response_model=EnrolResponse)
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

    submissions_store = Submissions(engine, keys)

    @api.post(f"{API}/submissions", response_model=SubmissionResponse)
    def submissions(batch: SubmissionBatch, dev: dict = Depends(device)) -> SubmissionResponse:
        """A batch of sealed records: each answered on its own (see central.records)."""
        return SubmissionResponse(results=submissions_store.store(batch, dev))

    @api.post(f"{API}/heartbeat", response_model=HeartbeatAck)
    def heartbeat(body: Heartbeat, dev: dict = Depends(device)) -> dict:
        with tables.begin(engine) as conn:
            conn.execute(update(tables.devices).where(tables.devices.c.id == dev["id"]).values(
                last_seen_at=_now(), app_version=body.app_version, queue_depth=body.queue_depth,
                oldest_unsent_seconds=body.oldest_unsent_seconds, disk_free_mb=body.disk_free_mb,
                last_error=" ".join((body.last_error or "").split())[:200] or None))
        return {"ok": True, "server_time": _now().isoformat()}

    @api.put(f"{API}/diagnostics/sink", status_code=204)
    async def sink(request: Request, _dev: dict = Depends(device)) -> None:
        """Read and discard the body: installers measure a kiosk's raw upload speed with it."""
        async for _chunk in request.stream():
            pass

    @api.put(f"{API}/diagnostics/store", status_code=204)
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

    @api.get(f"{API}/reference/{{name}}", response_model=SignedDocument,
             responses={404: {"description": "no such reference data (or another site's)"}})
    def reference(name: str, dev: dict = Depends(device)) -> SignedDocument:
        if not visitors.document_allowed(name, dev):
            raise HTTPException(404, "no such reference data")  # another site's: not even its existence
        # Made here, from what central holds now: a timescale changed in the console, or a
        # release's new guide words, go out at the kiosk's next pull.
        if name == charter.DOCUMENT:
            service_levels.publish(engine, keys, work.working_days())
        elif name == letter_guides.DOCUMENT:
            letter_guides.publish_if_changed(engine, keys)
        with engine.connect() as conn:
            row = conn.execute(select(tables.reference).where(tables.reference.c.name == name)).first()
        if row is None:
            raise HTTPException(404, "no such reference data")
        return SignedDocument.model_validate_json(row.document)

    return api
