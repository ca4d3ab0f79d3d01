"""Typed records: each kind's payload is read by its model (sync/payloads.py) before central
files anything. A payload that does not fit, or a kind or version central does not know, is
refused for good, alone, with a reason that names fields and never their contents; the kiosk
dead-letters that one record and sends the rest."""

from __future__ import annotations

import json
import logging
from datetime import date, datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from central import db as tables
from central import visitors
from sync import payloads
from sync.client import CentralClient
from sync.outbox import Outbox, new_id
from sync.store import open_db
from sync.worker import SyncWorker
from tests.effects import KINDS, Workload
from tests.helpers import feedback

from .conftest import Served, enrol, sealed, submit

SECRET = "Zofia Wiśniewska-Secret"


def stored(app) -> int:
    with app.state.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(tables.records)).scalar_one()


def filed(app) -> dict[str, int]:
    """Rows of every table a record's effects go to."""
    with app.state.engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in (
            tables.visits, tables.notifications, tables.documents, tables.reports, tables.accounts,
            tables.signup_followups, tables.feedback, tables.visitors)}


def good_payload(kind: str) -> dict:
    """A valid payload of `kind`, as JSON, from the crash tests' workload."""
    workload = Workload(site="Central Library")
    if kind == "visitor-signout":
        workload._visits.append(new_id())
    payload, _files, _id = workload._payload(kind, 7)
    return payload.model_dump(mode="json")


# Ways a payload can fail its model, each with the field the rejection must name.
HOSTILE = [
    ("feedback", {"journey": "information", "day": "2026-12-01", "stars": True}, "stars"),
    ("feedback", {"journey": "information", "day": "2026-12-01", "comment": SECRET * 40}, "comment"),
    ("feedback", {"journey": "../../etc", "day": "2026-12-01"}, "journey"),
    ("feedback", {"journey": "information", "day": "2026-12-01", "who": SECRET}, "who"),
    ("street-report", {**good_payload("street-report"), "description": SECRET * 60}, "description"),
    ("street-report", {**good_payload("street-report"), "location": {"kind": "postcode", "lat": "NaN"}}, "location.lat"),
    ("street-report", {**good_payload("street-report"), "answers": {"amount": [SECRET]}}, "answers.amount"),
    ("street-report", {**good_payload("street-report"), "reference": "'; DROP TABLE reports; --"}, "reference"),
    ("account-signup", {**good_payload("account-signup"), "email": f"{SECRET}@"}, "email"),
    ("account-signup", {**good_payload("account-signup"), "mobile": "07700 900123"}, "mobile"),
    ("account-signup", {**good_payload("account-signup"), "first_name": ""}, "first_name"),
    ("signup-follow-up", {**good_payload("signup-follow-up"), "stage": "password"}, "stage"),
    ("visitor-checkin", {**good_payload("visitor-checkin"), "name": 5}, "name"),
    ("visitor-signout-all", {"visit_ids": [], "how": "badge", "signed_out_at": "2026-12-01T10:00:00Z"}, "visit_ids"),
    ("document-scan", {**good_payload("document-scan"), "pages": 10**9}, "pages"),
    ("appointment-arrival", {**good_payload("appointment-arrival"), "arrived_at": "2026-12-01T10:00:00"},
     "arrived_at"),  # a time without its zone is no time at all
    ("roll-call", {"started_at": "2026-12-01T10:00:00Z", "finished_at": "2026-12-01T10:05:00Z",
                   "marks": [{"visit_id": "x", "safe": "yes"}]}, "marks.0.safe"),
]


@pytest.fixture
def desk(app, client):
    with tables.begin(app.state.engine) as conn:
        visitors.import_hosts(conn, app.state.keys, [
            {"id": "h2", "name": "Host 2", "department": "Planning", "email": "host2@council.example"}])
    return enrol(client, app)


@pytest.mark.parametrize("kind, payload, field", HOSTILE, ids=[f"{k}-{f}" for k, _p, f in HOSTILE])
def test_a_payload_that_does_not_fit_its_model_is_refused_alone(app, client, desk, caplog, kind, payload, field):
    caplog.set_level(logging.INFO)
    bad, _ = sealed(desk, kind, payload)
    good, _ = sealed(desk, "feedback", {"journey": "report", "stars": 5, "day": "2026-12-01"})
    answer = submit(client, desk, bad, good)
    assert answer.status_code == 200
    refused, accepted = answer.json()["results"]
    assert (refused["status"], refused["receipt"], accepted["status"]) == ("rejected", None, "accepted")
    assert refused["error"].startswith(f"not a {kind} record central can read: these fields do not fit: ")
    assert field in refused["error"]
    assert SECRET not in refused["error"] and "DROP" not in refused["error"]
    assert stored(app) == 1 and filed(app) == {**{t: 0 for t in filed(app)}, "feedback": 1}
    assert SECRET not in caplog.text and f"record {bad['id']} ({kind}) refused" in caplog.text


