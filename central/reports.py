"""Street problems residents report at kiosks ("Report a problem"), on central's side.

- `process` files each `street-report` record once, in the transaction that stores it.
  Every field is treated as untrusted: wrong types are dropped, text is cleaned of control
  and direction-override characters and cut to its column's length, numbers must be
  finite and in range. Nothing of a report is ever logged but its ids.
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
import math
import re
import secrets
import sys
import unicodedata
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import and_, select, update

from central import categories as cats
from central import db as tables
from central import gazetteer

log = logging.getLogger("central.reports")

KIND = "street-report"
PHOTO = "photo.jpg"
STATES = ("pending", "sent", "failed")
REFERENCE_RE = re.compile(r"^RPT(-[A-Z0-9]{2,10}){1,3}$")
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud over the phone
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_SERVICE_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,39}$")
_DIGITS = re.compile(r"^[0-9]{1,12}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,6})?$")
_KEEP = {"\u200c", "\u200d"}  # joiners: part of emoji sequences and of some scripts' words
MAX_ANSWERS = 20


def _now() -> datetime:
    return datetime.now(timezone.utc)


def aware(moment: datetime | None) -> datetime | None:
    """A stored time as UTC (SQLite gives them back without a zone)."""
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


# ----- cleaning what kiosks send ---------------------------------------------------------------
def clean_text(value, limit: int, lines: bool = False) -> str:
    """Text as it may be stored and shown: a str, no control, format (direction override),
    surrogate or private-use characters, spaces collapsed, at most `limit` characters.
    Right-to-left letters and emoji stay; anything that is not text becomes ""."""
    if not isinstance(value, str):
        return ""
    kept = []
    for ch in value[: limit * 4]:
        if ch == "\n" and lines:
            kept.append("\n")
        elif ch in "\t\r\n\v\f\u2028\u2029":
            kept.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") and ch not in _KEEP:
            continue
        else:
            kept.append(ch)
    text = "\n".join(" ".join(line.split()) for line in "".join(kept).split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text[:limit].rstrip()


def _number(value, low: float, high: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) and low <= number <= high else None


def _digits(value) -> str:
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    return text if _DIGITS.match(text) else ""


def reference_for(value, record_id: str) -> str:
    """The kiosk's reference if it has the RPT-... shape, else one made from the record id."""
    text = value.strip().upper() if isinstance(value, str) else ""
    if len(text) <= 24 and REFERENCE_RE.match(text):
        return text
    digest = hashlib.sha256(record_id.encode()).digest()
    code = "".join(_ALPHABET[b % len(_ALPHABET)] for b in digest[:8])
    return f"RPT-{code[:4]}-{code[4:]}"


def clean_answers(value, questions: list[dict] | None) -> dict:
    """Answers by question code: true/false, short text or a number. With the category's
    questions known, only answers to them are kept (the back office would refuse others)."""
    if not isinstance(value, dict):
        return {}
    known = {q.get("code") for q in questions} if questions is not None else None
    answers: dict = {}
    for code, answer in list(value.items())[:MAX_ANSWERS * 2]:
        if not isinstance(code, str) or not _SLUG.match(code) or code in cats.RESERVED_CODES:
            continue
        if known is not None and code not in known:
            continue
        if isinstance(answer, bool):
            answers[code] = answer
        elif isinstance(answer, str) and clean_text(answer, 200):
            answers[code] = clean_text(answer, 200)
        elif _number(answer, -1e12, 1e12) is not None and not isinstance(answer, str):
            answers[code] = answer
        if len(answers) >= MAX_ANSWERS:
            break
    return answers


