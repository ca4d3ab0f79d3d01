"""The daily digest and escalation: what nobody has answered reaches a person by email.

Each working day from 07:30 London time, every service with open items gets one email to
its officers: what is overdue and what falls due by close tomorrow. Each item that goes
overdue is escalated once to the managers of its service and site. Emails name items by
reference, kind, site and due time, with a console link: never the resident's details.

Sending goes through the mailer's outbox (central.notify), once per service and day (the
`digests` table's key) and once per item (`work_items.escalated_at`), with any number of
central processes.

    python -m central digest --data DIR [--now 2026-12-02T07:30:00+00:00]   queue them now
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from central import db as tables
from central import work
from central.service_levels import LONDON
from central.staff import ANY
from central.visitors import queue_email
from central.workers import PollingWorker

SENDS_AT = time(7, 30)
COMMANDS = {"digest": "queue today's digest emails and escalations now (they also go by themselves)"}


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _people(conn, roles: tuple[str, ...], service: str, site: str | None = None) -> list[str]:
    """Email addresses of active staff with one of `roles` for `service` (and `site`)."""
    r = tables.staff_roles.c
    query = (select(tables.staff.c.email).distinct().join(tables.staff_roles, r.staff_id == tables.staff.c.id)
             .where(tables.staff.c.state == "active", r.role.in_(roles), r.service.in_([ANY, service])))
    if site is not None:
        query = query.where(r.site.in_([ANY, site]))
    return sorted(conn.execute(query).scalars())


def _line(item: dict, base: str) -> str:
    due = tables.aware(item["due_at"]).astimezone(LONDON)
    return (f"- {item['reference']} ({work.KINDS[item['kind']].lower()}, {item['site']}), due {due:%a %d %b %H:%M}"
            f"\n  {base}/console/items/{item['id']}")


def digest(conn, service: str, now: datetime, base: str) -> tuple[list[dict], list[dict], str]:
    """(overdue, due by close tomorrow, the email's text) for one service."""
    days = work.working_days()
    tomorrow = days.close_of(days.add(now.astimezone(LONDON).date() + timedelta(days=1), 0))
    c = tables.work_items.c
    active = select(tables.work_items).where(c.service == service, c.state != "closed").order_by(c.due_at)
    overdue = [dict(r) for r in conn.execute(active.where(c.due_at <= now)).mappings()]
    soon = [dict(r) for r in conn.execute(active.where(c.due_at > now, c.due_at <= tomorrow)).mappings()]
    name = work.SERVICES.get(service, service)
    parts = [f"Good morning,\n\nThis is {name}'s work queue in the staff console on {now.astimezone(LONDON):%A %d %B}."]
    parts.append(f"\nOverdue ({len(overdue)}):\n" + ("\n".join(_line(i, base) for i in overdue) or "- none"))
    parts.append(f"\nDue by close tomorrow ({len(soon)}):\n" + ("\n".join(_line(i, base) for i in soon) or "- none"))
    parts.append(f"\nThe whole queue: {base}/console/items?service={service}\n")
    return overdue, soon, "\n".join(parts)


def send_digests(engine, now: datetime | None = None, base: str | None = None) -> int:
    """Queue each service's digest for today, once (from 07:30 on a working day)."""
    from central.accounts import public_url

    now, base = now or _now(), base or public_url()
    local = now.astimezone(LONDON)
    if not work.working_days().is_working(local.date()) or local.time() < SENDS_AT:
        return 0
    with engine.connect() as conn:
        services = sorted(conn.execute(select(tables.work_items.c.service).distinct().where(
            tables.work_items.c.state != "closed")).scalars())
    sent = 0
    for service in services:
        with tables.begin(engine) as conn:
            overdue, soon, text = digest(conn, service, now, base)
            # a hub's follow-up calls are its coordinators'
            to = _people(conn, ("officer", "coordinator") if service == "hub-support" else ("officer",), service)
            if not (overdue or soon) or not to:
                continue
            try:
                with conn.begin_nested():
                    conn.execute(tables.digests.insert().values(service=service, day=local.date().isoformat(),
                                                                sent_at=now, items=len(overdue) + len(soon)))
            except IntegrityError:
                continue  # sent already today (by this or another server)
            subject = (f"{work.SERVICES.get(service, service)}: {len(overdue)} overdue, "
                       f"{len(soon)} due by tomorrow")
            for address in to:
                queue_email(conn, address, subject, text, record_id=None)
            sent += 1
    return sent


def escalate(engine, now: datetime | None = None, base: str | None = None) -> int:
    """Tell the service's managers, once, about each item that has gone overdue."""
    from central.accounts import public_url

    now, base = now or _now(), base or public_url()
    done = 0
    with tables.begin(engine) as conn:
        for item in work.overdue_to_escalate(conn, now):
            claimed = conn.execute(update(tables.work_items).where(
                tables.work_items.c.id == item["id"], tables.work_items.c.escalated_at.is_(None)).values(
                escalated_at=now)).rowcount
            if not claimed:
                continue
            text = ("Hello,\n\nThis item in the staff console is overdue: nobody has answered it in the time the "
                    f"council promises.\n\n{_line(item, base)}\n")
            for address in _people(conn, ("manager",), item["service"], item["site"]):
                queue_email(conn, address, f"Overdue: {item['reference']} ({item['site']})", text, record_id=None)
            done += 1
    return done


class Digests(PollingWorker):
    """Escalations as items go overdue, and the morning digests (every five minutes)."""

    name = "digests"

    def __init__(self, engine, poll_seconds: float = 300.0) -> None:
        super().__init__(poll_seconds)
        self.engine = engine

    def run_once(self) -> int:
        return escalate(self.engine) + send_digests(self.engine)


def add_arguments(name: str, parser) -> None:
    if name == "digest":
        parser.add_argument("--now", type=datetime.fromisoformat, help="as if it were this moment (ISO time)")


def run(args, engine) -> int:
    now = args.now or _now()
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    escalated = escalate(engine, now)
    sent = send_digests(engine, now)
    print(f"{sent} digest(s) and {escalated} escalation(s) queued for the mailer")
    return 0