@pytest.mark.parametrize("kind", KINDS)
def test_a_good_payload_of_every_kind_is_accepted(app, client, desk, kind):
    """The other side of the table above: the same payloads, fitting, are filed."""
    record, _ = sealed(desk, kind, good_payload(kind))
    [result] = submit(client, desk, record).json()["results"]
    assert result["status"] == "accepted", result


def test_an_unknown_version_or_kind_is_refused_for_good_and_says_so(app, client, desk):
    newer, _ = sealed(desk, "feedback", {"journey": "report", "stars": 5, "day": "2026-12-01", "mood": "ok"})
    newer["schema_version"] = 2
    stranger, _ = sealed(desk, "parking-permit", {"plate": "AB12 CDE"})
    good, _ = sealed(desk, "feedback", {"journey": "report", "stars": 5, "day": "2026-12-01"})
    results = submit(client, desk, newer, stranger, good).json()["results"]
    assert [(r["status"], r["error"]) for r in results] == [
        ("rejected", "central does not know version 2 of feedback records"),
        ("rejected", "central does not know 'parking-permit' records"),
        ("accepted", None)]
    assert stored(app) == 1


class FeedbackV2(payloads.Feedback):
    """What a newer kiosk might send before central is upgraded."""

    VERSION = 2


def test_the_kiosk_dead_letters_only_the_record_central_cannot_read(app, client, desk, tmp_path):
    """A real kiosk outbox and sync worker against central on loopback: the record of an
    unknown version is dead-lettered with central's reason; the records around it arrive."""
    outbox = Outbox(open_db(tmp_path / "kiosk.db"), tmp_path / "attachments", desk.council_key)
    before = outbox.enqueue(feedback(1))
    newer = outbox.enqueue(FeedbackV2(journey="report", stars=3, day=date.today()))
    after = outbox.enqueue(feedback(2))
    with Served(app) as central:
        worker = SyncWorker(outbox, CentralClient(central.url, desk.token), desk.signing_key)
        result = worker.drain_once()
    assert (result.sent, result.dead) == (2, 1)
    assert outbox.counts()["dead"] == 1 and outbox.waiting() == 0
    row = outbox.db.execute("SELECT id, last_error FROM outbox WHERE state = 'dead'").fetchone()
    assert row[0] == newer and "central does not know version 2 of feedback records" in row[1]
    with app.state.engine.connect() as conn:
        assert set(conn.execute(select(tables.records.c.id)).scalars()) == {before, after}


# ----- the models themselves, without a server --------------------------------------------------------
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=60)  # lone surrogates, NUL, bidi...
ANY_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | ANY_TEXT,
                        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(ANY_TEXT, inner, max_size=3),
                        max_leaves=8)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(payloads.KINDS), base=st.booleans(), changes=st.dictionaries(ANY_TEXT, ANY_JSON,
                                                                                          max_size=3),
       field=st.sampled_from(["name", "email", "description", "comment", "reference", "location", "answers",
                              "address", "stars", "visit_ids", "marks", "checked_in_at", "day", "pages"]),
       value=ANY_JSON)
def test_any_json_is_either_a_valid_payload_or_a_validation_error(kind, base, changes, field, value):
    """Never another exception; and whatever passes holds only tidy text that SQLite and
    PostgreSQL can store (no NUL, no lone surrogate, no direction override)."""
    data = {**(good_payload(kind) if base and kind in KINDS else {}), **changes, field: value}
    try:
        payload = payloads.parse(kind, 1, data)
    except payloads.ValidationError:
        return
    for text in _strings(payload.model_dump(mode="json")):
        text.encode("utf-8")
        assert "\x00" not in text and "\u202e" not in text and text == text.strip()


def test_every_kind_round_trips_through_its_json():
    for kind in KINDS:
        payload = payloads.parse(kind, 1, good_payload(kind))
        assert payloads.parse(kind, 1, payload.to_json()) == payload
    assert set(KINDS) <= set(payloads.KINDS)


def test_tidy_keeps_words_and_drops_what_hides_them():
    assert payloads.tidy("  Zoë\u00a0😀 \u202eevil\u202c\x00 محمد\n(volunteer) ") == "Zoë 😀 evil محمد (volunteer)"
    assert payloads.tidy("👨\u200d👩\u200d👧") == "👨\u200d👩\u200d👧"  # joiners are part of the emoji
    assert payloads.tidy(payloads.tidy("a \u2028 b")) == payloads.tidy("a \u2028 b") == "a b"


def test_addresses_and_numbers_are_read_one_way_on_both_sides():
    made = datetime(2026, 12, 1, tzinfo=timezone.utc)
    report = payloads.StreetReport(
        reference="RPT-7KQ2-X9PM", category="graffiti", description="Tag", reported_at=made,
        location=payloads.Location(kind="postcode", postcode="RV1 2AB"),
        contact=payloads.ReportContact(name="Jo", email="Jo@Bücher.Example"))
    assert report.contact.email == "jo@xn--bcher-kva.example"  # any mail server can deliver to it
    for bad in ("jö@example.com", "not an address", "a@b"):
        with pytest.raises(payloads.ValidationError):
            payloads.ReportContact(name="Jo", email=bad)
    with pytest.raises(payloads.ValidationError):
        payloads.Location(kind="postcode", lat=52.4)  # a point needs both halves
    assert json.loads(report.to_json())["reported_at"] == "2026-12-01T00:00:00Z"


