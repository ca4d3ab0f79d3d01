"""Public pages: residents follow a report, the back office fetches its photo.

    GET /track/{reference}         a small page in plain English (the kiosk's QR code points here)
    GET /track/{reference}.json    the same facts as JSON
    GET /media/{reference}/{secret}.jpg   the report's photo, for the back office (media_url)

No sign-in: a reference is all a resident has. So the pages show only what is safe for
anyone holding it: the category, the street and town (never a house number, never contact
details), when it was reported and how it is getting on. Everything shown is escaped.
A view refreshes the back office's status when it is older than a few minutes.
"""

from __future__ import annotations

import hmac
import logging
import re
from datetime import datetime

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import select

from central import categories as cats
from central import db as tables
from central import pages
from central.db import aware
from central.reports import PHOTO, categories
from central.throttle import client_of
from sync.crypto import CryptoFailure
from sync.payloads import REPORT_REFERENCE

log = logging.getLogger("central.tracking")
HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer",
           "X-Content-Type-Options": "nosniff",
           "Content-Security-Policy": pages.CSP}
try:
    from zoneinfo import ZoneInfo

    LOCAL = ZoneInfo("Europe/London")
except Exception:  # noqa: BLE001 - no time zone data: show UTC
    LOCAL = None


def _when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    moment = aware(moment)
    local = moment.astimezone(LOCAL) if LOCAL else moment
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def where(row: dict) -> str:
    """Street-level place: never the house, never the resident."""
    if row["street"]:
        return ", ".join(part for part in (row["street"], row["town"]) if part)
    if row["postcode"]:
        return f"the {row['postcode'].split()[0]} area"
    return "the place given at the kiosk"


def steps(row: dict, photo_waiting: bool) -> list[dict]:
    """Progress, in the resident's words: received, passed to the team, the team's status."""
    received = "Received by the council"
    if photo_waiting:
        received += ". We are waiting for the photo to arrive from the kiosk"
    passed = row["state"] == "sent"
    team = "Passed to the team that deals with it"
    if row["service_request_id"]:
        team += f" (ref {row['service_request_id']})"
    out = [{"step": "received", "done": True, "text": received},
           {"step": "passed", "done": passed, "text": team}]
    status, notes = row["status"], row["status_notes"]
    if status == "closed":
        out.append({"step": "closed", "done": True, "text": f"Closed: {notes}" if notes else "Closed"})
    elif passed:
        text = "Open: the team is dealing with it"
        out.append({"step": "closed", "done": False, "text": f"{text}. {notes}" if notes else text})
    else:
        out.append({"step": "closed", "done": False, "text": "Dealt with and closed"})
    return out


def facts(conn, row: dict) -> dict:
    """What anyone holding the reference may see (no personal data)."""
    category = categories(conn).get(row["category"])
    photo_waiting = row["has_photo"] and conn.execute(select(tables.attachments.c.received).where(
        tables.attachments.c.record_id == row["record_id"], tables.attachments.c.name == PHOTO)).scalar() is not True
    return {"reference": row["reference"], "category": row["category"],
            "category_name": cats.english(category["name"]) if category else "A problem",
            "where": where(row), "reported_at": aware(row["reported_at"]).isoformat(),
            "reported": _when(row["reported_at"]), "service_request_id": row["service_request_id"],
            "status": row["status"], "status_notes": row["status_notes"],
            "status_updated_at": aware(row["status_updated_at"]).isoformat() if row["status_updated_at"] else None,
            "steps": steps(row, photo_waiting)}


def page(info: dict) -> HTMLResponse:
    html = pages.render("track/report.html", title=f"Report {info['reference']}", info=info)
    return HTMLResponse(html, headers=HEADERS)


def not_known(reference: str | None) -> HTMLResponse:
    html = pages.render("track/not_known.html", title="Reference not known yet", reference=reference)
    return HTMLResponse(html, status_code=404, headers=HEADERS)


def _normal(reference: str) -> str | None:
    text = reference.strip().upper()
    return text if re.fullmatch(REPORT_REFERENCE, text) else None


class HideMediaSecrets(logging.Filter):
    """Keeps photo URLs' secrets out of the access log (anyone with a URL sees the photo)."""

    _SECRET = re.compile(r"(/media/[^/\s]+/)[^/\s?]+")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self._SECRET.sub(r"\1...", a) if isinstance(a, str) else a for a in record.args)
        return True


def routes(app, engine, keys, files, open311, throttle) -> None:
    """Register the public tracking and media routes on `app`."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, HideMediaSecrets) for f in access.filters):
        access.addFilter(HideMediaSecrets())

    def lookup(reference: str, request: Request) -> dict | None:
        """The facts for a reference; unknown ones count against the caller's limit."""
        client = client_of(request)
        throttle.check("track", client)
        info = _lookup(reference)
        if info is None:
            throttle.count("track", client)
        return info

    def _lookup(reference: str) -> dict | None:
        ref = _normal(reference)
        if ref is None:
            return None
        if open311 is not None:
            from central.open311 import refresh_status

            refresh_status(engine, open311, ref)
        with engine.connect() as conn:
            row = conn.execute(select(tables.reports).where(tables.reports.c.reference == ref)).mappings().first()
            return facts(conn, dict(row)) if row is not None else None

    # registered before the page: "/track/{reference}" would match "RPT-....json" too
    @app.get("/track/{reference}.json", tags=["tracking"], responses={404: {"description": "not known yet"}})
    def track_json(reference: str, request: Request):
        """The progress of a report, without personal data."""
        info = lookup(reference, request)
        if info is None:
            return JSONResponse({"detail": "this reference is not known yet"}, status_code=404, headers=HEADERS)
        return JSONResponse(info, headers=HEADERS)

    @app.get("/track/{reference}", response_class=HTMLResponse, tags=["tracking"],
             responses={404: {"description": "not known yet"}})
    def track_page(reference: str, request: Request):
        """A page for residents following their report."""
        info = lookup(reference, request)
        return page(info) if info is not None else not_known(_normal(reference))

    @app.get("/media/{reference}/{secret}.jpg", include_in_schema=False)
    def media(reference: str, secret: str, request: Request):
        """The photo of a report, for the back office (the URL is unguessable)."""
        missing = Response(status_code=404, headers=HEADERS)
        client = client_of(request)
        throttle.check("track", client)
        ref = _normal(reference)
        if ref is None:
            return missing
        with engine.connect() as conn:
            row = conn.execute(select(tables.reports.c.record_id, tables.reports.c.media_secret,
                                      tables.reports.c.has_photo).where(tables.reports.c.reference == ref)).first()
        if row is None or not row.has_photo or not hmac.compare_digest(row.media_secret.encode(), secret.encode()):
            throttle.count("track", client)
            return missing
        sealed = files.read(row.record_id, PHOTO)
        try:
            photo = keys.open(sealed) if sealed else b""
        except CryptoFailure:
            log.warning("photo of report %s does not open", ref)
            return missing
        if not photo.startswith(b"\xff\xd8\xff"):
            return missing
        return Response(photo, media_type="image/jpeg",
                        headers={**HEADERS, "Cache-Control": "private, max-age=3600"})
