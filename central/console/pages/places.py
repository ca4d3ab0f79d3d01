"""Places: the home page (what needs you), kiosks by site (fleet) and residents' feedback
(charts drawn on the server as SVG, each beside its data table).
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta, timezone

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlalchemy import select, update

from central import audit, feedback_report, work
from central import db as tables
from central.console import web
from central.console.pages.items import QUEUE_ROLES, scoped
from central.kiosk_api import create_code

SILENT_AFTER = timedelta(minutes=15)


def routes(app, engine, keys) -> None:
    @app.get("/console/", include_in_schema=False)
    def home(request: Request, who=Depends(web.signed_in(engine))) -> Response:
        counts = mine = services = None
        if who.staff.has(*QUEUE_ROLES):
            flt = scoped(who, work.Filter())
            with engine.connect() as conn:
                counts = work.counts(conn, flt)
                _rows, mine = work.page(conn, work.Filter(flt.sites, flt.services, assignee=who.staff.id), limit=1)
                if who.staff.has("manager"):
                    services = work.by_service(conn, scoped(who, work.Filter(), roles=("manager",)))
        return web.render(request, "home.html", title="Staff console", counts=counts, mine=mine, services=services)

    _fleet(app, engine)
    _feedback(app, engine)
    _service_levels(app, engine)


# ----- service levels -------------------------------------------------------------------------------
def _service_levels(app, engine) -> None:
    admin = web.signed_in(engine, "admin")

    def page(request, errors=None, status=200):
        with engine.connect() as conn:
            levels = work.timescales(conn)
        return web.render(request, "service_levels.html", status_code=status, title="Service levels",
                          levels=levels, errors=errors or {})

    @app.get("/console/service-levels", include_in_schema=False)
    def service_levels(request: Request, who=Depends(admin)) -> Response:
        return page(request)

    @app.post("/console/service-levels", include_in_schema=False)
    async def change(request: Request, who=Depends(admin)) -> Response:
        posted = await web.form(request, who)
        kind = posted.text("kind")
        if kind not in work.KINDS:
            raise web.Forbidden()
        try:
            days, warn = int(posted.text("working_days")), int(posted.text("warn_days"))
        except ValueError:
            return page(request, {f"{kind}-days": "Enter the working days as whole numbers, like 5"}, 400)
        try:
            with tables.begin(engine) as conn:
                work.set_timescale(conn, kind, days, warn, who.staff.actor)
            audit.record(engine, "service-levels.set", f"{kind}={days}:{warn}", 1, actor=who.staff.actor)
        except ValueError as exc:
            return page(request, {f"{kind}-days": str(exc)}, 400)
        return web.back(request, "/console/service-levels", f"{work.KINDS[kind]}: {days} working days from now on")


# ----- kiosks ---------------------------------------------------------------------------------------
def _fleet(app, engine) -> None:
    readers = web.signed_in(engine, "coordinator", "admin")

    def page(request: Request, who, code: dict | None = None) -> Response:
        """The kiosks this person may see (with a new enrolment code, shown once)."""
        now = datetime.now(timezone.utc)
        admin = who.staff.has("admin")
        with engine.connect() as conn:
            devices = _devices(conn, who.staff.sites("coordinator", "admin"), now)
            all_sites = sorted(conn.execute(select(tables.sites.c.name)).scalars()) if admin else []
        return web.render(request, "fleet.html", title="Kiosks", devices=devices, now=now, admin=admin,
                          all_sites=all_sites, code=code, errors={})

    @app.get("/console/fleet", include_in_schema=False)
    def fleet(request: Request, who=Depends(readers)) -> Response:
        return page(request, who)

    @app.post("/console/fleet", include_in_schema=False)
    async def fleet_change(request: Request, who=Depends(web.signed_in(engine, "admin"))) -> Response:
        import segno

        posted = await web.form(request, who)
        if posted.get("action") == "revoke":
            with tables.begin(engine) as conn:
                done = conn.execute(update(tables.devices).where(tables.devices.c.id == posted.text("device_id"))
                                    .values(revoked=True)).rowcount
            audit.record(engine, "kiosk.revoke", posted.text("device_id")[:40], done, actor=who.staff.actor)
            return web.back(request, "/console/fleet", "Kiosk revoked: it can no longer send or receive" if done else "")
        if posted.get("action") != "code":
            raise web.Forbidden()
        site = posted.text("new_site") or posted.text("site")
        if not site or len(site) > 80:
            return web.back(request, "/console/fleet", "Choose a site for the new kiosk, or type a new site's name")
        try:
            code = create_code(engine, site)  # a new site is registered with it
        except ValueError as exc:  # SiteClash: too close to another site's name
            return web.back(request, "/console/fleet", str(exc)[:300])
        audit.record(engine, "kiosk.enrol-code", site, 1, actor=who.staff.actor)
        qr = segno.make(f"HKENROL:{code}", error="m").svg_inline(border=4, omitsize=True, title="Enrolment code as a QR code")
        return page(request, who, {"code": code, "site": site, "qr": qr})


def _devices(conn, sites: frozenset[str] | None, now: datetime) -> list[dict]:
    """Kiosks at `sites` (None: every site), each with whether it has gone silent."""
    query = select(tables.devices).order_by(tables.devices.c.site, tables.devices.c.name)
    if sites is not None:
        query = query.where(tables.devices.c.site.in_(sorted(sites)))
    devices = [dict(r) for r in conn.execute(query).mappings()]
    for d in devices:
        d["seen"] = seen = tables.aware(d["last_seen_at"])
        d["silent"] = d["revoked"] or seen is None or now - seen > SILENT_AFTER
    return devices


# ----- feedback -------------------------------------------------------------------------------------
def _feedback(app, engine) -> None:
    readers = web.signed_in(engine, "manager", "admin")

    def _scope(who, site: str) -> tuple[frozenset[str] | None, str]:
        mine = who.staff.sites("manager", "admin")
        if site and (mine is None or site in mine):
            return frozenset([site]), site
        return mine, ""

    def _since(text: str) -> date:
        try:
            return date.fromisoformat(text)
        except ValueError:
            return date.today() - timedelta(weeks=12)

    @app.get("/console/feedback", include_in_schema=False)
    def feedback_page(request: Request, site: str = "", since: str = "", who=Depends(readers)) -> Response:
        sites, site = _scope(who, site)
        start = web.date_from(request.query_params, "since") or _since(since)
        with engine.connect() as conn:
            report = feedback_report.summary(conn, sites, start)
            all_sites = sorted(conn.execute(select(tables.sites.c.name)).scalars())
        if sites is not None:
            all_sites = [s for s in all_sites if s in sites]
        return web.render(request, "feedback.html", title="Residents' feedback", report=report, site=site,
                          sites=all_sites, since=start.isoformat(), since_date=start)

    @app.get("/console/feedback/{chart}.svg", include_in_schema=False)
    def chart(chart: str, site: str = "", since: str = "", who=Depends(web.signed_in(engine, "manager", "admin", page=False))) -> Response:
        sites, _site = _scope(who, site)
        with engine.connect() as conn:
            report = feedback_report.summary(conn, sites, _since(since))
        svg = feedback_report.chart(report, chart)
        if svg is None:
            return Response("no such chart", 404)
        return Response(svg, media_type="image/svg+xml", headers={
            "Cache-Control": "no-store", "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"})

    @app.get("/console/feedback.csv", include_in_schema=False)
    def feedback_csv(site: str = "", since: str = "", who=Depends(web.signed_in(engine, "manager", "admin", page=False))) -> Response:
        sites, _site = _scope(who, site)
        with engine.connect() as conn:
            report = feedback_report.summary(conn, sites, _since(since))
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["journey", "answers", "found what they needed (share)", "mean stars", "star answers"])
        for row in report["journeys"]:
            writer.writerow([row["journey"], row["answers"], row["found_share"], row["stars_mean"], row["stars_answers"]])
        return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="feedback.csv"', "Cache-Control": "no-store"})

    @app.get("/console/feedback/comments", include_in_schema=False)
    def comments(request: Request, site: str = "", since: str = "", who=Depends(readers)) -> Response:
        sites, site = _scope(who, site)
        with engine.connect() as conn:
            rows = feedback_report.comments(conn, sites, _since(since))
        audit.record(engine, "feedback.comments", site, len(rows), actor=who.staff.actor)
        return web.render(request, "comments.html", title="Residents' comments", rows=rows, site=site)
