"""Central's HTTP service, put together: `create_app(data_dir)` builds it; `python -m central
serve` runs it. Each feature brings its own routes (central.kiosk_api, central.uploads,
central.visitors, central.account_pages, central.tracking); the logic lives in plain modules.

Every error is a short JSON `{"detail": ...}` with no personal data in it, and nothing
personal is logged: records are identified by their ids alone.
"""

from __future__ import annotations

import logging
import os
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import func, select

from central import (account_pages, back_office, console, kiosk_api, pages, progress, publishing, sites, tracking,
                     visitors)
from central import db as tables
from central.files import open_files
from central.keys import load_or_create
from central.kiosk_api import create_code, device_dependency
from central.middleware import BodyLimit, SecurityHeaders
from central.notify import Mailer, NotifySettings, SmtpSettings
from central.open311 import Forwarder, Open311Settings
from central.throttle import Throttle, TooManyRequests
from central.uploads import Uploads
from central.digest import Digests
from central.workers import Housekeeping
from sync.protocol import API, Problem, SignedDocument

__all__ = ["create_app", "create_code", "app_from_environment", "stats"]
log = logging.getLogger("central")


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
    notify = NotifySettings.from_env()
    open311 = Open311Settings.from_env()

    @asynccontextmanager
    async def lifespan(_app):
        workers = [Housekeeping(engine, files)]
        if smtp or notify:
            workers.append(Mailer(engine, smtp, notify=notify))
        if smtp:
            workers.append(Digests(engine))
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
        if request.url.path.startswith(API) or request.url.path.endswith(".json"):
            return JSONResponse({"detail": "too many tries: please wait and try again"}, status_code=429,
                                headers=headers)
        return account_pages.too_many(request, exc.retry_after)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request, exc: RequestValidationError):
        where = ".".join(str(p) for p in exc.errors()[0]["loc"]) if exc.errors() else "body"
        # Name the field, never echo the value (it may be personal).
        return JSONResponse({"detail": f"invalid request: {where}"}, status_code=422)

    app.include_router(pages.assets())
    device = device_dependency(engine)
    app.include_router(kiosk_api.router(engine, keys, data_dir, device, throttle))

    def publish(name: str, data: dict) -> SignedDocument:
        """Sign and store a new version of reference data `name`."""
        with tables.begin(engine) as conn:
            return publishing.publish(conn, keys, name, data)

    app.state.publish = publish
    visitors.routes(app, engine, device, throttle)
    progress.routes(app, engine, device, throttle, open311)
    account_pages.routes(app, engine, throttle)
    tracking.routes(app, engine, keys, files, open311, throttle)
    console.routes(app, engine, keys, files, throttle)
    back_office.routes(app, engine, keys, files, throttle)
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
