"""Public pages: residents follow a report, the back office fetches its photo.

    GET /track/{reference}         the report's page (the kiosk's QR code points here), in the
                                   language used at the kiosk, or chosen with ?lang=, or the browser's
    GET /track?reference=...       a box to type a reference; a good one goes to its page
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
from datetime import datetime, timezone
from functools import partial

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from sqlalchemy import select

from central import categories as cats
from central import db as tables
from central import pages
from central.db import aware
from central.notices import FINISHED
from central.reports import PHOTO, categories
from central.throttle import client_of
from sync.crypto import CryptoFailure
from sync.payloads import REPORT_REFERENCE

log = logging.getLogger("central.tracking")
HEADERS = pages.HEADERS
_ = pages.mark
_english = partial(pages.gettext, "en")   # the JSON's words


def where(row: dict, say=_english) -> str:
    """Street-level place: never the house, never the resident."""
    if row["street"]:
        return ", ".join(part for part in (row["street"], row["town"]) if part)
    if row["postcode"]:
        return say(_("the %(district)s area"), district=row["postcode"].split()[0])
    return say(_("the place given at the kiosk"))


def steps(row: dict, photo_waiting: bool, say=_english) -> list[dict]:
    """Progress, in the resident's words: received, passed to the team, the team's status.
    `notes` are the back office's own words (English), kept apart from ours."""
    received = say(_("Received by the council"))
    if photo_waiting:
        received = say(_("Received by the council. We are waiting for the photo to arrive from the kiosk"))
    passed = row["state"] == "sent"
    if row["service_request_id"]:
        team = say(_("Passed to the team that deals with it (their reference %(ref)s)"), ref=row["service_request_id"])
    else:
        team = say(_("Passed to the team that deals with it"))
    out = [{"step": "received", "done": True, "text": received, "notes": ""},
           {"step": "passed", "done": passed, "text": team, "notes": ""}]
    status, notes = row["status"], row["status_notes"] or ""
    if status in FINISHED:
        out.append({"step": "closed", "done": True, "text": say(_("Closed")), "notes": notes})
    elif passed:
        out.append({"step": "closed", "done": False, "text": say(_("Open: the team is dealing with it")),
                    "notes": notes})
    else:
        out.append({"step": "closed", "done": False, "text": say(_("Dealt with and closed")), "notes": ""})
    return out


def _json_steps(out: list[dict]) -> list[dict]:
    """The steps as the JSON has always given them: one text, the team's notes after ours
    ("Closed: <notes>", "Open: the team is dealing with it. <notes>")."""
    def text(step: dict) -> str:
        if not step["notes"]:
            return step["text"]
        return f"{step['text']}{': ' if step['done'] else '. '}{step['notes']}"

    return [{"step": step["step"], "done": step["done"], "text": text(step)} for step in out]


def facts(conn, row: dict, say=_english) -> dict:
    """What anyone holding the reference may see (no personal data), in `say`'s language
    (English for the JSON)."""
    category = categories(conn).get(row["category"])
    photo_waiting = row["has_photo"] and conn.execute(select(tables.attachments.c.received).where(
        tables.attachments.c.record_id == row["record_id"], tables.attachments.c.name == PHOTO)).scalar() is not True
    due = conn.execute(select(tables.work_items.c.due_at).where(
        tables.work_items.c.kind == "street-report", tables.work_items.c.record_id == row["record_id"])).first()
    names = category["name"] if category and isinstance(category["name"], dict) else {}
    return {"reference": row["reference"], "category": row["category"],
            "category_name": cats.english(category["name"]) if category else say(_("A problem")),
            "category_names": {k: str(v) for k, v in names.items()},
            "where": where(row, say), "reported_at": aware(row["reported_at"]).isoformat(),
            "reported": pages.date_and_time(row["reported_at"], "en"),
            "language": row.get("language") or "",
            "passed_by": aware(due.due_at).isoformat() if due is not None and row["state"] != "sent" else None,
            "service_request_id": row["service_request_id"],
            "status": row["status"], "status_notes": row["status_notes"], "closed": row["status"] in FINISHED,
            "status_updated_at": aware(row["status_updated_at"]).isoformat() if row["status_updated_at"] else None,
            "steps": steps(row, photo_waiting, say)}


