"""Street problems residents report at kiosks ("Report a problem"), on central's side.

- `file` files each `street-report` record once, in the savepoint that stores it. Its
  payload was validated against `sync.payloads.StreetReport` first (types, lengths, tidy
  text, finite coordinates); a payload that does not fit never gets here. Nothing of a
  report is ever logged but its ids.
- A report is forwarded to the back office over Open311 (central/open311.py) once the
  record is complete: a report with a photo waits for `photo.jpg` to arrive.
- `listing` and `retry` serve the command line:

    python -m central reports --data DIR [--reference RPT-...] [--state pending|sent|failed] [--contact]
    python -m central reports --retry RPT-... --data DIR
    python -m central gazetteer FILE.csv --data DIR
    python -m central categories --data DIR [--file council.json] [--public-url URL]
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import and_, select, update

from central import categories as cats
from central import db as tables
from central import notices, work
from central.db import aware
from central import gazetteer
from sync.payloads import CODE_ALPHABET, StreetReport, tidy

log = logging.getLogger("central.reports")

PHOTO = StreetReport.ATTACHMENT
STATES = ("pending", "sent", "failed")


def _now() -> datetime:
    return datetime.now(timezone.utc)


# ----- text that no record model checked -------------------------------------------------------
def clean_text(value, limit: int, lines: bool = False) -> str:
    """Text from outside the kiosks (the back office's answers, the council's gazetteer),
    tidied as record text is (`sync.payloads.tidy`), line by line when `lines`, at most
    `limit` characters; anything that is not text becomes ""."""
    if not isinstance(value, str):
        return ""
    value = value[: limit * 4]
    if lines:
        text = "\n".join(tidy(line) for line in re.split(r"\r\n|[\n\r\u2028\u2029]", value))
        text = re.sub(r"\n{3,}", "\n\n", text).strip()
    else:
        text = tidy(value)
    return text[:limit].rstrip()


def reference_for(reference: str | None, record_id: str) -> str:
    """The kiosk's reference, or (when it is already taken) one made from the record id."""
    if reference:
        return reference
    digest = hashlib.sha256(record_id.encode()).digest()
    code = "".join(CODE_ALPHABET[b % len(CODE_ALPHABET)] for b in digest[:8])
    return f"RPT-{code[:4]}-{code[4:]}"


def known_answers(answers: dict, questions: list[dict] | None) -> dict:
    """With the category's questions known, only answers to them (the back office would
    refuse others), never one with a code the Open311 request itself uses."""
    known = {q.get("code") for q in questions} if questions is not None else None
    return {code: answer for code, answer in answers.items()
            if code not in cats.RESERVED_CODES and (known is None or code in known)}


def _reported_at(moment: datetime) -> datetime:
    """When the resident reported it; now if the kiosk's clock put it in the future or long ago."""
    now = _now()
    return moment if now - timedelta(days=366) < moment < now + timedelta(hours=1) else now


def public_place(location: dict, streets: tuple[dict, dict]) -> tuple[str, str]:
    """(street, town) to show publicly: from the gazetteer by USRN or UPRN, else nothing."""
    by_uprn, by_usrn = streets
    usrn = location["usrn"] or by_uprn.get(location["uprn"]) or ""
    if usrn in by_usrn:
        name, town = by_usrn[usrn]
        return clean_text(name, 120), clean_text(town, 80)
    # Not in the gazetteer: nothing the resident typed is shown (it may be a house, a name
    # or worse); the tracking page says "the postcode area" or "the place given" instead.
    return "", ""


# ----- reference data central has published ------------------------------------------------------
_published: dict[tuple[str, str], tuple[int, object]] = {}


def published(conn, name: str, shape=lambda data: data):
    """The data of published reference document `name` (passed through `shape`), cached
    until a newer version is published: a large gazetteer is read once, not per report."""
    version = conn.execute(select(tables.reference.c.version).where(tables.reference.c.name == name)).scalar()
    if version is None:
        return shape(None)
    key = (str(conn.engine.url), name)
    cached = _published.get(key)
    if cached is None or cached[0] != version:
        document = conn.execute(select(tables.reference.c.document).where(
            tables.reference.c.name == name)).scalar()
        cached = _published[key] = (version, shape(json.loads(document).get("data")))
    return cached[1]


def categories(conn) -> dict[str, dict]:
    return published(conn, cats.DOCUMENT, cats.by_code)


