"""Resumable attachment uploads: the tus 1.0 protocol at /api/v1/uploads/.

Supported, and advertised in OPTIONS: the core protocol, `creation`,
`creation-with-upload`, `termination` and `expiration`; `X-HTTP-Method-Override` for
clients behind proxies that drop PATCH or DELETE. Not supported, so not advertised:
`creation-defer-length` (every attachment's size is in its record) and `concatenation`.
Any tus 1.0 client works: the kiosk's own, tuspy, tus-js-client.

Guarantees:
- Nothing is read from a request body until the device token, the protocol version, the
  content type and the offset have been checked: a refused PATCH stores no byte.
- An upload belongs to the device that created it, for an attachment that device's record
  names, at exactly the size the record gives; another device (of any site) gets 404 for it,
  on HEAD, PATCH and DELETE alike.
- No upload grows past its Upload-Length, with or without creation-with-upload, and a
  PATCH may carry the whole rest of the file in one request (up to `MAX_UPLOAD_BYTES`).
- One upload at a time per attachment: creating a new one drops the older one.
- Uploads not finished within `EXPIRES_AFTER` are purged (`purge_expired`, run by central's
  housekeeping worker).
- Every answer, errors included, carries `Tus-Resumable: 1.0.0`.

A finished upload is checked against the record's SHA-256 and size, moved to its permanent
place (central.files) and marked received; one that does not match is discarded (422) and
the kiosk sends it again.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
import uuid
from datetime import datetime, timedelta, timezone
from email.utils import formatdate

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import delete, select, update
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from central import db as tables
from central.db import aware
from sync.protocol import API, MAX_ATTACHMENT_BYTES, NAME_RE, UUID_RE

log = logging.getLogger("central.uploads")

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,creation-with-upload,termination,expiration"
MAX_UPLOAD_BYTES = MAX_ATTACHMENT_BYTES
EXPIRES_AFTER = timedelta(days=3)
FLUSH_EVERY = 8 * 2**20  # bytes kept in memory (S3 parts) before they are written out
MAX_METADATA = 4096
PREFIX = f"{API}/uploads"
OFFSET_TYPE = "application/offset+octet-stream"
_UID = re.compile(r"\A[0-9a-f]{32}\Z")
_NAME = re.compile(NAME_RE)


def _header(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "header", "required": True, "schema": schema, "description": description}


HEADERS = {
    "Tus-Resumable": _header("Tus-Resumable", {"type": "string", "enum": [TUS_VERSION]}, "the tus version"),
    "Upload-Length": _header("Upload-Length", {"type": "integer", "minimum": 0, "maximum": MAX_UPLOAD_BYTES},
                             "the attachment's size, as its record gives it"),
    "Upload-Metadata": _header("Upload-Metadata", {"type": "string", "maxLength": MAX_METADATA},
                               "comma-separated `key base64value`: record_id and name are required"),
    "Upload-Offset": _header("Upload-Offset", {"type": "integer", "minimum": 0}, "where these bytes start"),
}
REFUSALS = {400: "a malformed tus header", 404: "no such upload (or not this device's)",
            409: "the offset or the attachment does not match", 410: "the upload expired",
            412: "not tus 1.0.0", 413: "more bytes than the upload's length", 415: "not an offset+octet-stream body",
            422: "the upload does not match its record"}


class TusError(Exception):
    """A tus request refused with `status` (and extra headers)."""

    def __init__(self, status: int, detail: str, headers: dict | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}


def _now() -> datetime:
    return datetime.now(timezone.utc)


def http_date(moment: datetime) -> str:
    return formatdate(aware(moment).timestamp(), usegmt=True)


def parse_metadata(header: str) -> dict[str, str]:
    """`Upload-Metadata`: comma-separated `key base64value` pairs (a value may be absent)."""
    if len(header) > MAX_METADATA:
        raise TusError(400, "Upload-Metadata is too long")
    values: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in header.split(","))):
        key, _sep, encoded = pair.partition(" ")
        if not key or " " in encoded.strip() or key in values:
            raise TusError(400, "Upload-Metadata is not key/base64 pairs")
        try:
            values[key] = base64.b64decode(encoded.strip(), validate=True).decode("utf-8") if encoded else ""
        except (binascii.Error, UnicodeDecodeError):
            raise TusError(400, "Upload-Metadata values must be base64 of UTF-8 text") from None
    return values


def _number(request: Request, name: str, required: bool = True) -> int | None:
    text = request.headers.get(name)
    if text is None:
        if required:
            raise TusError(400, f"{name} is required")
        return None
    if not text.isdigit() or len(text) > 15:
        raise TusError(400, f"{name} must be a whole number")
    return int(text)


class Uploads:
    """The tus routes over one file store (central.files), for `device`-authenticated kiosks."""

    def __init__(self, engine, files, device) -> None:
        self.engine = engine
        self.files = files
        self.storage = files.tus
        self.device = device

    # ----- the router -----------------------------------------------------------------------
    def router(self) -> APIRouter:
        """The tus routes, each authenticated by the device token before anything else."""
        device = self.device
        router = APIRouter(prefix=PREFIX, tags=["uploads"])

        async def options() -> Response:
            return Response(status_code=204, headers=self._headers(**{
                "Tus-Version": TUS_VERSION, "Tus-Extension": EXTENSIONS, "Tus-Max-Size": str(MAX_UPLOAD_BYTES)}))

        async def create(request: Request, dev: dict = Depends(device)) -> Response:
            """Start an upload (tus creation; creation-with-upload when a body is sent)."""
            return await self._guard(self._create(request, dev))

        async def head(uid: str, request: Request, dev: dict = Depends(device)) -> Response:
            """How much of an upload has arrived."""
            return await self._guard(self._head(uid, request, dev))

        async def patch(uid: str, request: Request, dev: dict = Depends(device)) -> Response:
            """Send the next bytes of an upload."""
            return await self._guard(self._patch(uid, request, dev))

        async def delete_(uid: str, request: Request, dev: dict = Depends(device)) -> Response:
            """Abandon an upload (tus termination)."""
            return await self._guard(self._delete(uid, request, dev))

        async def override(uid: str, request: Request, dev: dict = Depends(device)) -> Response:
            method = request.headers.get("x-http-method-override", "").strip().upper()
            handler = {"PATCH": self._patch, "DELETE": self._delete, "HEAD": self._head}.get(method)
            if handler is None:
                return self.error_response(TusError(405, "POST to an upload needs X-HTTP-Method-Override",
                                                    {"Allow": "HEAD, PATCH, DELETE"}))
            return await self._guard(handler(uid, request, dev))

        def headers(*names: str) -> dict:
            """The tus request headers of an operation, for the OpenAPI description."""
            return {"parameters": [HEADERS[name] for name in ("Tus-Resumable", *names)]}

        refused = {code: {"description": why} for code, why in REFUSALS.items()}
        for path in ("/", ""):
            router.add_api_route(path, options, methods=["OPTIONS"], status_code=204, include_in_schema=False)
            router.add_api_route(path, create, methods=["POST"], status_code=201, include_in_schema=path == "/",
                                 responses={201: {"description": "created; Location names it"}, **refused},
                                 openapi_extra=headers("Upload-Length", "Upload-Metadata"))
        router.add_api_route("/{uid}", head, methods=["HEAD"], responses=refused, openapi_extra=headers())
        router.add_api_route("/{uid}", patch, methods=["PATCH"], status_code=204, responses=refused,
                             openapi_extra={**headers("Upload-Offset"), "requestBody": {
                                 "content": {OFFSET_TYPE: {"schema": {"type": "string", "format": "binary"}}}}})
        router.add_api_route("/{uid}", delete_, methods=["DELETE"], status_code=204, responses=refused,
                             openapi_extra=headers())
        router.add_api_route("/{uid}", override, methods=["POST"], include_in_schema=False)
        return router

    @classmethod
    def error_response(cls, exc: TusError) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status, headers=cls._headers(**exc.headers))

    @staticmethod
    def _resumable(request: Request) -> None:
        if request.headers.get("tus-resumable") != TUS_VERSION:
            raise TusError(412, "this server speaks tus 1.0.0", {"Tus-Version": TUS_VERSION})

    @staticmethod
    def _headers(**extra) -> dict:
        return {"Tus-Resumable": TUS_VERSION, "Cache-Control": "no-store", **extra}

    async def _guard(self, work) -> Response:
        try:
            return await work
        except TusError as exc:
            return self.error_response(exc)

    async def _create(self, request: Request, dev: dict) -> Response:
        self._resumable(request)
        if request.headers.get("upload-defer-length"):
            raise TusError(400, "creation-defer-length is not supported: send Upload-Length")
        if request.headers.get("upload-concat"):
            raise TusError(400, "concatenation is not supported")
        length = _number(request, "upload-length")
        if length > MAX_UPLOAD_BYTES:
            raise TusError(413, "the upload is larger than Tus-Max-Size")
        raw_metadata = request.headers.get("upload-metadata", "")
        metadata = parse_metadata(raw_metadata)
        record_id, name = metadata.get("record_id", ""), metadata.get("name", "")
        if not UUID_RE.match(record_id) or not _NAME.match(name):
            raise TusError(422, "Upload-Metadata must name the record_id and the attachment name")
        body_length = _number(request, "content-length", required=False) or 0
        with_upload = body_length > 0 or "chunked" in request.headers.get("transfer-encoding", "")
        if with_upload and request.headers.get("content-type") != OFFSET_TYPE:
            raise TusError(415, f"an upload's bytes need Content-Type {OFFSET_TYPE}")
        if body_length > length:
            raise TusError(413, "more bytes than Upload-Length")
        uid = uuid.uuid4().hex
        expires = _now() + EXPIRES_AFTER
        dropped = await run_in_threadpool(self._register, dev, record_id, name, length, raw_metadata, uid, expires)
        for old in dropped:
            await self.storage.delete(old)
        await self.storage.create(uid)
        # A path, not a whole URL: the client resolves it against the address it used, so it
        # works behind any proxy without trusting a forwarded Host header.
        headers = self._headers(Location=f"{PREFIX}/{uid}", **{"Upload-Expires": http_date(expires)})
        if with_upload:
            offset = await self._receive(uid, request, 0, length)
            headers["Upload-Offset"] = str(offset)
            if offset == length:
                await self._finish(uid, dev)
        return Response(status_code=201, headers=headers)

    def _register(self, dev, record_id, name, length, raw_metadata, uid, expires) -> list[str]:
        """Check the attachment is expected at this size; record the upload; the uids of
        older uploads of the same attachment, which are dropped."""
        with tables.begin(self.engine) as conn:
            ref = self._expected(conn, dev, record_id, name)
            if ref["size"] != length:
                raise TusError(422, "Upload-Length does not match the size in the record")
            if ref["received"]:
                raise TusError(409, "this attachment has already been received")
            older = list(conn.execute(select(tables.uploads.c.uid).where(
                tables.uploads.c.record_id == record_id, tables.uploads.c.name == name)).scalars())
            if older:
                conn.execute(delete(tables.uploads).where(tables.uploads.c.uid.in_(older)))
            conn.execute(tables.uploads.insert().values(
                uid=uid, device_id=dev["id"], record_id=record_id, name=name, length=length,
                metadata=raw_metadata, created_at=_now(), expires_at=expires))
        return older

    @staticmethod
    def _expected(conn, dev: dict, record_id: str, name: str) -> dict:
        row = conn.execute(select(tables.attachments, tables.records.c.device_id).join(
            tables.records, tables.records.c.id == tables.attachments.c.record_id).where(
            tables.attachments.c.record_id == record_id, tables.attachments.c.name == name)).mappings().first()
        if row is None or row["device_id"] != dev["id"]:
            raise TusError(404, "no such attachment is expected from this device")
        return dict(row)

    # ----- HEAD: where to resume -------------------------------------------------------------
    async def _head(self, uid: str, request: Request, dev: dict) -> Response:
        self._resumable(request)
        upload = await self._upload(uid, dev)
        offset = await self.storage.size(uid)
        headers = self._headers(**{"Upload-Offset": str(offset), "Upload-Length": str(upload["length"]),
                                   "Upload-Expires": http_date(upload["expires_at"])})
        if upload["metadata"]:
            headers["Upload-Metadata"] = upload["metadata"]  # as the client sent it
        return Response(status_code=200, headers=headers)

    async def _upload(self, uid: str, dev: dict) -> dict:
        """The upload, if it is this device's and still current; else 404 (410 once expired)."""
        if not _UID.match(uid):
            raise TusError(404, "no such upload")

        def find():
            with self.engine.connect() as conn:
                return conn.execute(select(tables.uploads).where(tables.uploads.c.uid == uid)).mappings().first()
        row = await run_in_threadpool(find)
        if row is None or row["device_id"] != dev["id"]:
            raise TusError(404, "no such upload")
        if aware(row["expires_at"]) < _now():
            raise TusError(410, "this upload has expired: start a new one")
        return dict(row)

    # ----- PATCH: the next bytes ---------------------------------------------------------------
    async def _patch(self, uid: str, request: Request, dev: dict) -> Response:
        # Everything is checked before a single byte of the body is read.
        self._resumable(request)
        if request.headers.get("content-type") != OFFSET_TYPE:
            raise TusError(415, f"Content-Type must be {OFFSET_TYPE}")
        claimed = _number(request, "upload-offset")
        body_length = _number(request, "content-length", required=False)
        upload = await self._upload(uid, dev)
        async with self.storage.lock(uid):
            offset = await self.storage.size(uid)
            if claimed != offset:
                raise TusError(409, "Upload-Offset does not match the bytes received",
                               {"Upload-Offset": str(offset)})
            if body_length is not None and offset + body_length > upload["length"]:
                raise TusError(413, "more bytes than Upload-Length")
            offset = await self._receive(uid, request, offset, upload["length"])
        headers = self._headers(**{"Upload-Offset": str(offset), "Upload-Expires": http_date(upload["expires_at"])})
        if offset == upload["length"]:
            await self._finish(uid, dev)
        return Response(status_code=204, headers=headers)

    async def _receive(self, uid: str, request: Request, offset: int, length: int) -> int:
        """Append the request's body (at most up to `length`); the new offset. A client that
        goes away part way keeps what arrived, so it resumes from there."""
        room = length - offset
        pending = 0
        too_long = False
        try:
            async for chunk in request.stream():
                if not chunk:
                    continue
                if len(chunk) > room:
                    chunk, too_long = chunk[:room], True
                if chunk:
                    await self.storage.append(uid, chunk)
                    room -= len(chunk)
                    pending += len(chunk)
                if pending >= FLUSH_EVERY:
                    await self.storage.flush(uid)
                    pending = 0
                if too_long:
                    break
        except ClientDisconnect:
            pass
        finally:
            await self.storage.flush(uid)
        if too_long:
            raise TusError(413, "more bytes than Upload-Length", {"Upload-Offset": str(length)})
        return await self.storage.size(uid)

    async def _finish(self, uid: str, dev: dict) -> None:
        """All bytes are here: check them against the record, keep them, mark received."""
        await self.storage.finalize(uid)
        stored = await self.storage.sha256(uid)

        def check_and_keep() -> bool:
            with tables.begin(self.engine) as conn:
                upload = conn.execute(select(tables.uploads).where(tables.uploads.c.uid == uid)).mappings().first()
                if upload is None:
                    return False
                ref = self._expected(conn, dev, upload["record_id"], upload["name"])
                conn.execute(delete(tables.uploads).where(tables.uploads.c.uid == uid))
                if stored is None or stored != (ref["sha256"], ref["size"]):
                    return False
                # Kept in place before the row says so: a crash in between leaves a file
                # the kiosk simply sends again, never a row without its file.
                self.files.keep_sync(uid, ref["record_id"], ref["name"])
                conn.execute(update(tables.attachments).where(
                    tables.attachments.c.record_id == ref["record_id"],
                    tables.attachments.c.name == ref["name"]).values(received=True))
            return True

        if not await run_in_threadpool(check_and_keep):
            await self.storage.delete(uid)
            raise TusError(422, "the upload does not match its checksum")
        self.storage.forget(uid)

    # ----- DELETE: termination -----------------------------------------------------------------
    async def _delete(self, uid: str, request: Request, dev: dict) -> Response:
        self._resumable(request)
        await self._upload(uid, dev)
        async with self.storage.lock(uid):
            await run_in_threadpool(self._forget, uid)
            await self.storage.delete(uid)
        return Response(status_code=204, headers=self._headers())

    def _forget(self, uid: str) -> None:
        with tables.begin(self.engine) as conn:
            conn.execute(delete(tables.uploads).where(tables.uploads.c.uid == uid))


async def purge_expired(engine, storage, now: datetime | None = None) -> int:
    """Delete uploads past their expiry (and stray files no upload row names); how many."""
    now = now or _now()

    def expired() -> list[str]:
        with tables.begin(engine) as conn:
            uids = list(conn.execute(select(tables.uploads.c.uid).where(tables.uploads.c.expires_at < now)).scalars())
            if uids:
                conn.execute(delete(tables.uploads).where(tables.uploads.c.uid.in_(uids)))
            return uids

    def known() -> set[str]:
        with engine.connect() as conn:
            return set(conn.execute(select(tables.uploads.c.uid)).scalars())

    gone = await run_in_threadpool(expired)
    live = await run_in_threadpool(known)
    strays = [uid for uid in await storage.list_uids() if uid not in live and uid not in gone]
    for uid in [*gone, *strays]:
        await storage.delete(uid)
    if gone or strays:
        log.info("purged %d expired and %d stray uploads", len(gone), len(strays))
    return len(gone) + len(strays)
