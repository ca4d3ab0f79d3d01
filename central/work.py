"""Work items: everything a resident handed over that needs a person, in its service's
queue, with the service-level clock the council's charter sets for it.

Items are made by the record handlers in the record's own savepoint (a filed document and
its item commit together, exactly once). `due_at` and `amber_at` are stored, so "what is
overdue" is an indexed range query on SQLite and PostgreSQL alike; `status()` turns them
into on-time / due-soon / overdue for a given moment.

    open_item(conn, "document", record_id, "DOC-AB12-CD34", "benefits", "Civic Centre", received_at)
    claim(conn, item_id, staff_id, actor) / assign(...) / note(...) / close(..., outcome)

Which service handles what is set here (SERVICES, by document purpose and report category),
and what the council promises for each kind is `central.service_levels.DEFAULT_TIMESCALES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import and_, func, select, update

from central import db as tables
from central.service_levels import DEFAULT_TIMESCALES, Timescale, WorkingDays

KINDS = {"document": "Scanned document", "street-report": "Street report", "follow-up": "Follow-up call"}
STATES = ("open", "claimed", "closed")
MAX_NOTE = 2000
MAX_OUTCOME = 200

# The council's services and who handles what arrives. A site's hub coordinators handle
# follow-up calls (service "hub-support", scoped by site).
SERVICES = {
    "benefits": "Benefits",
    "council-tax": "Council tax",
    "housing": "Housing",
    "customer-services": "Customer services",
    "environment": "Environment",
    "waste": "Waste and recycling",
    "highways": "Highways and street lighting",
    "parks": "Parks and open spaces",
    "hub-support": "Hub support",
}
DOCUMENT_SERVICES = {"housing-benefit": "benefits", "council-tax": "council-tax", "housing-register": "housing"}
REPORT_SERVICES = {
    "fly-tipping": "environment", "abandoned-vehicle": "environment", "fly-posting": "environment",
    "graffiti": "environment", "litter": "environment", "dog-fouling": "environment", "noise": "environment",
    "pollution": "environment", "missed-bin": "waste", "overgrown-vegetation": "parks",
    "grass-cutting": "parks", "street-light": "highways", "pothole": "highways", "road-markings": "highways",
}

_days: WorkingDays | None = None


def working_days() -> WorkingDays:
    global _days
    if _days is None:
        _days = WorkingDays()
    return _days


def _now() -> datetime:
    return datetime.now(timezone.utc)


def document_service(purpose: str) -> str:
    return DOCUMENT_SERVICES.get(purpose, "customer-services")


def report_service(category: str) -> str:
    return REPORT_SERVICES.get(category, "customer-services")


def timescale(conn, kind: str) -> Timescale:
    """The council's promise for `kind`: as an administrator set it, else the default."""
    row = conn.execute(select(tables.timescales).where(tables.timescales.c.kind == kind)).mappings().first()
    return Timescale(row["working_days"], row["warn_days"]) if row else DEFAULT_TIMESCALES[kind]


def timescales(conn) -> dict[str, dict]:
    """Every kind's timescale, with who set it and when (None: the default)."""
    rows = {r["kind"]: dict(r) for r in conn.execute(select(tables.timescales)).mappings()}
    return {kind: {"kind": kind, "name": KINDS[kind], **(rows.get(kind) or {
        "working_days": DEFAULT_TIMESCALES[kind].working_days, "warn_days": DEFAULT_TIMESCALES[kind].warn_days,
        "updated_at": None, "updated_by": None})} for kind in KINDS}


def set_timescale(conn, kind: str, working_days: int, warn_days: int, actor: str) -> None:
    """Change `kind`'s promise for items received from now on (those queued keep theirs)."""
    if kind not in KINDS:
        raise ValueError(f"no such kind of item: {kind}")
    try:
        Timescale(working_days, warn_days)
    except ValueError as exc:
        raise ValueError("A deadline is 0 to 365 working days, and the warning comes at most that many days "
                         "before it") from exc
    values = dict(working_days=working_days, warn_days=warn_days, updated_at=_now(), updated_by=actor[:120])
    if conn.execute(update(tables.timescales).where(tables.timescales.c.kind == kind).values(**values)).rowcount == 0:
        conn.execute(tables.timescales.insert().values(kind=kind, **values))


def open_item(conn, kind: str, record_id: str, reference: str, service: str, site: str,
              received_at: datetime) -> None:
    """Queue one item with its clock (in the caller's transaction: the record's savepoint)."""
    status = working_days().status(received_at, timescale(conn, kind), received_at)
    conn.execute(tables.work_items.insert().values(
        kind=kind, record_id=record_id, reference=reference, service=service, site=site,
        received_at=received_at, amber_at=status.amber_at, due_at=status.due_at, state="open", outcome=""))