# ----- processing records as they arrive -----------------------------------------------------------
def file(conn, _keys, device: dict, record_id: str, p: StreetReport) -> None:
    """File a newly stored report (once per record id, in the savepoint that stores it)."""
    values = report_values(conn, device, record_id, p)
    conn.execute(tables.reports.insert().values(**values))
    work.open_item(conn, "street-report", record_id, values["reference"], work.report_service(p.category),
                   device["site"], min(values["reported_at"], values["received_at"]))
    notices.report_received(conn, values)
    log.info("report %s filed from record %s (%s)", values["reference"], record_id,
             "waiting for its photo" if values["has_photo"] else "complete")


def report_values(conn, device: dict, record_id: str, p: StreetReport) -> dict:
    """The `reports` row for report `p`, with the council's own service code."""
    reference = p.reference
    taken = conn.execute(select(tables.reports.c.record_id).where(tables.reports.c.reference == reference)).scalar()
    if taken is not None:
        log.warning("report record %s repeats a reference in use: filed under its own", record_id)
        reference = reference_for(None, record_id)
    known = categories(conn).get(p.category)
    service_code = known["service_code"] if known else p.service_code
    loc = p.location
    location = {"location_kind": loc.kind, "location_text": loc.text, "uprn": loc.uprn, "usrn": loc.usrn,
                "postcode": loc.postcode, "lat": loc.lat, "lon": loc.lon}
    street, town = public_place(location, published(conn, gazetteer.DOCUMENT, gazetteer.places))
    has_photo = conn.execute(select(tables.attachments.c.name).where(
        tables.attachments.c.record_id == record_id, tables.attachments.c.name == PHOTO)).first() is not None
    contact = p.contact
    now = _now()
    return dict(
        reference=reference, record_id=record_id, site=device["site"], device_id=device["id"],
        category=p.category, service_code=service_code, **location, street=street, town=town,
        landmark=p.landmark, description=p.description,
        answers=json.dumps(known_answers(p.answers, known["questions"] if known else None), ensure_ascii=False),
        contact_name=contact.name if contact else "", contact_email=contact.email if contact else "",
        contact_phone=contact.phone if contact else "", has_photo=has_photo,
        media_secret=secrets.token_urlsafe(24), language=p.language, reported_at=_reported_at(p.reported_at),
        received_at=now, state="pending" if service_code else "failed", attempts=0, next_at=now, unsure=False,
        last_error=None if service_code else "no Open311 service code for this category",
        status="", status_notes="")


# ----- for staff: listing and retrying --------------------------------------------------------------
def _photo_received(conn, record_id: str) -> bool:
    return conn.execute(select(tables.attachments.c.received).where(
        tables.attachments.c.record_id == record_id, tables.attachments.c.name == PHOTO)).scalar() is True


def _row_out(conn, row: dict, contact: bool) -> dict:
    out = {key: row[key] for key in (
        "reference", "record_id", "site", "category", "service_code", "landmark", "description", "has_photo",
        "language", "state", "attempts", "last_error", "service_request_id", "token", "status", "status_notes")}
    out["location"] = {"kind": row["location_kind"], "text": row["location_text"], "uprn": row["uprn"],
                       "usrn": row["usrn"], "postcode": row["postcode"], "lat": row["lat"], "lon": row["lon"],
                       "street": row["street"], "town": row["town"]}
    out["answers"] = json.loads(row["answers"] or "{}")
    out["photo_received"] = row["has_photo"] and _photo_received(conn, row["record_id"])
    for key in ("reported_at", "received_at", "forwarded_at", "status_updated_at", "status_checked_at"):
        out[key] = aware(row[key]).isoformat() if row[key] else None
    if contact:
        out["contact"] = {"name": row["contact_name"], "email": row["contact_email"], "phone": row["contact_phone"]}
    return out


def listing(engine, reference: str | None = None, state: str | None = None, contact: bool = False) -> list[dict]:
    """Reports, newest first; contact details only when asked for."""
    query = select(tables.reports).order_by(tables.reports.c.received_at.desc())
    if reference:
        query = query.where(tables.reports.c.reference == reference.strip().upper())
    if state:
        query = query.where(tables.reports.c.state == state)
    with engine.connect() as conn:
        return [_row_out(conn, dict(row), contact) for row in conn.execute(query).mappings()]


