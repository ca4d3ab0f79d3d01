"""The work queue and each item's page: scanned documents (pages inline, marked indexed),
street reports (Open311 state, retry a failed forward), follow-up calls (the contact details
the resident agreed to). Service officers see their services' items at their sites, hub
coordinators their hubs' follow-ups; managers see the queue (no personal data), read only.
"""

from __future__ import annotations

import csv
import io

from fastapi import Depends, Request
from fastapi.responses import Response

from central import audit, casework, reports, work
from central import db as tables
from central.console import web
from central.staff import ANY

QUEUE_ROLES = ("officer", "coordinator", "manager")
ACT_ROLES = ("officer", "coordinator")
PER_PAGE = 50
CSV_LIMIT = 10_000


def scoped(who, flt: work.Filter, roles=QUEUE_ROLES) -> work.Filter:
    """`flt` narrowed to what this person may see: their sites and their services, for the
    roles that see the queue (coordinators: follow-ups only)."""
    staff = who.staff
    sites: set[str] | None = set()
    services: set[str] | None = set()
    for r in staff.roles:
        if r.role not in roles:
            continue
        service = "hub-support" if r.role == "coordinator" else r.service
        if sites is not None:
            sites = None if r.site == ANY else sites | {r.site}
        if services is not None:
            services = None if service == ANY else services | {service}
    if flt.sites is not None:
        sites = flt.sites if sites is None else sites & flt.sites
    if flt.services is not None:
        services = flt.services if services is None else services & flt.services
    return work.Filter(frozenset(sites) if sites is not None else None,
                       frozenset(services) if services is not None else None,
                       flt.kind, flt.state, flt.clock, flt.reference, flt.assignee)


def may_act(who, item: dict) -> bool:
    if item["kind"] == "follow-up":
        return who.staff.may(("coordinator",), item["site"]) or who.staff.may(("officer",), item["site"], "hub-support")
    return who.staff.may(("officer",), item["site"], item["service"])


def may_see(who, item: dict) -> bool:
    return may_act(who, item) or who.staff.may(("manager",), item["site"], item["service"])


def _filter(request: Request) -> work.Filter:
    q = request.query_params
    one = lambda name, allowed=None: (q.get(name) or None) if allowed is None or q.get(name) in allowed else None  # noqa: E731
    return work.Filter(
        sites=frozenset([q["site"]]) if q.get("site") else None,
        services=frozenset([q["service"]]) if q.get("service") in work.SERVICES else None,
        kind=one("kind", work.KINDS), state=q.get("state") if q.get("state") in (*work.STATES, "active", "all") else "active",
        clock=one("clock", ("overdue", "due-soon", "on-time")), reference=(q.get("reference") or "")[:40] or None,
        assignee=(q.get("mine") and getattr(request.state, "console").staff.id) or None)