def status(item: dict, now: datetime | None = None) -> str:
    """closed, overdue, due-soon or on-time."""
    if item["state"] == "closed":
        return "closed"
    now = now or _now()
    if now >= tables.aware(item["due_at"]):
        return "overdue"
    return "due-soon" if now >= tables.aware(item["amber_at"]) else "on-time"


class NotAllowed(Exception):
    """The item cannot be changed that way (closed already, or not this person's)."""


@dataclass(frozen=True)
class Filter:
    """What a queue page asks for; `sites`/`services` None means every one (the caller's
    scope narrows them before this is built: see central.staff.Scope)."""

    sites: frozenset[str] | None = None
    services: frozenset[str] | None = None
    kind: str | None = None
    state: str = "active"   # active (open or claimed) | open | claimed | closed | all
    clock: str | None = None  # overdue | due-soon | on-time
    reference: str | None = None
    assignee: str | None = None

    def clauses(self, now: datetime) -> list:
        c = tables.work_items.c
        out = []
        if self.sites is not None:
            out.append(c.site.in_(sorted(self.sites)))
        if self.services is not None:
            out.append(c.service.in_(sorted(self.services)))
        if self.kind:
            out.append(c.kind == self.kind)
        if self.state == "active":
            out.append(c.state != "closed")
        elif self.state in STATES:
            out.append(c.state == self.state)
        if self.clock == "overdue":
            out += [c.state != "closed", c.due_at <= now]
        elif self.clock == "due-soon":
            out += [c.state != "closed", c.amber_at <= now, c.due_at > now]
        elif self.clock == "on-time":
            out += [c.state != "closed", c.amber_at > now]
        if self.reference:
            out.append(c.reference == self.reference.strip().upper())
        if self.assignee:
            out.append(c.assignee == self.assignee)
        return out


def page(conn, flt: Filter, now: datetime | None = None, offset: int = 0, limit: int = 50) -> tuple[list[dict], int]:
    """One page of items (most urgent first) and how many match in all."""
    now = now or _now()
    clauses = flt.clauses(now)
    where = and_(*clauses) if clauses else True
    c = tables.work_items.c
    total = conn.execute(select(func.count()).select_from(tables.work_items).where(where)).scalar()
    query = (select(tables.work_items, tables.staff.c.name.label("assignee_name"))
             .join(tables.staff, tables.staff.c.id == c.assignee, isouter=True)
             .where(where).order_by(c.due_at, c.id).offset(offset).limit(limit))
    rows = [dict(r) for r in conn.execute(query).mappings()]
    for row in rows:
        row["clock"] = status(row, now)
    return rows, total


def counts(conn, flt: Filter, now: datetime | None = None) -> dict[str, int]:
    """Active items by clock: overdue, due-soon, on-time (for the queue's summary)."""
    now = now or _now()
    return {clock: conn.execute(select(func.count()).select_from(tables.work_items).where(
        and_(*Filter(flt.sites, flt.services, flt.kind, "active", clock).clauses(now)))).scalar()
        for clock in ("overdue", "due-soon", "on-time")}


def get(conn, item_id: int) -> dict | None:
    row = conn.execute(select(tables.work_items, tables.staff.c.name.label("assignee_name"))
                       .join(tables.staff, tables.staff.c.id == tables.work_items.c.assignee, isouter=True)
                       .where(tables.work_items.c.id == item_id)).mappings().first()
    return dict(row) if row else None


def for_record(conn, kind: str, record_id: str) -> dict | None:
    row = conn.execute(select(tables.work_items).where(
        (tables.work_items.c.kind == kind) & (tables.work_items.c.record_id == record_id))).mappings().first()
    return dict(row) if row else None


def history(conn, item_id: int) -> list[dict]:
    return [dict(r) for r in conn.execute(select(tables.work_events).where(
        tables.work_events.c.item_id == item_id).order_by(tables.work_events.c.id)).mappings()]


def _event(conn, item_id: int, actor: str, action: str, note: str = "") -> None:
    conn.execute(tables.work_events.insert().values(item_id=item_id, at=_now(), actor=actor[:120], action=action,
                                                    note=note))


def _change(conn, item_id: int, **values) -> None:
    done = conn.execute(update(tables.work_items).where(
        (tables.work_items.c.id == item_id) & (tables.work_items.c.state != "closed")).values(**values))
    if done.rowcount != 1:
        raise NotAllowed("this item is closed already")