def page(view: pages.Page, info: dict) -> HTMLResponse:
    passed_by = datetime.fromisoformat(info["passed_by"]) if info["passed_by"] else None
    names = info["category_names"]
    if names:
        name, english_only = names.get(view.language) or info["category_name"], view.language not in names
    else:   # a category no longer published
        name, english_only = view.gettext("A problem"), False
    return view.render("track/report.html", title=view.gettext("Your report %(ref)s", ref=info["reference"]),
                       service=view.gettext("Track a report"), info=info,
                       what=name, english_only=english_only and view.language != "en",
                       reported=datetime.fromisoformat(info["reported_at"]),
                       passed_by=passed_by, late=passed_by is not None and passed_by < datetime.now(timezone.utc))


def not_known(view: pages.Page, reference: str | None, typed: str = "", status: int = 404) -> HTMLResponse:
    """The page for a reference we do not have (yet), with a box to type it again."""
    return view.render("track/not_known.html", status_code=status, title=view.gettext(
        "We cannot find that reference") if typed or reference else view.gettext("Track a report"),
        service=view.gettext("Track a report"), reference=reference, typed=typed or reference or "",
        error=bool(typed or reference))


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

    def lookup(reference: str, request: Request, speaker=lambda _language: _english) -> dict | None:
        """The facts for a reference, in the words `speaker(the report's kiosk language)`
        gives; unknown references count against the caller's limit."""
        client = client_of(request)
        throttle.check("track", client)
        info = _lookup(reference, speaker)
        if info is None:
            throttle.count("track", client)
        return info

    def _lookup(reference: str, speaker) -> dict | None:
        ref = _normal(reference)
        if ref is None:
            return None
        if open311 is not None:
            from central.open311 import refresh_status

            refresh_status(engine, open311, ref)
        with engine.connect() as conn:
            row = conn.execute(select(tables.reports).where(tables.reports.c.reference == ref)).mappings().first()
            return facts(conn, dict(row), speaker(row["language"])) if row is not None else None

    # registered before the page: "/track/{reference}" would match "RPT-....json" too
    @app.get("/track/{reference}.json", tags=["tracking"], responses={404: {"description": "not known yet"}})
    def track_json(reference: str, request: Request):
        """The progress of a report, without personal data."""
        info = lookup(reference, request)
        if info is None:
            return JSONResponse({"detail": "this reference is not known yet"}, status_code=404, headers=HEADERS)
        return JSONResponse({**info, "steps": _json_steps(info["steps"])}, headers=HEADERS)

    @app.get("/track", response_class=HTMLResponse, tags=["tracking"])
    def track_form(request: Request, reference: str = ""):
        """A box to type a reference in; a reference typed goes to its page."""
        view = pages.Page(request)
        if not reference.strip():
            return not_known(view, None, status=200)
        ref = _normal(reference[:40])
        if ref is None:
            return not_known(view, None, typed=reference[:40], status=400)
        return RedirectResponse(view.keep(f"/track/{ref}"), status_code=303, headers=HEADERS)

    @app.get("/track/{reference}", response_class=HTMLResponse, tags=["tracking"],
             responses={404: {"description": "not known yet"}})
    def track_page(reference: str, request: Request):
        """A page for residents following their report, in the language they used at the
        kiosk (or chose here, or their browser's)."""
        info = lookup(reference, request, lambda language: pages.Page(request, language).gettext)
        if info is None:
            return not_known(pages.Page(request), _normal(reference), typed=reference[:40])
        return page(pages.Page(request, info["language"]), info)

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