def clean_location(value) -> dict:
    """kind, text, uprn, usrn, postcode, lat, lon: each valid or empty (None for a point)."""
    loc = value if isinstance(value, dict) else {}
    lat, lon = _number(loc.get("lat"), -90, 90), _number(loc.get("lon"), -180, 180)
    if lat is None or lon is None:
        lat = lon = None
    kind = loc.get("kind")
    return {"location_kind": kind if kind in ("address", "street", "postcode") else "",
            "location_text": clean_text(loc.get("text"), 200), "uprn": _digits(loc.get("uprn")),
            "usrn": _digits(loc.get("usrn")), "postcode": gazetteer.normal_postcode(loc.get("postcode")),
            "lat": lat, "lon": lon}


def clean_contact(value) -> dict:
    """Contact details the resident chose to give, each kept only if it looks like one."""
    contact = value if isinstance(value, dict) else {}
    email = clean_text(contact.get("email"), 254).replace(" ", "")
    phone = clean_text(contact.get("phone"), 30)
    phone_ok = re.fullmatch(r"\+?[0-9 ()-]{6,30}", phone) and sum(c.isdigit() for c in phone) >= 6
    return {"contact_name": clean_text(contact.get("name"), 120),
            "contact_email": email if _EMAIL.match(email) else "",
            "contact_phone": phone if phone_ok else ""}


def _reported_at(value) -> datetime:
    """When the resident reported it; now if the kiosk's time is missing, odd or in the future."""
    try:
        moment = aware(datetime.fromisoformat(value)) if isinstance(value, str) and len(value) <= 40 else None
    except ValueError:
        moment = None
    now = _now()
    return moment if moment is not None and now - timedelta(days=366) < moment < now + timedelta(hours=1) else now


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
def process(conn, _keys, device: dict, record_id: str, kind: str, payload, notify: bool) -> None:
    """File a newly stored report (called once per record id, in its transaction)."""
    if kind != KIND:
        return
    if not isinstance(payload, dict):
        log.warning("report record %s is not an object: stored, not filed", record_id)
        return
    values = report_values(conn, device, record_id, payload)
    conn.execute(tables.reports.insert().values(**values))
    log.info("report %s filed from record %s (%s)", values["reference"], record_id,
             "waiting for its photo" if values["has_photo"] else "complete")


def report_values(conn, device: dict, record_id: str, p: dict) -> dict:
    """The `reports` row for payload `p`: cleaned, with the council's own service code."""
    reference = reference_for(p.get("reference"), record_id)
    taken = conn.execute(select(tables.reports.c.record_id).where(tables.reports.c.reference == reference)).scalar()
    if taken is not None:
        log.warning("report record %s repeats a reference in use: filed under its own", record_id)
        reference = reference_for(None, record_id)
    category = p.get("category") if isinstance(p.get("category"), str) and _SLUG.match(p["category"]) else ""
    known = categories(conn).get(category)
    service_code = known["service_code"] if known else (
        p.get("service_code") if isinstance(p.get("service_code"), str) and _SERVICE_CODE.match(p["service_code"])
        else "")
    location = clean_location(p.get("location"))
    street, town = public_place(location, published(conn, gazetteer.DOCUMENT, gazetteer.places))
    has_photo = conn.execute(select(tables.attachments.c.name).where(
        tables.attachments.c.record_id == record_id, tables.attachments.c.name == PHOTO)).first() is not None
    language = p.get("language") if isinstance(p.get("language"), str) and _LANGUAGE.match(p["language"]) else ""
    now = _now()
    return dict(
        reference=reference, record_id=record_id, site=str(device["site"])[:80], device_id=device["id"],
        category=category or "unknown", service_code=service_code, **location,
        street=street, town=town, landmark=clean_text(p.get("landmark"), 200),
        description=clean_text(p.get("description"), 2000, lines=True),
        answers=json.dumps(clean_answers(p.get("answers"), known["questions"] if known else None),
                           ensure_ascii=False),
        **clean_contact(p.get("contact")), has_photo=has_photo, media_secret=secrets.token_urlsafe(24),
        language=language, reported_at=_reported_at(p.get("reported_at")), received_at=now,
        state="pending" if service_code else "failed", attempts=0, next_at=now, unsure=False,
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
            for row in listing(engine, args.reference, args.state, args.contact):
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