def routes(app, engine, keys, files) -> None:
    queue_reader = web.signed_in(engine, *QUEUE_ROLES)
    worker = web.signed_in(engine, *ACT_ROLES)
    downloads = web.signed_in(engine, *ACT_ROLES, page=False)

    @app.get("/console/items", include_in_schema=False)
    def queue(request: Request, page: int = 1, who=Depends(queue_reader)) -> Response:
        flt = scoped(who, _filter(request))
        page = max(1, min(page, 10_000))
        with engine.connect() as conn:
            rows, total = work.page(conn, flt, offset=(page - 1) * PER_PAGE, limit=PER_PAGE)
            counts = work.counts(conn, flt)
            sites = sorted(conn.execute(tables.sites.select().with_only_columns(tables.sites.c.name)).scalars())
        query = {k: v for k, v in request.query_params.items() if k != "page"}
        return web.render(request, "items.html", title="Work queue", rows=rows, total=total, counts=counts,
                          page=page, pages=max(1, -(-total // PER_PAGE)), query=query, kinds=work.KINDS,
                          services=work.SERVICES, sites=sites, flt=flt)

    @app.get("/console/items.csv", include_in_schema=False)
    def queue_csv(request: Request, who=Depends(web.signed_in(engine, *QUEUE_ROLES, page=False))) -> Response:
        flt = scoped(who, _filter(request))
        with engine.connect() as conn:
            rows, _total = work.page(conn, flt, limit=CSV_LIMIT)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["reference", "kind", "service", "site", "received", "due", "clock", "state", "assignee",
                         "outcome"])
        for r in rows:
            writer.writerow([audit._cell(v) for v in (
                r["reference"], r["kind"], r["service"], r["site"], tables.aware(r["received_at"]).isoformat(),
                tables.aware(r["due_at"]).isoformat(), r["clock"], r["state"], r["assignee_name"] or "",
                r["outcome"])])
        audit.record(engine, "items.export", _describe(flt), len(rows), actor=who.staff.actor)
        return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers={
            **web.NO_STORE, "Content-Disposition": 'attachment; filename="work-queue.csv"'})

    def _item(conn, item_id: int, who, act: bool = False) -> dict:
        item = work.get(conn, item_id)
        if item is None or not (may_act(who, item) if act else may_see(who, item)):
            raise web.Forbidden()  # the same answer for "no such item" and "not yours"
        return item

    def show(request: Request, item_id: int, who, errors: dict | None = None) -> Response:
        """An item's page (400 with `errors` after a form that could not be done); the record
        behind it, for those who may act on it, is audited each time it is shown."""
        with engine.connect() as conn:
            item = _item(conn, item_id, who)
            act = may_act(who, item)
            record = casework.details(conn, item) if act else None
            history = work.history(conn, item_id)
            colleagues = _colleagues(conn, item) if act else []
        page_count = 0
        if record is not None:
            audit.record(engine, f"{item['kind']}.open", item["reference"], 1, actor=who.staff.actor)
            if item["kind"] == "document" and record["pdf"]:
                page_count = record["pages"]
        item["clock"] = work.status(item)
        return web.render(request, "item.html", status_code=400 if errors else 200,
                          title=f"{work.KINDS[item['kind']]} {item['reference']}", item=item, record=record, act=act,
                          history=history, colleagues=colleagues, page_count=page_count,
                          outcomes=casework.outcomes(item["kind"]), errors=errors or {}, services=work.SERVICES)

    @app.get("/console/items/{item_id}", include_in_schema=False)
    def item_page(request: Request, item_id: int, who=Depends(queue_reader)) -> Response:
        return show(request, item_id, who)

    @app.get("/console/items/{item_id}/pages/{number}.jpg", include_in_schema=False)
    def document_page(item_id: int, number: int, who=Depends(downloads)) -> Response:
        with engine.connect() as conn:
            item = _item(conn, item_id, who, act=True)
        if item["kind"] != "document":
            raise web.Forbidden()
        image = casework.page(files, keys, item["record_id"], number)
        if image is None:
            return Response("no such page", 404)
        return Response(image, media_type="image/jpeg", headers=web.NO_STORE)

    @app.get("/console/items/{item_id}/document.pdf", include_in_schema=False)
    def document_pdf(item_id: int, who=Depends(downloads)) -> Response:
        with engine.connect() as conn:
            item = _item(conn, item_id, who, act=True)
        data = casework.pdf(files, keys, item["record_id"]) if item["kind"] == "document" else None
        if data is None:
            return Response("no document", 404)
        audit.record(engine, "document.download", item["reference"], 1, actor=who.staff.actor)
        return Response(data, media_type="application/pdf", headers={
            **web.NO_STORE, "Content-Disposition": f'attachment; filename="{item["reference"]}.pdf"'})

    @app.post("/console/items/{item_id}", include_in_schema=False)
    async def change(request: Request, item_id: int, who=Depends(worker)) -> Response:
        posted = await web.form(request, who)
        action = posted.get("action")
        here = f"/console/items/{item_id}"
        try:
            with tables.begin(engine) as conn:
                item = _item(conn, item_id, who, act=True)
                if action == "claim":
                    work.claim(conn, item_id, who.staff.id, who.staff.actor)
                    message = "You have claimed this item"
                elif action == "assign":
                    to = posted.text("assignee")
                    names = dict((c["id"], c["name"]) for c in _colleagues(conn, item))
                    if to and to not in names:
                        raise ValueError("Choose someone who works on this service")
                    work.assign(conn, item_id, to or None, who.staff.actor, names.get(to, ""))
                    message = f"Assigned to {names[to]}" if to else "Nobody is assigned now"
                elif action == "note":
                    work.note(conn, item_id, who.staff.actor, posted.get("note", ""))
                    message = "Note added"
                elif action == "close":
                    outcome = posted.text("outcome")
                    if outcome == "other":
                        outcome = posted.text("other")
                    work.close(conn, item_id, who.staff.actor, outcome)
                    casework.closed(conn, item, who.staff.actor)
                    message = "Item closed"
                elif action == "retry" and item["kind"] == "street-report":
                    message = None
                else:
                    raise ValueError("Choose what to do")
        except work.NotAllowed as exc:
            return web.back(request, here, str(exc).capitalize())
        except ValueError as exc:
            field = {"assign": "assignee", "note": "note", "close": "outcome"}.get(action, "action")
            return show(request, item_id, who, {field: str(exc)})
        if action == "retry":
            with engine.connect() as conn:
                reference = work.get(conn, item_id)["reference"]
            message = reports.retry(engine, reference)
        return web.back(request, here, message)


def _colleagues(conn, item: dict) -> list[dict]:
    """Staff who may act on `item` (for "assign to")."""
    from sqlalchemy import select

    r = tables.staff_roles.c
    roles = ("coordinator", "officer") if item["kind"] == "follow-up" else ("officer",)
    service = "hub-support" if item["kind"] == "follow-up" else item["service"]
    query = (select(tables.staff.c.id, tables.staff.c.name).distinct()
             .join(tables.staff_roles, r.staff_id == tables.staff.c.id)
             .where(tables.staff.c.state == "active", r.role.in_(roles), r.site.in_([ANY, item["site"]]),
                    (r.service.in_([ANY, service])) | (r.role == "coordinator"))
             .order_by(tables.staff.c.name))
    return [dict(row) for row in conn.execute(query).mappings()]


def _describe(flt: work.Filter) -> str:
    parts = [f"{k}={v}" for k, v in (("kind", flt.kind), ("state", flt.state), ("clock", flt.clock),
                                     ("reference", flt.reference)) if v]
    return " ".join(parts)[:200]
