"""People: visitors (reception's lists, sign-out and the fire roll-call; hosts' invitations),
staff accounts (administrators) and the audit log (administrators, read only).
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta, timezone

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlalchemy import delete, func, select, update

from central import audit, visitors, work
from central import db as tables
from central import staff as accounts
from central.console import web
from central.notify import SmtpSettings
from central.service_levels import LONDON

PER_PAGE = 50


def _today() -> date:
    """Today in the council's time zone (a visit's day)."""
    return datetime.now(LONDON).date()


def routes(app, engine, keys) -> None:
    _visitors(app, engine, keys)
    _staff(app, engine, keys)
    _audit(app, engine)


# ----- visitors -----------------------------------------------------------------------------------
def _reception_sites(who, conn) -> list[str]:
    sites = who.staff.sites("reception")
    names = sorted(conn.execute(select(tables.sites.c.name)).scalars())
    return names if sites is None else [s for s in names if s in sites]


def _host(conn, who) -> dict | None:
    """The directory entry of the signed-in person (hosts are matched by email address)."""
    row = conn.execute(select(tables.hosts).where(func.lower(tables.hosts.c.email) == who.staff.email,
                                                  tables.hosts.c.active.is_(True))).mappings().first()
    return dict(row) if row else None


def _visitors(app, engine, keys) -> None:
    anyone = web.signed_in(engine, "reception", "host")

    def page(request: Request, who, site: str = "", errors: dict | None = None, values: dict | None = None) -> Response:
        """Reception's lists for one of their sites, and a host's invitation form and
        invitations (400 with `errors` after an invitation that could not be made)."""
        today = _today()
        with engine.connect() as conn:
            sites = _reception_sites(who, conn) if who.staff.has("reception") else []
            site = site if site in sites else (sites[0] if sites else "")
            expected, on_site = [], []
            if site:
                expected = [dict(r) for r in conn.execute(
                    select(tables.invites, tables.hosts.c.name.label("host")).join(
                        tables.hosts, tables.hosts.c.id == tables.invites.c.host_id, isouter=True)
                    .where(tables.invites.c.site == site, tables.invites.c.day == today.isoformat())
                    .order_by(tables.invites.c.visitor)).mappings()]
                on_site = _on_site(conn, site)
            host = _host(conn, who) if who.staff.has("host") else None
            mine = []
            if host:
                mine = [dict(r) for r in conn.execute(select(tables.invites).where(
                    tables.invites.c.host_id == host["id"], tables.invites.c.day >= today.isoformat())
                    .order_by(tables.invites.c.day, tables.invites.c.visitor)).mappings()]
            all_sites = sorted(conn.execute(select(tables.sites.c.name)).scalars())
        shown = len(expected) + len(on_site) + len(mine)
        if shown:
            audit.record(engine, "visitors.list", site, shown, actor=who.staff.actor)
        return web.render(request, "visitors.html", status_code=400 if errors else 200, title="Visitors", site=site,
                          sites=sites, expected=expected, on_site=on_site, host=host, mine=mine, all_sites=all_sites,
                          today=today, errors=errors or {}, values=values or {})

    @app.get("/console/visitors", include_in_schema=False)
    def visitors_page(request: Request, site: str = "", who=Depends(anyone)) -> Response:
        return page(request, who, site)

    @app.get("/console/visitors/roll-call", include_in_schema=False)
    def roll_call(request: Request, site: str, who=Depends(web.signed_in(engine, "reception"))) -> Response:
        with engine.connect() as conn:
            if site not in _reception_sites(who, conn):
                raise web.Forbidden()
            on_site = _on_site(conn, site)
            silent = _silent_kiosks(conn, site)
        audit.record(engine, "visitors.roll-call", site, len(on_site), actor=who.staff.actor)
        return web.render(request, "roll_call.html", title=f"Fire roll-call: {site}", site=site, on_site=on_site,
                          at=datetime.now(timezone.utc), silent=silent)

    @app.get("/console/visitors/badge/{visit_id}", include_in_schema=False)
    def badge(request: Request, visit_id: str, who=Depends(web.signed_in(engine, "reception"))) -> Response:
        """A visitor's badge again, to print on the reception's label printer (100 x 70 mm),
        with the same sign-out QR code the kiosk printed."""
        import segno

        with engine.connect() as conn:
            visit = conn.execute(select(tables.visits).where(tables.visits.c.visit_id == visit_id[:36])).mappings().first()
            if visit is None or visit["site"] not in _reception_sites(who, conn):
                raise web.Forbidden()
        audit.record(engine, "visitors.badge", visit["site"], 1, actor=who.staff.actor)
        qr = segno.make(f"HKS1:{visit['visit_id']}", error="m").svg_inline(border=4, omitsize=True, title="Scan to sign out")
        return web.render(request, "badge.html", title=f"Badge for {visit['name']}", visit=visit, qr=qr)

    @app.post("/console/visitors/sign-out", include_in_schema=False)
    async def sign_out(request: Request, who=Depends(web.signed_in(engine, "reception"))) -> Response:
        posted = await web.form(request, who)
        site = posted.text("site")
        with tables.begin(engine) as conn:
            if site not in _reception_sites(who, conn):
                raise web.Forbidden()
            ids = posted.all("visit_id")[:500]
            done = conn.execute(update(tables.visits).where(
                tables.visits.c.visit_id.in_(ids), tables.visits.c.site == site,
                tables.visits.c.signed_out_at.is_(None)).values(signed_out_at=datetime.now(timezone.utc))).rowcount
        return web.back(request, f"/console/visitors?site={site}", f"{done} visitor{'s' if done != 1 else ''} signed out")

    @app.post("/console/visitors/invite", include_in_schema=False)
    async def invite(request: Request, who=Depends(web.signed_in(engine, "host"))) -> Response:
        posted = await web.form(request, who)
        values = {k: posted.text(k) for k in ("visitor", "company", "email", "site", "day-day", "day-month", "day-year")}
        errors = {}
        day = web.date_from(posted, "day")
        if day is None:
            errors["day"] = "Enter the day of the visit as day, month and year, for example 14 12 2026"
        elif not _today() <= day <= _today() + timedelta(days=365):
            errors["day"] = "The day of the visit must be today or later, within a year"
        if not values["visitor"]:
            errors["visitor"] = "Enter the visitor's name"
        with tables.begin(engine) as conn:
            host = _host(conn, who)
            known_sites = set(conn.execute(select(tables.sites.c.name)).scalars())
            if values["site"] not in known_sites:
                errors["site"] = "Choose the site they are visiting"
            if host is None:
                errors["visitor"] = ("Your email address is not in the staff directory, so visitors cannot be "
                                     "sent to you. Ask an administrator to add you.")
            if not errors:
                try:
                    sender = SmtpSettings.from_env()
                    code = visitors.create_invite(conn, keys, values["site"], values["visitor"], host["id"], day,
                                                  values["company"], values["email"],
                                                  sender=sender.sender if sender else None)
                except ValueError as exc:
                    field = "email" if "email" in str(exc).lower() or "@" in str(exc) else "visitor"
                    errors[field] = _kind(str(exc))
        if errors:
            return page(request, who, errors=errors, values=values)
        return web.back(request, "/console/visitors", f"Invitation made: the code is {code[:3]} {code[3:]}"
                        + (". It has been emailed with its QR code." if values["email"] else "."))

    @app.post("/console/visitors/cancel", include_in_schema=False)
    async def cancel(request: Request, who=Depends(web.signed_in(engine, "host"))) -> Response:
        posted = await web.form(request, who)
        with tables.begin(engine) as conn:
            host = _host(conn, who)
            row = conn.execute(select(tables.invites).where(tables.invites.c.code == posted.text("code"))).mappings().first()
            if host is None or row is None or row["host_id"] != host["id"]:
                raise web.Forbidden()
            if row["used_at"] is not None:
                return web.back(request, "/console/visitors", "That visitor has already arrived: the invitation is used")
            conn.execute(delete(tables.invites).where(tables.invites.c.code == row["code"]))
            visitors.publish_invites(conn, keys, row["site"])
        return web.back(request, "/console/visitors", "Invitation cancelled")


def _silent_kiosks(conn, site: str) -> list[str]:
    """Kiosks of `site` (not revoked) central has not heard from for 15 minutes."""
    from central.console.pages.places import SILENT_AFTER

    since = datetime.now(timezone.utc) - SILENT_AFTER
    d = tables.devices.c
    return list(conn.execute(select(d.name).where(d.site == site, d.revoked.is_(False)).where(
        d.last_seen_at.is_(None) | (d.last_seen_at < since)).order_by(d.name)).scalars())


def _kind(message: str) -> str:
    return message[:1].upper() + message[1:]


def _on_site(conn, site: str) -> list[dict]:
    since = datetime.now(timezone.utc) - timedelta(hours=18)
    return [dict(r) for r in conn.execute(select(tables.visits).where(
        tables.visits.c.site == site, tables.visits.c.signed_out_at.is_(None),
        tables.visits.c.checked_in_at >= since).order_by(tables.visits.c.name)).mappings()]


# ----- staff accounts -----------------------------------------------------------------------------
def _staff(app, engine, keys) -> None:
    admin = web.signed_in(engine, "admin")

    def page(request: Request, who, errors: dict | None = None, values: dict | None = None,
             link: str | None = None) -> Response:
        """Every account (audited: names and addresses), the add form, and a new set-up link
        once (400 with `errors` after a change that could not be made)."""
        with engine.connect() as conn:
            people = accounts.everyone(conn)
            sites = sorted(conn.execute(select(tables.sites.c.name)).scalars())
        audit.record(engine, "staff.list", "", len(people), actor=who.staff.actor)
        return web.render(request, "staff.html", status_code=400 if errors else 200, title="Staff accounts",
                          people=people, roles=accounts.ROLES, sites=sites, services=work.SERVICES,
                          errors=errors or {}, values=values or {}, link=link)

    @app.get("/console/staff", include_in_schema=False)
    def staff_page(request: Request, who=Depends(admin)) -> Response:
        return page(request, who)

    @app.post("/console/staff", include_in_schema=False)
    async def staff_change(request: Request, who=Depends(admin)) -> Response:
        posted = await web.form(request, who)
        action, link, errors, values = posted.get("action"), None, {}, {}
        subject = posted.text("email") if action == "add" else posted.text("staff_id")
        with tables.begin(engine) as conn:
            if action == "add":
                values = {k: posted.text(k) for k in ("email", "name", "role", "site", "service")}
                try:
                    role = accounts.Role.of(values["role"], values["site"], values["service"])
                    link = setup_link(accounts.add(conn, keys, values["email"], values["name"], [role]))
                    values = {}
                except accounts.StaffError as exc:
                    errors[exc.field] = str(exc)
            elif action in ("reset", "disable", "role", "unlock"):
                target = accounts.get(conn, posted.text("staff_id"))
                if target is None:
                    raise web.Forbidden()
                if action == "unlock":
                    accounts.unlock(conn, target.id)
                elif action == "reset":
                    link = setup_link(accounts.reset(conn, keys, target.id))
                elif action == "disable":
                    if target.id == who.staff.id:
                        errors["role"] = "You cannot disable your own account"
                    else:
                        accounts.disable(conn, target.id)
                else:
                    try:
                        role = accounts.Role.of(posted.text("role"), posted.text("site"), posted.text("service"))
                        accounts.set_roles(conn, target.id, [*target.roles, role])
                    except accounts.StaffError as exc:
                        errors["role"] = str(exc)
            else:
                raise web.Forbidden()
        if not errors:
            audit.record(engine, f"staff.{action}", subject, 1, actor=who.staff.actor)
        if link is None and not errors:
            return web.back(request, "/console/staff", "Saved")
        return page(request, who, errors, values, link)


def setup_link(token: str) -> str:
    """The one-time set-up link, at central's public address."""
    from central.accounts import public_url

    return f"{public_url()}/console/set-up/{token}"