def claim(conn, item_id: int, staff_id: str, actor: str) -> None:
    _change(conn, item_id, state="claimed", assignee=staff_id)
    _event(conn, item_id, actor, "claimed")


def assign(conn, item_id: int, staff_id: str | None, actor: str, to_name: str = "") -> None:
    _change(conn, item_id, state="claimed" if staff_id else "open", assignee=staff_id)
    _event(conn, item_id, actor, "assigned" if staff_id else "released", to_name)


def note(conn, item_id: int, actor: str, text: str) -> None:
    text = text.strip()
    if not text:
        raise ValueError("Enter a note")
    if len(text) > MAX_NOTE:
        raise ValueError(f"A note must be {MAX_NOTE} characters or fewer")
    if get(conn, item_id) is None:
        raise NotAllowed("no such item")
    _event(conn, item_id, actor, "note", text)


def close(conn, item_id: int, actor: str, outcome: str) -> None:
    outcome = " ".join(outcome.split())
    if not outcome:
        raise ValueError("Enter the outcome")
    if len(outcome) > MAX_OUTCOME:
        raise ValueError(f"The outcome must be {MAX_OUTCOME} characters or fewer")
    _change(conn, item_id, state="closed", outcome=outcome, closed_at=_now())
    _event(conn, item_id, actor, "closed", outcome)
    from central import notices   # (notices reads reports, which file work items)

    notices.item_closed(conn, get(conn, item_id), actor)


def close_for_record(conn, kind: str, record_id: str, actor: str, outcome: str) -> None:
    """Close a record's item from elsewhere (the back office accepted a report), if still open."""
    item = for_record(conn, kind, record_id)
    if item is not None and item["state"] != "closed":
        close(conn, item["id"], actor, outcome)


def overdue_to_escalate(conn, now: datetime | None = None) -> list[dict]:
    """Overdue items not yet escalated to their service's manager."""
    now = now or _now()
    c = tables.work_items.c
    return [dict(r) for r in conn.execute(select(tables.work_items).where(
        (c.state != "closed") & (c.due_at <= now) & c.escalated_at.is_(None)).order_by(c.due_at)).mappings()]


# ----- command line -------------------------------------------------------------------------------
COMMANDS = {"service-levels": "the charter's deadline per kind of item, in working days (show, or --set)"}


def add_arguments(name: str, parser) -> None:
    if name == "service-levels":
        parser.add_argument("--set", action="append", default=[], metavar="KIND=DAYS[:WARN]",
                            help=f"e.g. document=5:1 (kinds: {', '.join(KINDS)})")


def run(args, engine) -> int:
    import sys

    from central import audit

    try:
        with tables.begin(engine) as conn:
            for setting in args.set:
                kind, _eq, value = setting.partition("=")
                days, _colon, warn = value.partition(":")
                set_timescale(conn, kind.strip(), int(days), int(warn or 1), audit.shell_actor())
    except ValueError as exc:
        print(f"Could not set the service level: {exc}", file=sys.stderr)
        return 1
    with engine.connect() as conn:
        tables.print_lines(timescales(conn).values())
    return 0


def by_service(conn, flt: Filter, now: datetime | None = None, days: int = 30) -> list[dict]:
    """How each service is doing, for managers: open now, overdue now, and of the items
    closed in the last `days` days how many were closed by their deadline (two indexed
    queries: open items, and items closed since)."""
    from datetime import timedelta

    from sqlalchemy import case

    now = now or _now()
    c = tables.work_items.c
    scope = Filter(flt.sites, flt.services, state="all").clauses(now)
    where = and_(*scope) if scope else True
    rows: dict[str, dict] = {}

    def row(service: str) -> dict:
        return rows.setdefault(service, {"service": service, "name": SERVICES.get(service, service), "open": 0,
                                         "overdue": 0, "closed": 0, "on_time": 0})

    for service, active, overdue in conn.execute(
            select(c.service, func.count(), func.sum(case((c.due_at <= now, 1), else_=0)))
            .where(where, c.state != "closed").group_by(c.service)):
        row(service).update(open=active, overdue=overdue or 0)
    for service, closed, on_time in conn.execute(
            select(c.service, func.count(), func.sum(case((c.closed_at <= c.due_at, 1), else_=0)))
            .where(where, c.state == "closed", c.closed_at >= now - timedelta(days=days)).group_by(c.service)):
        row(service).update(closed=closed, on_time=on_time or 0)
    out = []
    for service in sorted(rows):
        r = rows[service]
        on_time = r.pop("on_time")
        r["on_time_share"] = round(on_time / r["closed"], 3) if r["closed"] else None
        out.append(r)
    return out