def test_the_kiosk_takes_its_limits_from_the_models():
    from kiosk.core.feedback import MAX_COMMENT
    from kiosk.core.residents import reports, signup
    from kiosk.core.visitors import validation

    assert reports.MAX_DESCRIPTION == payloads.MAX_DESCRIPTION == payloads.StreetReport.model_fields[
        "description"].metadata[-1].max_length
    assert MAX_COMMENT == payloads.MAX_COMMENT and validation.MAX_NAME == payloads.MAX_VISITOR_NAME
    assert signup.STEPS == payloads.SIGNUP_STEPS


def test_central_refuses_an_invitation_the_kiosk_could_not_check_in(app):
    """Invitations are made at central: their names must fit the check-in record."""
    with tables.begin(app.state.engine) as conn:
        visitors.import_hosts(conn, app.state.keys, [
            {"id": "h1", "name": "Host", "department": "", "email": "host@council.example"}])
        with pytest.raises(ValueError, match="1 to 60"):
            visitors.create_invite(conn, app.state.keys, "Central Library", "V" * 61, "h1", date.today())
        code = visitors.create_invite(conn, app.state.keys, "Central Library", " Ada \u202eLovelace ", "h1",
                                      date.today(), email="Ada@Example.com")
        row = conn.execute(select(tables.invites).where(tables.invites.c.code == code)).mappings().one()
    assert (row["visitor"], row["email"]) == ("Ada Lovelace", "ada@example.com")


def test_a_record_central_already_holds_keeps_its_receipt_even_if_it_no_longer_fits(app, client, desk):
    """A record an older central accepted (before a model grew stricter) and whose receipt
    was lost on the way: its resend gets the original receipt, never a dead letter."""
    old, _ = sealed(desk, "feedback", {"journey": "information", "day": "2026-12-01", "stars": 9})
    receipt = app.state.keys.sign(f"hubkiosk-receipt:v1:{old['id']}:{old['payload_sha256']}".encode())
    with tables.begin(app.state.engine) as conn:
        conn.execute(tables.records.insert().values(
            id=old["id"], device_id=desk.id, kind="feedback", schema_version=1,
            created_at=datetime(2026, 12, 1, tzinfo=timezone.utc), received_at=datetime.now(timezone.utc),
            payload=b"sealed", payload_sha256=old["payload_sha256"], attachments="[]", complete=True,
            receipt=receipt))
    [again] = submit(client, desk, old).json()["results"]
    assert (again["status"], again["receipt"]) == ("duplicate", receipt)
    other, _ = sealed(desk, "feedback", {"journey": "x", "day": "2026-12-01"}, record_id=old["id"])
    [different] = submit(client, desk, other).json()["results"]
    assert different["status"] == "rejected"  # another payload under that id, and it does not fit


# ----- what central publishes fits what kiosks send back -----------------------------------------------
def test_reference_data_is_made_to_fit_the_records_kiosks_build_from_it(app):
    from central import categories, gazetteer

    ok = categories.DEFAULT_CATEGORIES[0]
    assert categories.validate({"categories": [ok]})
    for field, bad in (("code", "graffiti\n"), ("service_code", "GRAF\n")):
        with pytest.raises(categories.CategoriesError):
            categories.validate({"categories": [{**ok, field: bad}]})  # "$" alone would have let the newline through
    row = {"uprn": "100091234567", "usrn": "48000012", "street": "Mill Lane", "town": "Riverside",
           "postcode": "RV1 2AB", "lat": "52.41", "lon": "-1.50",
           "lines": "Org | Dept | \u200b | Flat 2 | Block A | Court | 10 Mill Lane | Old Town"}
    [address] = gazetteer.read_rows([row]).addresses
    assert address["lines"] == ["Org", "Dept", "Flat 2", "Block A", "Court", "10 Mill Lane, Old Town"]
    payloads.Address(lines=address["lines"], town=address["town"], postcode=address["postcode"])  # fits

    with tables.begin(app.state.engine) as conn:
        visitors.import_appointments(conn, app.state.keys, "Central Library", [
            {"reference": "ho 48213", "date": date.today().isoformat(), "time": "9.30", "service": " Housing "}])
        row = conn.execute(select(tables.appointments)).mappings().one()
        assert (row["reference"], row["time"], row["service"]) == ("HO-48213", "09:30", "Housing")
        for bad in ({"time": "half nine"}, {"reference": "H" * 41}, {"service": "S" * 81}):
            with pytest.raises(ValueError, match="appointment 1"):
                visitors.import_appointments(conn, app.state.keys, "Central Library", [
                    {"reference": "HO-1", "date": date.today().isoformat(), "time": "10:00", "service": "x", **bad}])
        for bad in ({"id": " "}, {"id": "x" * 41}, {"name": "N" * 121}):
            with pytest.raises(ValueError, match="an id of 1 to 40"):
                visitors.import_hosts(conn, app.state.keys, [
                    {"id": "h9", "name": "Host", "email": "host@council.example", **bad}])
