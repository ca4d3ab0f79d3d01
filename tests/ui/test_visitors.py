"""Visitors and appointments driven end to end under Xvfb: taps on the real window, a folder
camera holding up real images (decoded by zxing-cpp), a real central on loopback and a real
SMTP server receiving the host's email."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import cv2
import pytest

from kiosk.ui.widgets import ChoiceRow, KeyButton, KioskTextInput, Notice, SignaturePad
from scanner.samples import code_photo

from .conftest import SITE
from .conftest import hold_up as put_in_front


def central_db(office):
    return sqlite3.connect(office.data / "central.db")


def wait_for_references(kiosk) -> None:
    refs = kiosk.app.sync.references
    kiosk.until(lambda: refs.version("directory") > 0 and refs.get(f"invites.{SITE.lower().replace(' ', '-')}"),
                what="reference data from central")


def hold_up(kiosk, tmp_path: Path, image) -> None:
    put_in_front(kiosk.app.visitors.camera, tmp_path, image)


def unused_invites(kiosk):
    book = kiosk.app.visitors.desk.invites()
    return sorted((i for i in book.invites.values() if i.code not in book.used and i.date == book.today),
                  key=lambda i: i.code)


def start_visitors(kiosk, invitation_held_up: bool = False) -> None:
    """From the attract screen to the visitors' first screen. With an invitation already held
    up to the camera, the camera may have read it (and moved on) by the time we look."""
    kiosk.tap_at(640, 400)  # the attract screen
    wait_for_references(kiosk)
    kiosk.app.sm.current_screen.refresh()  # the home tiles, now that the data is here
    kiosk.settle()
    kiosk.tap(kiosk.tile("Visitors: sign in or out"))
    assert kiosk.screen in (("visit_start", "visit_confirm") if invitation_held_up else ("visit_start",))


def field(kiosk, hint_or_id: str) -> KioskTextInput:
    screen = kiosk.app.sm.current_screen
    return screen.ids[hint_or_id]


def type_into(kiosk, widget: KioskTextInput, text: str) -> None:
    kiosk.tap(widget)
    kiosk.type(text)


def synced(kiosk, office, query: str, args, timeout: float = 20.0):
    kiosk.app.sync.worker.nudge()
    found = []

    def check():
        with central_db(office) as db:
            found[:] = db.execute(query, args).fetchall()
        return bool(found)

    kiosk.until(check, timeout, what=query)
    return found


def test_an_invited_visitor_scans_and_is_in_with_one_tap(kiosk, office, smtp, tmp_path):
    with central_db(office) as db:
        code, visitor, host_id = db.execute(
            "SELECT code, visitor, host_id FROM invites WHERE used_at IS NULL ORDER BY code LIMIT 1").fetchone()
        host_email = db.execute("SELECT email FROM hosts WHERE id = ?", [host_id]).fetchone()[0]
    hold_up(kiosk, tmp_path, code_photo(f"HKV1:{code}"))
    start_visitors(kiosk, invitation_held_up=True)
    kiosk.until(lambda: kiosk.screen == "visit_confirm", what="the invitation QR read by the camera")
    kiosk.until_still()
    assert kiosk.app.sm.current_screen.visitor == visitor, kiosk.app.sm.current_screen.message
    taps = 0
    kiosk.tap(kiosk.button("Yes, sign me in"))
    taps += 1
    assert kiosk.screen == "visit_welcome" and taps <= 2
    assert kiosk.app.visitors.printed == "printed"  # the badge went to the (folder) printer
    printed = sorted((kiosk.app.data_dir.parent / "printed").glob("*.pdf"))
    assert printed and printed[-1].read_bytes().startswith(b"%PDF")
    (visit_id,) = synced(kiosk, office, "SELECT visit_id FROM visits WHERE name = ?", [visitor])[0]
    def host_told():
        return any(to == [host_email] and visitor in mail["Subject"] for to, mail in smtp.inbox.messages)

    kiosk.until(host_told, 30, what=f"the email to the host (inbox: {[m['Subject'] for _t, m in smtp.inbox.messages]})")
    kiosk.tap(kiosk.button("Done"))
    assert kiosk.screen == "feedback"          # one question on the way out, never in the way
    kiosk.until_still()
    kiosk.tap(kiosk.button("Finish"))   # from the feedback question
    assert kiosk.screen == "attract" and kiosk.app.visitors.checked is None
    # The badge's QR signs them out.
    badge_png = sorted((kiosk.app.data_dir.parent / "printed").glob("*.png"))[-1]
    hold_up(kiosk, tmp_path, cv2.imread(str(badge_png)))
    start_visitors(kiosk)
    kiosk.until(lambda: kiosk.screen == "visit_goodbye", what="the badge QR read by the camera")
    synced(kiosk, office, "SELECT 1 FROM visits WHERE visit_id = ? AND signed_out_at IS NOT NULL", [visit_id])
    kiosk.app.finish()


def test_a_walk_in_visitor_in_seven_screens_and_nothing_readable_left(kiosk, office, smtp):
    start_visitors(kiosk)
    flow = kiosk.app.visitors
    kiosk.tap(kiosk.button("I do not have an invitation"))
    assert kiosk.screen == "visit_about"
    type_into(kiosk, field(kiosk, "name"), "Zofia Quenby")
    type_into(kiosk, field(kiosk, "company"), "Harbour Consulting")
    kiosk.app.keyboard.close()
    kiosk.settle()
    kiosk.tap(kiosk.button("Next"))
    assert kiosk.screen == "visit_host"
    host = flow.desk.directory().hosts[3]
    type_into(kiosk, field(kiosk, "search"), host.name.split()[-1][:4].lower())
    rows = [r for r in kiosk.visible(ChoiceRow) if r.item_id == host.id]
    assert rows, f"{host.name} not offered"
    kiosk.tap(rows[0])
    kiosk.tap(kiosk.button("Next"))
    assert kiosk.screen == "visit_purpose"     # one question a page
    kiosk.tap(kiosk.button("A meeting"))        # one tap answers it
    assert kiosk.screen == "visit_vehicle"
    assert kiosk.app.sm.current_screen.step_text == "Step 4 of 5"   # no camera here: no photo page
    type_into(kiosk, field(kiosk, "vehicle"), "ZQ71 ABC")
    kiosk.app.keyboard.close()
    kiosk.settle()
    kiosk.tap(kiosk.button("Next"))
    assert kiosk.screen == "visit_rules"
    kiosk.tap(kiosk.button("I agree, sign me in"))  # not signed yet
    assert kiosk.screen == "visit_rules"
    assert "sign in the box" in " ".join(n.text for n in kiosk.visible(Notice))
    pad = kiosk.visible(SignaturePad)[0]
    kiosk.draw(pad, [(0.1, 0.3), (0.25, 0.7), (0.4, 0.3), (0.55, 0.7), (0.7, 0.3), (0.85, 0.6)])
    kiosk.tap(kiosk.button("I agree, sign me in"))
    assert kiosk.screen == "visit_welcome"
    assert len(flow.screens_seen) <= 7, flow.screens_seen
    record = synced(kiosk, office, "SELECT r.id, r.complete FROM records r JOIN visits v ON v.visit_id = r.id "
                                   "WHERE v.name = ?", ["Zofia Quenby"])[0]
    synced(kiosk, office, "SELECT 1 FROM records WHERE id = ? AND complete", [record[0]])  # the signature arrived
    # At rest: nothing the visitor typed is readable anywhere in the kiosk's data folder.
    secrets = [b"Zofia", b"Quenby", b"Harbour Consulting", b"ZQ71"]
    for path in kiosk.app.data_dir.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert not [s for s in secrets if s in content], path
    kiosk.tap(kiosk.button("Done"))
    assert kiosk.screen == "feedback"
    kiosk.until_still()
    kiosk.tap(kiosk.button("Finish"))          # Finish on the feedback screen leaves at once
    assert kiosk.screen == "attract"
    assert not [w for w in kiosk.widgets() if isinstance(w, KioskTextInput) and "Quenby" in w.text]


def test_a_returning_visitor_is_recognised_by_email(kiosk, office):
    flow = kiosk.app.visitors
    start_visitors(kiosk)
    desk = flow.desk
    from kiosk.core.visitors.desk import WalkIn

    desk.check_in_walk_in(WalkIn(name="Imogen Returning", company="Citywide Lifts", email="imogen@lifts.example",
                                 host=desk.directory().hosts[0], purpose="contractor", vehicle="CL19 LFT",
                                 signature_png=b"\x89PNG signature"))
    synced(kiosk, office, "SELECT 1 FROM visits WHERE name = ?", ["Imogen Returning"])
    kiosk.tap(kiosk.button("I do not have an invitation"))
    type_into(kiosk, field(kiosk, "email"), "imogen@lifts.example")
    kiosk.tap({k.key: k for k in kiosk.visible(KeyButton)}["done"])
    screen = kiosk.app.sm.current_screen
    kiosk.until(lambda: screen.ids.name.text == "Imogen Returning", what="details filled in from central")
    assert screen.ids.company.text == "Citywide Lifts" and "Welcome back" in screen.note
    assert flow.form.vehicle == "CL19 LFT" and flow.form.returning
    kiosk.app.finish()


def test_a_badge_photo_is_taken_only_with_consent_and_sent_sealed(kiosk, office, tmp_path):
    from scanner.samples import empty_scene

    flow = kiosk.app.visitors
    hold_up(kiosk, tmp_path, empty_scene(seed=4))  # the visitor in front of the camera
    start_visitors(kiosk)
    flow.begin_walk_in()
    flow.about_done("Petra Photograph", "Oakfield Care Partnership", "")
    flow.choose_host(flow.desk.directory().hosts[1].id)
    flow.host_done()
    flow.choose_purpose("meeting")
    flow.purpose_done()
    kiosk.until_still()
    assert kiosk.screen == "visit_vehicle"
    kiosk.tap(kiosk.button("Next"))               # no vehicle: the next question, on its own page
    assert kiosk.screen == "visit_photo" and flow.form.photo_jpeg is None  # nothing without asking
    assert kiosk.app.sm.current_screen.step_text == "Step 5 of 6"
    kiosk.tap(kiosk.button("Yes, take my photo"))
    kiosk.until(lambda: flow.camera.snapshot() is not None, what="the camera")
    kiosk.tap(kiosk.button("Take the photo now"))
    assert flow.form.photo_consent and flow.form.photo_jpeg.startswith(b"\xff\xd8")
    assert not flow.camera.running  # the camera stops once the photo is taken
    kiosk.tap(kiosk.button("Next"))
    pad = kiosk.visible(SignaturePad)[0]
    kiosk.draw(pad, [(0.1, 0.5), (0.4, 0.8), (0.7, 0.2), (0.9, 0.6)])
    kiosk.tap(kiosk.button("I agree, sign me in"))
    assert kiosk.screen == "visit_welcome"
    record_id = flow.checked.record_id
    synced(kiosk, office, "SELECT 1 FROM records WHERE id = ? AND complete", [record_id])
    photo = office.data / "files" / record_id / "photo.jpg"
    assert photo.exists() and not photo.read_bytes().startswith(b"\xff\xd8")  # sealed, not a JPEG
    kiosk.app.finish()


def test_bad_input_gets_kind_messages_and_nothing_is_stored(kiosk, office, tmp_path):
    before = kiosk.app.sync.outbox.counts()
    hold_up(kiosk, tmp_path, code_photo("https://example.com/free-wifi"))
    start_visitors(kiosk)
    kiosk.until(lambda: "not one of ours" in kiosk.app.sm.current_screen.message, what="a foreign QR code")
    kiosk.app.visitors.camera.source = "none"
    kiosk.tap(kiosk.button("Find my invitation"))
    type_into(kiosk, field(kiosk, "code"), "ZZ9ZZZ")
    kiosk.app.keyboard.close()
    kiosk.settle()
    kiosk.tap(kiosk.button("Find"))
    assert "could not find" in kiosk.app.sm.current_screen.message
    kiosk.tap(kiosk.button("Back"))
    assert kiosk.screen == "visit_start"
    kiosk.tap(kiosk.button("I do not have an invitation"))
    kiosk.tap(kiosk.button("Next"))  # nothing typed
    assert kiosk.screen == "visit_about" and kiosk.app.sm.current_screen.message == "Please type your name."
    kiosk.app.visitors.about_done("x" * 10_000, "", "")
    assert "too long" in kiosk.app.sm.current_screen.message
    kiosk.app.visitors.about_done("Robert'); DROP TABLE visits;--", "", "")
    assert "letters only" in kiosk.app.sm.current_screen.message
    assert kiosk.app.sync.outbox.counts() == before
    kiosk.app.finish()


def test_offline_visitors_are_sent_to_the_meet_and_greet_point(kiosk):
    start_visitors(kiosk)
    sync = kiosk.app.sync
    sync.status = replace(sync.status, online=False)
    try:
        invite = unused_invites(kiosk)[0]
        kiosk.app.visitors.use_invite_code(invite.code)
        kiosk.settle()
        kiosk.tap(kiosk.button("Yes, sign me in"))
        screen = kiosk.app.sm.current_screen
        assert kiosk.screen == "visit_welcome" and "meet-and-greet" in screen.host_line
    finally:
        sync.status = replace(sync.status, online=True)
        kiosk.app.finish()


def test_an_appointment_gets_a_ticket(kiosk, office):
    with central_db(office) as db:
        reference = db.execute("SELECT reference FROM appointments WHERE arrived_at IS NULL ORDER BY reference "
                               "LIMIT 1").fetchone()[0]
    kiosk.tap_at(640, 400)
    wait_for_references(kiosk)
    kiosk.app.sm.current_screen.refresh()
    kiosk.settle()
    kiosk.tap(kiosk.tile("I have an appointment"))
    type_into(kiosk, field(kiosk, "reference"), reference.replace("-", " ").lower())  # as people type it
    kiosk.app.keyboard.close()
    kiosk.settle()
    kiosk.tap(kiosk.button("Check in"))
    assert kiosk.screen == "appt_ticket"
    ticket = kiosk.app.sm.current_screen.number
    synced(kiosk, office, "SELECT 1 FROM appointments WHERE reference = ? AND ticket = ?", [reference, ticket])
    kiosk.app.finish()


def test_staff_roll_call_marks_visitors_safe_offline_and_reports(kiosk, office):
    start_visitors(kiosk)
    flow = kiosk.app.visitors
    invite = unused_invites(kiosk)[-1]
    flow.use_invite_code(invite.code)
    kiosk.settle()
    kiosk.tap(kiosk.button("Yes, sign me in"))
    kiosk.app.finish()
    kiosk.settle()
    kiosk.app.staff.start()
    kiosk.settle()
    type_into(kiosk, field(kiosk, "pin"), "1357")
    kiosk.tap(kiosk.button("Unlock"))
    assert kiosk.screen == "staff_panel"
    kiosk.tap(kiosk.button("Fire roll-call"))
    assert kiosk.screen == "staff_rollcall"
    screen = kiosk.app.sm.current_screen
    kiosk.until(lambda: screen.notice, what="central's view of who is on site")  # the list settles
    row = next(r for r in screen.ids.rows.children if r.title == invite.visitor)
    screen.ids.rows.parent.scroll_to(row, animate=False)  # a long list: staff scroll to them
    kiosk.settle()
    rows = [r for r in kiosk.visible(ChoiceRow) if r.title == invite.visitor]
    assert rows, ([r.title for r in kiosk.visible(ChoiceRow)], invite.visitor)
    kiosk.tap(rows[0])
    roll = kiosk.app.staff.roll
    assert [p["safe"] for p in roll.people if p["name"] == invite.visitor] == [True]
    kiosk.tap(kiosk.button("Finish roll-call"))
    assert kiosk.screen == "staff_panel"
    synced(kiosk, office, "SELECT 1 FROM records WHERE kind = 'roll-call'", [])
    kiosk.app.finish()


@pytest.fixture(autouse=True)
def no_camera_after(kiosk):
    yield
    kiosk.app.visitors.camera.stop()
    kiosk.app.visitors.camera.source = "none"


def test_failing_storage_keeps_the_visitor_on_screen_with_a_kind_message(kiosk, office, tmp_path):
    """The kiosk's storage stops taking writes as an invited visitor taps "Yes" (here as
    Linux leaves a failing SD card: read-only): they are told kindly to ask staff, the
    status line tells staff, nothing is lost, and once it writes again the same tap works."""
    from kiosk.ui.flow import CANNOT_SAVE

    [invite, *_] = unused_invites(kiosk)
    hold_up(kiosk, tmp_path, code_photo(f"HKV1:{invite.code}"))
    start_visitors(kiosk, invitation_held_up=True)
    kiosk.until(lambda: kiosk.screen == "visit_confirm", what="the invitation QR read by the camera")
    kiosk.until_still()
    outbox = kiosk.app.sync.outbox
    waiting = outbox.waiting()
    checkins = "SELECT COUNT(*) FROM outbox WHERE kind = 'visitor-checkin'"
    before = outbox.db.execute(checkins).fetchone()[0]
    outbox.db.execute("PRAGMA query_only = 1")
    try:
        kiosk.tap(kiosk.button("Yes, sign me in"))
        assert kiosk.screen == "visit_confirm"
        assert kiosk.app.sm.current_screen.message == CANNOT_SAVE
        assert kiosk.button("Yes, sign me in").kind == "secondary"   # no longer the way on
        assert "Cannot save" in kiosk.app.status_line
        assert kiosk.app.visitors.checked is None and outbox.waiting() <= waiting
        assert outbox.db.execute(checkins).fetchone()[0] == before
    finally:
        outbox.db.execute("PRAGMA query_only = 0")
    kiosk.tap(kiosk.button("Yes, sign me in"))
    assert kiosk.screen == "visit_welcome" and outbox.storage_error is None
    assert outbox.db.execute(checkins).fetchone()[0] == before + 1
    kiosk.app.finish()


def test_without_a_code_only_the_invited_address_finds_an_invitation_and_signs_out(kiosk, office):
    """Nothing of anyone's invitation shows to a name; the address it was sent to finds it,
    and the same address signs the visitor out without the badge. Guesses are limited."""
    from datetime import date

    address = "ottilie.brandt@harbour.example"
    start_visitors(kiosk)
    host = kiosk.app.visitors.desk.directory().hosts[5]
    made = office.cli("invite", "--site", SITE, "--visitor", "Ottilie Brandt", "--host-id", host.id,
                      "--date", date.today().isoformat(), "--email", address)
    assert made.returncode == 0, made.stderr
    worker = kiosk.app.sync.worker
    every, worker.reference_seconds = worker.reference_seconds, 0   # fetch the new list at once
    try:
        worker.nudge()
        kiosk.until(lambda: any(i.visitor == "Ottilie Brandt" for i in unused_invites(kiosk)), 30,
                    what="the new invitation at the kiosk")
    finally:
        worker.reference_seconds = every
    invite = next(i for i in unused_invites(kiosk) if i.visitor == "Ottilie Brandt")
    kiosk.tap(kiosk.button("Find my invitation"))
    assert kiosk.screen == "visit_code"
    code = field(kiosk, "code")
    for guess in invite.visitor.split():   # a first or a last name
        code.text = ""
        type_into(kiosk, code, guess)
        kiosk.app.keyboard.close()
        kiosk.settle()
        kiosk.tap(kiosk.button("Find"))
        assert kiosk.screen == "visit_code" and not kiosk.visible(ChoiceRow)
        assert invite.visitor not in " ".join(label.text for label in kiosk.visible(Notice))
        assert code.error                                  # the field to fix is marked
    code.text = ""
    type_into(kiosk, code, address)
    kiosk.app.keyboard.close()
    kiosk.settle()
    kiosk.tap(kiosk.button("Find"))
    assert kiosk.screen == "visit_confirm" and kiosk.app.sm.current_screen.visitor == invite.visitor
    kiosk.tap(kiosk.button("Yes, sign me in"))
    assert kiosk.screen == "visit_welcome"
    kiosk.app.finish()
    kiosk.settle()
    if kiosk.screen == "feedback":
        kiosk.tap(kiosk.button("Finish"))   # from the feedback question
    # Signing out without the badge: a name is not enough, the address is.
    start_visitors(kiosk)
    kiosk.tap(kiosk.button("Sign out"))
    assert kiosk.screen == "visit_signout"
    name = field(kiosk, "name")
    type_into(kiosk, name, invite.visitor.split()[-1])
    kiosk.app.keyboard.close()
    kiosk.settle()
    kiosk.tap(kiosk.button("Sign me out"))
    assert kiosk.screen == "visit_signout" and not kiosk.visible(ChoiceRow)
    name.text = ""
    type_into(kiosk, name, address)
    kiosk.app.keyboard.close()
    kiosk.settle()
    kiosk.tap(kiosk.button("Sign me out"))
    assert kiosk.screen == "visit_goodbye"
    synced(kiosk, office, "SELECT 1 FROM visits WHERE name = ? AND signed_out_at IS NOT NULL", [invite.visitor])
    kiosk.app.finish()
    kiosk.settle()
    if kiosk.screen == "feedback":
        kiosk.tap(kiosk.button("Finish"))   # from the feedback question
    # Guess after guess at codes gets a pause, not an answer.
    desk = kiosk.app.visitors.desk
    for _n in range(desk.guesses.limit):
        desk.guesses.failed()
    start_visitors(kiosk)
    kiosk.app.visitors.find_invite(invite.code)
    assert "Too many tries" in kiosk.app.visitors.message and kiosk.app.visitors.invite is None
    kiosk.app.visitors.find_own_visit(address)
    assert "Too many tries" in kiosk.app.visitors.message and kiosk.screen == "visit_start"
    kiosk.app.finish()