def retry(engine, reference: str) -> str:
    """Put a failed report back in the queue (after the Open311 settings or the categories
    were fixed); its service code is looked up again. Returns what was done."""
    reference = reference.strip().upper()
    with tables.begin(engine) as conn:
        row = conn.execute(select(tables.reports).where(tables.reports.c.reference == reference)).mappings().first()
        if row is None:
            return f"No report {reference}"
        if row["state"] != "failed":
            return f"Report {reference} is {row['state']}, not failed: nothing to retry"
        known = categories(conn).get(row["category"])
        conn.execute(update(tables.reports).where(and_(
            tables.reports.c.reference == reference, tables.reports.c.state == "failed")).values(
            state="pending", attempts=0, next_at=_now(), claimed_until=None, last_error=None,
            service_code=known["service_code"] if known else row["service_code"]))
    return f"Report {reference} will be forwarded again"


# ----- command line -----------------------------------------------------------------------------------
COMMANDS = {"gazetteer": "publish the street gazetteer from an LLPG extract (CSV)",
            "categories": "publish the report categories (the default list or a JSON file)",
            "reports": "street problems residents reported, one JSON object per line (newest first)"}


def add_arguments(name: str, parser) -> None:
    """The options of this module's commands (COMMANDS) on their subparser."""
    if name == "gazetteer":
        parser.add_argument("csv", help="CSV with columns uprn,lines,town,postcode,usrn,street,lat,lon")
    if name in ("categories", "demo-data"):
        parser.add_argument("--public-url", help="central's address as residents reach it (the tracking "
                                                 "page); HUBKIOSK_PUBLIC_URL wins when set")
    if name == "categories":
        parser.add_argument("--file", help="the council's own categories (JSON); default: the built-in list")
    if name == "reports":
        parser.add_argument("--reference", help="only this report")
        parser.add_argument("--state", choices=STATES, help="only reports in this forwarding state")
        parser.add_argument("--contact", action="store_true", help="include the resident's contact details")
        parser.add_argument("--retry", metavar="REFERENCE", help="forward a failed report again")


def run(args, engine) -> int:
    """Carry out one of this module's commands; 0 on success."""
    from central.keys import load_or_create

    try:
        if args.command == "reports":
            if args.retry:
                message = retry(engine, args.retry)
                print(message, file=sys.stdout if message.endswith("again") else sys.stderr)
                return 0 if message.endswith("again") else 1
            rows = listing(engine, args.reference, args.state, args.contact)
            if args.contact:
                from central import audit

                audit.record(engine, "reports.contact", args.reference or args.state or "", len(rows))
            for row in rows:
                print(json.dumps(row, ensure_ascii=False, sort_keys=True))
            return 0
        keys = load_or_create(Path(args.data))
        if args.command == "gazetteer":
            imported = gazetteer.read_csv(Path(args.csv).read_text(encoding="utf-8-sig"))
            with tables.begin(engine) as conn:
                doc = gazetteer.publish_gazetteer(conn, keys, imported)
            print(f"Gazetteer version {doc.version}: {len(imported.addresses)} addresses, "
                  f"{len(imported.streets)} streets")
            if imported.skipped:
                lines = ", ".join(str(n) for n in imported.skipped[:20])
                more = " ..." if len(imported.skipped) > 20 else ""
                print(f"Skipped {len(imported.skipped)} row(s) that could not be used, at line(s) {lines}{more}",
                      file=sys.stderr)
            return 0
        chosen = cats.read_file(Path(args.file)) if args.file else None
        with tables.begin(engine) as conn:
            doc = cats.publish_categories(conn, keys, chosen, cats.public_url(args.public_url))
        print(f"Report categories version {doc.version}: {len(doc.data['categories'])} categories, "
              f"tracking at {doc.data['track_url']}")
        return 0
    except (ValueError, OSError) as exc:
        print(f"Could not publish the {args.command}: {exc}", file=sys.stderr)
        return 1


def seed_demo(engine, keys, public_url: str | None = None) -> str:
    """Publish the demo town's gazetteer and the default categories; a line saying so."""
    from central import demo

    imported = gazetteer.read_rows(demo.gazetteer_rows())
    with tables.begin(engine) as conn:
        gazetteer.publish_gazetteer(conn, keys, imported)
        doc = cats.publish_categories(conn, keys, None, cats.public_url(public_url))
    return (f"Street gazetteer: {len(imported.addresses)} addresses on {len(imported.streets)} streets; "
            f"{len(doc.data['categories'])} report categories.")
