"""The visitor desk in plain Python: real SQLite, real sealing, real signed reference data."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import cv2
import numpy as np
import pytest

from central.demo import hosts
from central.keys import CouncilKeys
from kiosk.core.config import KioskConfig
from kiosk.core.printing import FolderPrinter, Printer
from kiosk.core.visitors import codes
from kiosk.core.visitors.appointments import AppointmentProblem
from kiosk.core.visitors.badge import render_badge
from kiosk.core.visitors.desk import VisitorDesk, WalkIn
from kiosk.core.visitors.directory import Host, HostDirectory
from kiosk.core.visitors.invites import InviteProblem
from kiosk.core.attempts import Attempts
from kiosk.core.forms import Invalid
from kiosk.core.visitors.validation import clean_company, clean_email, clean_name, clean_vehicle
from scanner.codes import read_codes
from sync.crypto import canonical_json
from sync.payloads import email_check
from sync.outbox import Outbox
from sync.protocol import SignedDocument, signed_body, site_document
from sync.reference import ReferenceStore
from sync.store import open_db
from sync.vault import Vault
from tests.helpers import feedback, readable_at_rest

SITE = "Riverside Civic Centre"
TODAY = date(2026, 11, 22)
SIGNATURE = b"\x89PNG\r\n\x1a\n signature strokes"


def signed(keys, name, version, data):
    issued = datetime(2026, 11, 22, 7, 0, tzinfo=timezone.utc)
    return SignedDocument(name=name, version=version, issued_at=issued, data=data,
                          signature=keys.sign(canonical_json(signed_body(name, version, issued, data))))


class Clock:
    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def world(tmp_path):
    keys = CouncilKeys.generate()
    db = open_db(tmp_path / "kiosk.db")
    vault = Vault.open(tmp_path)
    clock = Clock(datetime(2026, 11, 22, 9, 30).timestamp())
    outbox = Outbox(db, tmp_path / "attachments", keys.public_b64, clock=clock)
    refs = ReferenceStore(db, keys.verify_b64, vault)
    staff = [{"id": "h1", "name": "Priya Patel", "department": "Planning"},
             {"id": "h2", "name": "Łukasz Wójcik", "department": "Housing"},
             {"id": "h3", "name": "Gone Away", "department": "Finance", "active": False}]
    refs.accept(signed(keys, "directory", 1, {"hosts": staff}))
    refs.accept(signed(keys, site_document("invites", SITE), 1, {"email_salt": "s4lt", "invites": [
        {"code": "7KQ2M9", "visitor": "Jane Smith", "company": "Acme Ltd", "host_id": "h1", "host": "Priya Patel",
         "date": TODAY.isoformat(), "email_masked": "j•••@acme.example",
         "email_check": email_check("s4lt", "Jane.Smith@acme.example")},
        {"code": "OLD234", "visitor": "Old Visitor", "company": "", "host_id": "h1", "host": "Priya Patel",
         "date": "2026-11-20"},
        {"code": "NEXT45", "visitor": "Next Visitor", "company": "", "host_id": "h1", "host": "Priya Patel",
         "date": "2026-11-23"},
        {"code": "BROKEN"},
    ]}))
    refs.accept(signed(keys, site_document("appointments", SITE), 1, {"appointments": [
        {"reference": "HA-48202", "date": TODAY.isoformat(), "time": "10:30", "service": "Housing options",
         "prefix": "H"},
        {"reference": "HA-48209", "date": TODAY.isoformat(), "time": "10:50", "service": "Housing options",
         "prefix": "H"},
        {"reference": "CA-50000", "date": "2026-12-01", "time": "09:00", "service": "Council Tax", "prefix": "C"},
    ]}))
    online = {"value": True}
    printer = FolderPrinter(tmp_path / "printed")
    desk = VisitorDesk(outbox, refs, vault, KioskConfig().visitors, printer, site=SITE, device="kiosk-1",
                       online=lambda: online["value"], clock=clock, today=lambda: TODAY)
    return {"desk": desk, "keys": keys, "outbox": outbox, "clock": clock, "online": online, "dir": tmp_path,
            "printer": printer, "refs": refs}


def sealed_payloads(world, kind):
    rows = world["outbox"].db.execute("SELECT payload FROM outbox WHERE kind = ?", [kind]).fetchall()
    return [json.loads(world["keys"].open(r[0])) for r in rows]


def walk_in(desk, **changes):
    form = WalkIn(name="Jo Bloggs", company="Bloggs & Co", email="jo@bloggs.example",
                  host=desk.directory().get("h1"), purpose="meeting", vehicle="ab12 cde",
                  signature_png=SIGNATURE)
    for key, value in changes.items():
        setattr(form, key, value)
    return desk.check_in_walk_in(form)


# ----- directory ---------------------------------------------------------------------------
def test_host_search_needs_three_letters_and_ranks_name_starts_first():
    directory = HostDirectory([Host("1", "Priya Patel"), Host("2", "Patrick Spriggs"), Host("3", "Anna Kowalski")])
    assert directory.search("pr") == []
    assert directory.search("pri")[0].name == "Priya Patel"  # a name start beats "sPRIggs"
    assert {h.name for h in directory.search("pat")[:2]} == {"Priya Patel", "Patrick Spriggs"}
    assert directory.search("priya pat")[0].name == "Priya Patel"


def test_host_search_forgives_typos_and_accents(world):
    directory = world["desk"].directory()
    assert [h.name for h in directory.search("wojcik")] == ["Łukasz Wójcik"]
    assert [h.name for h in directory.search("lukasz")] == ["Łukasz Wójcik"]
    assert directory.search("Priay Patle")[0].name == "Priya Patel"
    assert directory.get("h3") is None  # left the council: not offered


def test_host_search_over_five_thousand_finds_every_surname():
    directory = HostDirectory.from_reference({"hosts": hosts(5000)})
    assert len(directory) == 5000
    for host in directory.hosts[:200:17]:
        surname = host.name.split()[-1]
        found = directory.search(f"{host.name.split()[0]} {surname[:3]}", limit=50)
        assert host in found


# ----- codes and validation ----------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("HKV1:7KQ2M9", codes.Scanned("invite", "7KQ2M9")),
    ("hkv1:7kq2m9", codes.Scanned("invite", "7KQ2M9")),
    ("HKS1:0190AAAA-BBBB-7CCC-8DDD-EEEEFFFF0000", codes.Scanned("badge", "0190aaaa-bbbb-7ccc-8ddd-eeeeffff0000")),
    ("HKA1:HA-48202", codes.Scanned("appointment", "HA-48202")),
    ("https://www.example.com/promo", None),
    ("HKV1:", None),
    ("HKV1:'; DROP TABLE invites;--", None),
    ("WIFI:S:Library;T:WPA;P:secret;;", None),
    ("", None),
])
def test_only_our_codes_are_understood(text, expected):
    assert codes.parse(text) == expected


@pytest.mark.parametrize("typed", ["", "   ", "J", "😀😀😀", "Jo 😀 Bloggs", "x" * 10_000, "R2D2", "<script>",
                                   "Robert'); DROP TABLE visitors;--", "\u202e\u202e"])
def test_names_that_cannot_go_on_a_badge_get_a_kind_message(typed):
    with pytest.raises(Invalid) as problem:
        clean_name(typed)
    assert problem.value.field == "name" and problem.value.message.startswith("Please") or \
        "too long" in problem.value.message


@pytest.mark.parametrize("typed, cleaned", [
    ("  jo   bloggs ", "jo bloggs"), ("Siobhán O'Neill-Ní Bhriain", "Siobhán O'Neill-Ní Bhriain"),
    ("Георги Димитров", "Георги Димитров"), ("محمد علي", "محمد علي"), ("Wiśniewska, Anna", "Wiśniewska, Anna"),
])
def test_real_names_in_any_script_are_kept(typed, cleaned):
    assert clean_name(typed) == cleaned


def test_company_email_and_vehicle_checks():
    assert clean_company("") == "" and clean_company(" Acme  Ltd ") == "Acme Ltd"
    with pytest.raises(Invalid):
        clean_company("x" * 500)
    assert clean_email(" Jo@Bloggs.Example ") == "jo@bloggs.example" and clean_email("") == ""
    assert clean_email("jo bloggs@x.example") == "jobloggs@x.example"  # a stray space on a touch screen
    for bad in ("jo@", "jo@bloggs", "jo@@x.example", "a@b..example", "jo@x.example" + "e" * 300):
        with pytest.raises(Invalid):
            clean_email(bad)
    assert clean_vehicle(" ab12  cde ") == "AB12 CDE" and clean_vehicle("") == ""
    with pytest.raises(Invalid):
        clean_vehicle("🚗🚗")


# ----- invites -----------------------------------------------------------------------------
def test_invites_are_found_by_code_however_typed(world):
    book = world["desk"].invites()
    for typed in ("7KQ2M9", "7kq2m9", "7KQ-2M9", " 7kq 2m9 "):
        assert book.find_code(typed).visitor == "Jane Smith"


def test_without_the_code_an_invitation_shows_only_for_the_address_it_was_sent_to(world):
    book = world["desk"].invites()
    assert not hasattr(book, "find_name")   # a name alone never lists anyone's invitation
    for typed in ("jane.smith@acme.example", " JANE.SMITH@ACME.EXAMPLE "):
        assert [i.code for i in book.find_email(typed)] == ["7KQ2M9"]
    for wrong in ("jane.smith@acme.exampel", "jane@acme.example", "Jane Smith", "", "@"):
        assert book.find_email(wrong) == []
    # The published check is salted: the same address under another salt does not match.
    assert email_check("s4lt", "jane.smith@acme.example") != email_check("other", "jane.smith@acme.example")
    assert email_check("s4lt", "not an address") == ""


def test_guesses_at_codes_are_limited():
    now = [0.0]
    guard = Attempts(limit=3, window=60, wait=120, clock=lambda: now[0])
    guard.failed(); guard.failed()
    assert guard.wait_seconds() == 0
    guard.succeeded(); guard.failed(); guard.failed()
    assert guard.wait_seconds() == 0          # a success starts the count again
    guard.failed()
    assert guard.wait_seconds() == 120
    now[0] = 119.6
    assert guard.wait_seconds() == 0 and not Attempts().wait_seconds()
    now[0] = 500; guard.failed(); now[0] = 561; guard.failed(); guard.failed()
    assert guard.wait_seconds() == 0          # failures older than the window are forgotten


@pytest.mark.parametrize("code, words", [("OLD234", "earlier day"), ("NEXT45", "later day"),
                                         ("ZZZZZZ", "could not find"), ("BROKEN", "could not find")])
def test_invites_that_cannot_be_used_today_say_why(world, code, words):
    with pytest.raises(InviteProblem) as problem:
        world["desk"].invites().find_code(code)
    assert words in problem.value.message


def test_an_invited_visitor_checks_in_once_however_often_they_tap(world):
    desk = world["desk"]
    invite = desk.invites().find_code("7KQ2M9")
    first = desk.check_in_invite(invite)
    again = desk.check_in_invite(invite)
    assert again.visit.visit_id == first.visit.visit_id
    records = sealed_payloads(world, "visitor-checkin")
    assert len(records) == 1 and records[0]["name"] == "Jane Smith" and records[0]["host_id"] == "h1"
    assert records[0]["visit_id"] == first.record_id and not first.offline
    with pytest.raises(InviteProblem) as used:
        desk.invites().find_code("7KQ2M9")
    assert "already been used" in used.value.message


# ----- walk-ins, the register and privacy at rest ------------------------------------------
def test_a_walk_in_is_queued_and_on_the_register_together(world):
    desk = world["desk"]
    world["online"]["value"] = False
    checked = walk_in(desk, photo_consent=True, photo_jpeg=b"\xff\xd8 a photo \xff\xd9")
    assert checked.offline
    (record,) = sealed_payloads(world, "visitor-checkin")
    assert record["name"] == "Jo Bloggs" and record["vehicle"] == "AB12 CDE" and record["photo_consent"]
    assert record["kiosk_offline"] and record["rules_version"]
    names = [a["name"] for a in json.loads(world["outbox"].db.execute(
        "SELECT attachments FROM outbox WHERE id = ?", [checked.record_id]).fetchone()[0])]
    assert sorted(names) == ["photo.jpg", "signature.png"]
    assert [v.name for v in desk.register.on_site()] == ["Jo Bloggs"]
    assert desk.register.find("blo")[0].visit_id == checked.visit.visit_id
    assert desk.register.already_here("jo bloggs") is not None


def test_a_visitor_signs_out_without_the_badge_only_with_what_only_they_know(world):
    desk = world["desk"]
    walker = walk_in(desk, email="jo@bloggs.example").visit
    invited = desk.check_in_invite(desk.invites().find_code("7KQ2M9")).visit
    register = desk.register
    assert [v.visit_id for v in register.find_own(" JO@Bloggs.example ")] == [walker.visit_id]
    assert [v.visit_id for v in register.find_own("7kq-2m9")] == [invited.visit_id]
    for guess in ("Jo Bloggs", "bloggs", "jo@bloggs.exampel", "ZZZZZZ", "", "@"):
        assert register.find_own(guess) == []
    # Found by its code, the invitation's address was never known here; the walk-in's is kept
    # only as a keyed hash (the register is also encrypted, see the test below).
    assert walker.email_index == register.email_index("jo@bloggs.example") and invited.email_index == ""
    assert register.email_index("not an address") == "" and register.email_index("") == ""


def test_nothing_personal_is_readable_in_the_data_folder(world):
    desk = world["desk"]
    walk_in(desk, name="Zebedee Quartermaine", company="Xylophonic Widgets", email="zebedee@xylophonic.example",
            vehicle="ZQ99 XYZ", photo_consent=True, photo_jpeg=b"\xff\xd8 Zebedee's face \xff\xd9")
    desk.check_in_invite(desk.invites().find_code("7KQ2M9"))
    secrets = [b"Zebedee", b"Quartermaine", b"Xylophonic", b"zebedee@", b"ZQ99", b"Jane Smith", b"Priya Patel",
               "Wójcik".encode(), b"Acme Ltd"]
    assert readable_at_rest(world["dir"], *secrets, skip="printed") == []


def test_a_walk_in_with_problems_gets_the_field_to_fix_and_nothing_is_stored(world):
    desk = world["desk"]
    for changes, field in [({"name": "😀"}, "name"), ({"email": "jo@"}, "email"), ({"host": None}, "host"),
                           ({"host": Host("h3", "Gone Away")}, "host"), ({"purpose": ""}, "purpose"),
                           ({"vehicle": "🚗"}, "vehicle"), ({"signature_png": None}, "signature")]:
        with pytest.raises(Invalid) as problem:
            walk_in(desk, **changes)
        assert problem.value.field == field
    assert world["outbox"].counts()["ready"] == 0 and desk.register.count() == 0


def test_a_failing_transaction_leaves_neither_record_nor_register_row(world):
    desk = world["desk"]

    def broken(_db):
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        world["outbox"].enqueue(feedback(), also=broken)
    assert world["outbox"].counts()["ready"] == 0 and desk.register.count() == 0


def test_signing_out_by_badge_removes_the_visitor_and_tells_central(world):
    desk = world["desk"]
    visit = walk_in(desk).visit
    assert desk.sign_out(visit.visit_id, "badge").name == "Jo Bloggs"
    assert desk.sign_out(visit.visit_id, "badge") is None  # twice: nothing more
    assert desk.register.on_site() == []
    (out,) = sealed_payloads(world, "visitor-signout")
    assert out["visit_id"] == visit.visit_id and out["how"] == "badge"


def test_evening_sign_out_and_the_purge(world):
    desk = world["desk"]
    walk_in(desk, name="Ann One")
    walk_in(desk, name="Ben Two")
    evening = datetime(2026, 11, 22, 19, 0)
    assert not desk.auto_sign_out_due(datetime(2026, 11, 22, 18, 59), None)
    assert desk.auto_sign_out_due(evening, None) and not desk.auto_sign_out_due(evening, evening.date())
    assert desk.sign_out_everyone() == 2 and desk.register.count() == 0
    (record,) = sealed_payloads(world, "visitor-signout-all")
    assert len(record["visit_ids"]) == 2 and record["how"] == "auto"
    walk_in(desk, name="Cat Three")
    world["clock"].now += 19 * 3600
    assert desk.purge() == 1 and desk.register.count() == 0


# ----- badges ------------------------------------------------------------------------------
def test_the_badge_prints_once_and_its_qr_signs_the_visitor_out(world):
    desk = world["desk"]
    visit = walk_in(desk).visit
    labels = {"label_visitor": "VISITOR", "label_visiting": "Visiting", "label_sign_out": "Scan to sign out"}
    assert desk.print_badge(visit, labels, "Sunday 22 November 2026")
    assert desk.print_badge(visit, labels, "Sunday 22 November 2026")  # a double tap
    assert len(list(world["printer"].folder.glob("*.pdf"))) == 1
    assert desk.print_badge(visit, labels, "Sunday 22 November 2026", again=True)  # a staff reprint
    assert len(list(world["printer"].folder.glob("*.pdf"))) == 2
    png = next(world["printer"].folder.glob("*.png")).read_bytes()
    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    (code,) = read_codes(image)
    assert codes.parse(code.text) == codes.Scanned("badge", visit.visit_id)
    assert render_badge(desk.badge(visit, labels, "today"))[:8] == b"\x89PNG\r\n\x1a\n"


def test_no_printer_means_no_badge_and_no_error(world):
    desk = world["desk"]
    desk.printer = Printer()
    assert desk.print_badge(walk_in(desk).visit, {}, "today") is False


# ----- appointments ------------------------------------------------------------------------
def test_appointment_tickets_count_up_per_service_and_arrive_once(world):
    desk = world["desk"]
    first = desk.arrive(desk.appointments().find("ha 48202"))
    second = desk.arrive(desk.appointments().find("HA48209"))
    assert (first.number, second.number) == ("H001", "H002")
    with pytest.raises(AppointmentProblem) as twice:
        desk.appointments().find("HA-48202")
    assert "already checked in" in twice.value.message
    for typed, words in (("CA-50000", "another day"), ("XX-1", "could not find"), ("", "Please type")):
        with pytest.raises(AppointmentProblem) as problem:
            desk.appointments().find(typed)
        assert words in problem.value.message
    assert [r["ticket"] for r in sealed_payloads(world, "appointment-arrival")] == ["H001", "H002"]


# ----- fire roll-call ----------------------------------------------------------------------
def test_roll_call_lists_everyone_here_and_elsewhere_and_reports_to_central(world):
    desk = world["desk"]
    here = walk_in(desk, name="Ann One").visit
    walk_in(desk, name="Ben Two")
    other = {"visit_id": "0190aaaa-bbbb-7ccc-8ddd-eeeeffff0000", "name": "Cat Elsewhere", "company": "",
             "host_name": "Priya Patel"}
    roll = desk.start_roll_call([other, {"visit_id": here.visit_id, "name": "Ann One"}])
    assert [p["name"] for p in roll.people] == ["Ann One", "Ben Two", "Cat Elsewhere"]
    assert [p["here"] for p in roll.people] == [True, True, False]
    desk.mark_safe(roll, here.visit_id)
    desk.mark_safe(roll, other["visit_id"])
    assert desk.register.get(here.visit_id).safe_at is not None
    csv_text = desk.roll_call_csv(roll, ["Name", "Organisation", "Visiting", "Safe"], "yes", "no").decode("utf-8-sig")
    assert "Ann One,Bloggs & Co,Priya Patel,yes" in csv_text and "Ben Two" in csv_text
    desk.finish_roll_call(roll)
    (record,) = sealed_payloads(world, "roll-call")
    assert sum(m["safe"] for m in record["marks"]) == 2 and len(record["marks"]) == 3
    assert desk.register.get(here.visit_id).safe_at is None  # ready for the next drill