# ----- the audit log ------------------------------------------------------------------------------
def _audit(app, engine) -> None:
    admin = web.signed_in(engine, "admin")

    @app.get("/console/audit", include_in_schema=False)
    def audit_page(request: Request, page: int = 1, actor: str = "", who=Depends(admin)) -> Response:
        page = max(1, min(page, 100_000))
        a = tables.audit.c
        where = a.actor == actor if actor else True
        with engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(tables.audit).where(where)).scalar()
            rows = [dict(r) for r in conn.execute(select(tables.audit).where(where).order_by(a.id.desc())
                                                  .offset((page - 1) * PER_PAGE).limit(PER_PAGE)).mappings()]
            names = {f"staff:{r['email']}": f"{r['name']} ({r['email']})" for r in conn.execute(
                select(tables.staff.c.email, tables.staff.c.name)).mappings()}
        return web.render(request, "audit.html", title="Audit log", rows=rows, total=total, page=page, names=names,
                          pages=max(1, -(-total // PER_PAGE)), actor=actor, query={"actor": actor} if actor else {})

    @app.get("/console/audit.csv", include_in_schema=False)
    def audit_csv(who=Depends(web.signed_in(engine, "admin", page=False))) -> Response:
        rows = audit.listing(engine)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=["id", "at", "actor", "action", "subject", "rows"])
        writer.writeheader()
        for row in rows:
            writer.writerow({k: audit._cell(v) for k, v in row.items()})
        audit.record(engine, "audit.export", "", len(rows), actor=who.staff.actor)
        return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers={
            **web.NO_STORE, "Content-Disposition": 'attachment; filename="audit.csv"'})
