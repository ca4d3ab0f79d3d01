"""The JSON API for back-office systems: pull the work items of their services (documents,
street reports, follow-up calls) with their records, fetch a document's PDF, and close an
item once it is in their system. Documented in central's OpenAPI (/docs, /openapi.json).

Each integration has its own API key, made by an administrator and shown once:

    python -m central api-key add --name "Revenues and benefits system" --service benefits --data DIR
    python -m central api-key list|revoke ID --data DIR

Requests send it as `X-API-Key: hk_<id>_<secret>`. The key is kept only as a hash; a key
sees only its own services; every read of personal data is in the audit log as `api:<id>`;
wrong keys are rate-limited like every other guessable secret.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timezone
from typing import Literal

from fastapi import Depends, HTTPException, Query, Request, Security
from fastapi.responses import Response
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, Field
from sqlalchemy import select, update

from central import audit, casework, work
from central import db as tables
from central.throttle import client_of

PREFIX = "/api/back-office/v1"
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="hk_<id>_<secret>, from `python -m central api-key add`")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def create_key(conn, name: str, services: list[str]) -> str:
    """A new key for `services` ("*" for all); returns it (shown once)."""
    name = " ".join(name.split())[:80]
    if not name:
        raise ValueError("give the key a name: which system uses it")
    unknown = [s for s in services if s != "*" and s not in work.SERVICES]
    if unknown or not services:
        raise ValueError(f"services must be some of {', '.join(work.SERVICES)} (or *)")
    key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    conn.execute(tables.api_keys.insert().values(id=key_id, name=name, secret_sha256=_sha(secret),
                                                 services=",".join(sorted(set(services))),
                                                 created_at=datetime.now(timezone.utc)))
    return f"hk_{key_id}_{secret}"


def revoke_key(conn, key_id: str) -> bool:
    return conn.execute(update(tables.api_keys).where(tables.api_keys.c.id == key_id, tables.api_keys.c.revoked_at.is_(None))
                        .values(revoked_at=datetime.now(timezone.utc))).rowcount == 1


def keys(conn) -> list[dict]:
    return [dict(r) for r in conn.execute(select(tables.api_keys.c.id, tables.api_keys.c.name, tables.api_keys.c.services,
                                                 tables.api_keys.c.created_at, tables.api_keys.c.revoked_at)
                                          .order_by(tables.api_keys.c.created_at)).mappings()]


class Caller(BaseModel):
    id: str
    services: frozenset[str] | None  # None: every service

    @property
    def actor(self) -> str:
        return f"api:{self.id}"


def caller_dependency(engine, throttle):
    def caller(request: Request, key: str | None = Security(_header)) -> Caller:
        client = client_of(request)
        throttle.check("api-key", client)
        parts = (key or "").split("_", 2)
        row = None
        if len(parts) == 3 and parts[0] == "hk" and len(key) < 200:
            with engine.connect() as conn:
                row = conn.execute(select(tables.api_keys).where(tables.api_keys.c.id == parts[1])).mappings().first()
        if row is None or row["revoked_at"] is not None or not hmac.compare_digest(row["secret_sha256"], _sha(parts[2])):
            throttle.count("api-key", client)
            raise HTTPException(401, "a valid X-API-Key is required")
        services = row["services"].split(",")
        return Caller(id=row["id"], services=None if "*" in services else frozenset(services))

    return caller


class Item(BaseModel):
    id: int
    kind: str = Field(description="document | street-report | follow-up")
    reference: str = Field(description="as on the resident's slip")
    service: str
    site: str
    received_at: datetime
    due_at: datetime
    clock: str = Field(description="on-time | due-soon | overdue | closed")
    state: str = Field(description="open | claimed | closed")
    outcome: str


class ItemPage(BaseModel):
    items: list[Item]
    total: int
    offset: int


class ItemDetail(Item):
    record: dict | None = Field(description="the document, report or follow-up request behind the item")


class Close(BaseModel):
    outcome: str = Field(min_length=1, max_length=work.MAX_OUTCOME, examples=["Indexed into the back-office system"])


def _item(row: dict) -> Item:
    return Item(id=row["id"], kind=row["kind"], reference=row["reference"], service=row["service"], site=row["site"],
                received_at=tables.aware(row["received_at"]), due_at=tables.aware(row["due_at"]),
                clock=work.status(row), state=row["state"], outcome=row["outcome"])


def routes(app, engine, keys_, files, throttle) -> None:
    caller = caller_dependency(engine, throttle)
    tags = ["back office"]

    def _mine(conn, item_id: int, who: Caller) -> dict:
        item = work.get(conn, item_id)
        if item is None or (who.services is not None and item["service"] not in who.services):
            raise HTTPException(404, "no such item for this key")
        return item

    @app.get(f"{PREFIX}/items", response_model=ItemPage, tags=tags)
    def list_items(who: Caller = Depends(caller), kind: Literal["document", "street-report", "follow-up"] | None = None,
                   state: Literal["active", "open", "claimed", "closed", "all"] = "active",
                   clock: Literal["overdue", "due-soon", "on-time"] | None = None,
                   reference: str | None = Query(None, max_length=40),
                   offset: int = Query(0, ge=0, le=1_000_000), limit: int = Query(100, ge=1, le=500)) -> ItemPage:
        """Work items of this key's services, the most urgent first (no personal data)."""
        flt = work.Filter(None, who.services, kind, state, clock, reference)
        with engine.connect() as conn:
            rows, total = work.page(conn, flt, offset=offset, limit=limit)
        return ItemPage(items=[_item(r) for r in rows], total=total, offset=offset)

    @app.get(f"{PREFIX}/items/{{item_id}}", response_model=ItemDetail, tags=tags)
    def get_item(item_id: int, who: Caller = Depends(caller)) -> ItemDetail:
        """One item with its record (personal data: the read is audited)."""
        with engine.connect() as conn:
            item = _mine(conn, item_id, who)
            record = casework.details(conn, item)
        audit.record(engine, f"{item['kind']}.open", item["reference"], 1, actor=who.actor)
        if record:
            for key in ("media_secret", "token", "claimed_until", "next_at", "unsure"):
                record.pop(key, None)
        return ItemDetail(**_item(item).model_dump(), record=tables.plain(record) if record else None)

    @app.get(f"{PREFIX}/items/{{item_id}}/document.pdf", tags=tags,
             responses={200: {"content": {"application/pdf": {}}}})
    def get_pdf(item_id: int, who: Caller = Depends(caller)) -> Response:
        """A scanned document's PDF, opened with the council's key (audited)."""
        with engine.connect() as conn:
            item = _mine(conn, item_id, who)
        data = casework.pdf(files, keys_, item["record_id"]) if item["kind"] == "document" else None
        if data is None:
            raise HTTPException(404, "no PDF for this item")
        audit.record(engine, "document.download", item["reference"], 1, actor=who.actor)
        return Response(data, media_type="application/pdf", headers={"Cache-Control": "no-store"})

    @app.post(f"{PREFIX}/items/{{item_id}}/close", response_model=Item, tags=tags,
              responses={409: {"description": "closed already"}})
    def close_item(item_id: int, body: Close, who: Caller = Depends(caller)) -> Item:
        """Close an item once the back office has it: the clock stops, the history says so."""
        try:
            with tables.begin(engine) as conn:
                item = _mine(conn, item_id, who)
                work.close(conn, item_id, who.actor, body.outcome)
                casework.closed(conn, item, who.actor)
        except work.NotAllowed as exc:
            raise HTTPException(409, str(exc)) from exc
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from exc
        with engine.connect() as conn:
            return _item(work.get(conn, item_id))


# ----- command line -------------------------------------------------------------------------------
COMMANDS = {"api-key": "keys for back-office systems using the JSON API: add (shown once), list, revoke"}


def add_arguments(name: str, parser) -> None:
    if name == "api-key":
        parser.add_argument("action", choices=("add", "list", "revoke"))
        parser.add_argument("key_id", nargs="?", help="the key's id (revoke)")
        parser.add_argument("--name", help="which system uses it (add)")
        parser.add_argument("--service", action="append", default=[], help="a service it may see (repeat; * for all)")


def run(args, engine) -> int:
    import sys

    with tables.begin(engine) as conn:
        if args.action == "list":
            tables.print_lines(keys(conn))
            return 0
        if args.action == "revoke":
            if not args.key_id or not revoke_key(conn, args.key_id):
                print(f"No live key {args.key_id}", file=sys.stderr)
                return 1
            print(f"Revoked key {args.key_id}")
            return 0
        try:
            key = create_key(conn, args.name or "", args.service)
        except ValueError as exc:
            print(f"Could not make the key: {exc}", file=sys.stderr)
            return 1
    print(f"API key (shown once; send it as X-API-Key): {key}")
    return 0
