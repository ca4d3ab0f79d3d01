"""My Account signup and Report a problem, driven under Xvfb by touch to the record at a real
central (and the Open311 request at a recording back office on loopback): validation beside
the fields, the follow-up only with consent, the volunteer recorded, nothing left after."""

from __future__ import annotations

import json
import re

import requests
from kivy.uix.label import Label

from kiosk.ui.resident_screens import AnswerRow
from kiosk.ui.widgets import ChoiceRow, KioskButton, KioskTextInput, Notice
from scanner.samples import background
from tests.ui.test_app import walk_for
from tests.helpers import readable_at_rest

from .conftest import hold_up


def wait_for_references(kiosk) -> None:
    refs = kiosk.app.sync.references
    kiosk.until(lambda: refs.version("gazetteer") > 0 and refs.version("report-categories") > 0,
                what="the gazetteer and report categories from central")


def open_journey(kiosk, tile: str) -> None:
    kiosk.tap_at(640, 400)                       # the attract screen
    wait_for_references(kiosk)
    kiosk.app.sm.current_screen.refresh()
    kiosk.until_still()
    kiosk.tap(kiosk.tile(tile))
    kiosk.until_still()


def fill(kiosk, field: KioskTextInput, text: str) -> None:
    kiosk.tap(field)
    kiosk.type(text)


def notices(kiosk) -> list[str]:
    return [n.text for n in kiosk.visible(Notice) if n.text and n.error]


def beside_fields(kiosk) -> list[tuple[str, tuple]]:
    """The error messages shown in red beside (or above) a field, and where they are."""
    return [(w.text, tuple(w.to_window(*w.pos))) for w in kiosk.visible(Label)
            if type(w).__name__ == "FieldError" and w.text]


def next_(kiosk) -> None:
    kiosk.app.keyboard.close()
    kiosk.settle()
    kiosk.tap(kiosk.button("Next"))
    kiosk.until_still()


def row(kiosk, title: str):
    found = [r for r in kiosk.visible(ChoiceRow) if r.title == title]
    assert found, f"no row {title!r} on {kiosk.screen}: {[r.title for r in kiosk.visible(ChoiceRow)]}"
    return found[0]


def choose_street(kiosk, index: int):
    """Where: the gazetteer's street `index`, searched for by its first letters and tapped."""
    street = kiosk.app.report.gazetteer().streets[index]
    fill(kiosk, kiosk.app.sm.current_screen.ids.search, street.name[:6])
    kiosk.app.keyboard.close()
    kiosk.settle()
    kiosk.tap(row(kiosk, street.name))
    kiosk.until_still()
    return street


def queued(kiosk, kind: str) -> int:
    """Records of `kind` this kiosk has queued so far (sent ones stay listed as acknowledged)."""
    return kiosk.app.sync.outbox.db.execute("SELECT COUNT(*) FROM outbox WHERE kind = ?", [kind]).fetchone()[0]


def lines(result) -> list[dict]:
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def leave_without_feedback(kiosk) -> None:
    kiosk.tap(kiosk.button("Finish"))
    kiosk.until_still()
    if kiosk.screen == "feedback":
        kiosk.tap(kiosk.button("Finish"))   # from the feedback question
    kiosk.until(lambda: kiosk.screen == "attract", 10, what="the wipe")


# ----- signup -----------------------------------------------------------------------------------
def test_signup_by_touch_reaches_central_which_emails_the_activation_link(kiosk, office, smtp, tmp_path):
    app = kiosk.app
    open_journey(kiosk, "Create a council account")
    assert kiosk.screen == "su_start"
    kiosk.tap(kiosk.button("Start"))
    kiosk.until_still()
    screen = app.sm.current_screen
    fill(kiosk, screen.ids.first, "Wiktoria")
    next_(kiosk)
    assert notices(kiosk) == ["Please type your last name."] and kiosk.screen == "su_name"
    # GOV.UK's error pattern: a summary headed "There is a problem", the field red-bordered.
    assert "There is a problem" in [label.text for label in kiosk.visible(Label)]
    assert screen.ids.last.error and not screen.ids.first.error
    # ... and the message again in red beside the field it is about, at the field's height.
    [(message, (_x, y))] = beside_fields(kiosk)
    last = screen.ids.last
    assert message == "Please type your last name."
    assert last.to_window(*last.pos)[1] <= y <= last.to_window(*last.pos)[1] + last.height
    assert app.sm.current_screen.step_text == "Step 1 of 7"
    fill(kiosk, screen.ids.last, "Zielinska")
    next_(kiosk)
    assert kiosk.screen == "su_email"
    fill(kiosk, app.sm.current_screen.ids.email, "wiktoria.z")
    next_(kiosk)
    assert notices(kiosk) == ["An email address needs an @, like name@example.com."]
    assert app.sm.current_screen.ids.email.error and app.sm.current_screen.step_text == "Step 2 of 7"
    fill(kiosk, app.sm.current_screen.ids.email, "@gmial.com")
    next_(kiosk)
    kiosk.tap(kiosk.button("Yes, use wiktoria.z@gmail.com"))
    kiosk.until_still()
    assert kiosk.screen == "su_mobile"
    assert not app.sm.current_screen.ids.mobile.error and not notices(kiosk)   # a new step starts clean
    fill(kiosk, app.sm.current_screen.ids.mobile, "02079460018")
    next_(kiosk)
    assert notices(kiosk) == ["That looks like a landline number. Please give a mobile number, or leave it empty."]
    field = app.sm.current_screen.ids.mobile
    field.text = ""
    fill(kiosk, field, "07911123456")
    next_(kiosk)
    assert kiosk.screen == "su_address"
    address = app.signup.gazetteer().addresses[7]
    fill(kiosk, app.sm.current_screen.ids.postcode, address.postcode)
    app.keyboard.close()
    kiosk.settle()
    kiosk.tap(kiosk.button("Find address"))
    assert app.signup.addresses, (notices(kiosk), app.sm.current_screen.ids.postcode.text)
    kiosk.tap(row(kiosk, app.signup.addresses[0].text))
    kiosk.until_still()
    assert kiosk.screen == "su_dob"
    dob = app.sm.current_screen
    for box, value in (("day", "30"), ("month", "2"), ("year", "1988")):
        fill(kiosk, dob.ids[box], value)
    next_(kiosk)
    assert notices(kiosk) == ["That date does not exist. Please check the day and month."]
    assert [m for m, _at in beside_fields(kiosk)] == ["That date does not exist. Please check the day and month."]
    dob.ids.day.text = ""
    fill(kiosk, dob.ids.day, "29")
    next_(kiosk)
    assert kiosk.screen == "su_contact"
    kiosk.tap(row(kiosk, "Text message"))
    next_(kiosk)
    assert kiosk.screen == "su_terms"
    next_(kiosk)
    assert notices(kiosk) == ["Please read the terms and privacy notice and tick the box to agree."]
    kiosk.tap(row(kiosk, "I agree to the terms and privacy notice"))
    next_(kiosk)
    assert kiosk.screen == "su_check"
    answers = {r.what: r.answer for r in app.sm.current_screen.ids.answers.children}
    assert answers["Email"] == "wiktoria.z@gmail.com" and answers["Mobile"] == "07911 123456"
    assert answers["Date of birth"] == "29 February 1988" and answers["Contact me by"] == "Email, Text message"
    reference = app.signup.signup.reference
    kiosk.tap(kiosk.button("Create my account"))
    kiosk.until_still()
    assert kiosk.screen == "su_done"
    assert any(reference in label.text for label in kiosk.visible(Label))
    leave_without_feedback(kiosk)
    assert walk_for("Zielinska") == [] and walk_for("wiktoria.z") == []
    app.sync.worker.nudge()

    def created():
        return [a for a in lines(office.cli("accounts", "--reference", reference)) if a.get("reference") == reference]

    kiosk.until(created, 30, what="the account at central")
    (account,) = created()
    assert account["state"] == "pending" and "wiktoria" not in json.dumps(account)   # the listing masks
    def mine():
        return [m for to, m in smtp.inbox.messages if "wiktoria.z@gmail.com" in to]

    kiosk.until(mine, 30, what="the activation email")
    (email,) = mine()
    body = email.get_body(("plain",)).get_content()
    link = re.search(r"http://127\.0\.0\.1:\d+/account/activate/\S+", body).group(0)
    assert requests.get(link, timeout=10).ok                  # the page to choose a password
    kiosk.until(lambda: app.sync.outbox.waiting() == 0, 20, what="the outbox to empty")
    assert readable_at_rest(app.data_dir, b"Zielinska", b"wiktoria") == []


def test_bad_input_gets_a_kind_word_and_nothing_is_queued(kiosk):
    app = kiosk.app
    open_journey(kiosk, "Create a council account")
    kiosk.tap(kiosk.button("Start"))
    kiosk.until_still()
    before = queued(kiosk, "account-signup")
    screen = app.sm.current_screen
    cases = [("", "", "Please type your first name."), ("😀", "Smith", "Please use letters only."),
             ("Robert'); DROP TABLE accounts;--", "Smith", "Please use letters only."),
             ("x" * 10_000, "Smith", "That is too long. Please shorten it.")]
    for first, last, message in cases:
        screen.ids.first.text, screen.ids.last.text = first, last
        next_(kiosk)
        assert kiosk.screen == "su_name" and notices(kiosk) == [message], (first[:20], notices(kiosk))
    screen.ids.first.text, screen.ids.last.text = "\u202eنور", "الهدى"      # right-to-left, override removed
    next_(kiosk)
    assert kiosk.screen == "su_email" and app.signup.signup.first_name == "نور"
    next_(kiosk)                                                       # an empty submit
    assert notices(kiosk) == ["Please type your email address."]
    assert queued(kiosk, "account-signup") == before


def test_leaving_part_way_keeps_nothing_unless_they_ask_to_be_contacted(kiosk, office):
    app = kiosk.app
    for choice in ("Leave and delete what I typed", "Ask the council to contact me to finish"):
        open_journey(kiosk, "Create a council account")
        app.signup.begin()
        app.signup.give_name("Ayesha", "Rahman")
        app.signup.give_email("ayesha.rahman@example.com")
        kiosk.until_still()
        before = queued(kiosk, "signup-follow-up")
        kiosk.tap(kiosk.button("Home"))
        assert kiosk.button("Stay and finish")
        kiosk.tap(kiosk.button(choice))
        kiosk.until_still()
        if choice.startswith("Leave"):
            assert kiosk.screen == "home" and queued(kiosk, "signup-follow-up") == before
            assert app.signup.signup.first_name == ""
            app.wipe()
            kiosk.settle()
        else:
            assert kiosk.screen == "attract" and queued(kiosk, "signup-follow-up") == before + 1
    app.sync.worker.nudge()

    def asked():
        return [f for f in lines(office.cli("follow-ups")) if f.get("email") == "ayesha.rahman@example.com"]

    kiosk.until(asked, 30, what="the follow-up request at central")
    assert len(asked()) == 1 and asked()[0]["stage"] == "mobile"


def test_a_volunteer_helps_and_is_recorded(kiosk, office):
    app = kiosk.app
    kiosk.tap_at(640, 400)
    wait_for_references(kiosk)
    app.staff.start()
    kiosk.until_still()
    fill(kiosk, app.sm.current_screen.ids.pin, "1357")
    kiosk.tap(kiosk.button("Unlock"))
    kiosk.until_still()
    assert app.staff.unlocked and kiosk.screen == "staff_panel"
    kiosk.tap(kiosk.button("Help a resident create an account"))
    kiosk.until_still()
    fill(kiosk, app.sm.current_screen.ids.volunteer, "Sam Okafor")
    kiosk.app.keyboard.close()
    kiosk.settle()
    kiosk.tap(kiosk.button("Start"))
    kiosk.until_still()
    assert kiosk.screen == "su_start" and not app.staff.unlocked
    assert any("Helped by Sam Okafor" in label.text for label in kiosk.visible(Label))
    flow = app.signup
    flow.begin()
    flow.give_name("Grace", "Mensah")
    flow.give_email("grace.mensah@example.org")
    flow.give_mobile("")
    flow.find_addresses(flow.gazetteer().addresses[0].postcode)
    flow.choose_address(0)
    flow.give_date_of_birth("2", "3", "1951")
    flow.give_contact(["post"])
    flow.accept(True)
    reference = flow.signup.reference
    kiosk.until_still()
    kiosk.tap(kiosk.button("Create my account"))
    kiosk.until_still()
    assert kiosk.screen == "su_done"
    leave_without_feedback(kiosk)
    app.sync.worker.nudge()
    kiosk.until(lambda: lines(office.cli("accounts", "--reference", reference)), 30, what="the account")
    (account,) = lines(office.cli("accounts", "--reference", reference, "--full"))
    assert account["assisted_by"] == "Sam Okafor"


# ----- report a problem ------------------------------------------------------------------------
def test_a_report_by_touch_is_forwarded_once_over_open311(kiosk, office, backoffice, tmp_path):
    app = kiosk.app
    open_journey(kiosk, "Report a problem")
    assert kiosk.screen == "rp_category"
    kiosk.tap(row(kiosk, "Fly tipping"))
    kiosk.until_still()
    assert kiosk.screen == "rp_questions"
    assert "Next" not in [b.label for b in kiosk.visible(KioskButton)]   # a tap on an answer goes on
    category = app.report.report.category
    assert len(category.questions) == 2
    for number, question in enumerate(category.questions, 1):       # one question a page
        screen = app.sm.current_screen
        assert screen.title == question.text("en") and f"question {number} of 2" in screen.caption
        answer = question.options[-1].text("en") if question.kind == "choice" else "No"
        kiosk.tap(row(kiosk, answer))                                # a tap answers and goes on
        kiosk.settle()
    assert kiosk.screen == "rp_where"
    kiosk.tap(kiosk.button("Back"))
    kiosk.until_still()
    assert kiosk.screen == "rp_questions" and app.sm.current_screen.title == category.questions[-1].text("en")
    kiosk.tap(row(kiosk, "No"))
    kiosk.settle()
    assert kiosk.screen == "rp_where"
    street = choose_street(kiosk, 3)
    assert kiosk.screen == "rp_details"
    details = app.sm.current_screen
    fill(kiosk, details.ids.landmark, "By the bus stop")
    next_(kiosk)
    assert notices(kiosk) == ["Please tell us what the problem is."]
    fill(kiosk, details.ids.description, "Mattress and bags")
    hold_up(app.report.camera, tmp_path, background(5, (1280, 720), "clutter"))   # the street, on a phone
    next_(kiosk)
    assert kiosk.screen == "rp_photo"
    kiosk.until(lambda: app.sm.current_screen.texture is not None, 10, what="the camera preview")
    kiosk.tap(kiosk.button("Take the photo"))
    kiosk.tap(kiosk.button("Use this photo"))
    kiosk.until_still()
    assert kiosk.screen == "rp_contact"
    contact = app.sm.current_screen
    fill(kiosk, contact.ids.name, "Jo Bloggs")
    next_(kiosk)
    assert notices(kiosk) == ["Please give an email address or a mobile number for updates, or leave all three empty."]
    fill(kiosk, contact.ids.email, "jo.bloggs@example.com")
    next_(kiosk)
    assert kiosk.screen == "rp_check"
    reference = app.report.report.reference
    kiosk.tap(kiosk.button("Send report"))
    kiosk.until_still()
    assert kiosk.screen == "rp_done"
    done = app.sm.current_screen
    assert done.reference == reference and done.qr is not None and done.link.endswith(f"/track/{reference}")
    link = done.link
    leave_without_feedback(kiosk)
    assert walk_for("Mattress") == [] and walk_for("jo.bloggs") == []
    app.sync.worker.nudge()
    kiosk.until(lambda: backoffice.posts_for(reference), 40, what="the Open311 request at the back office")
    kiosk.wait(1.0)
    (post,) = backoffice.posts_for(reference)                      # exactly once
    assert post["service_code"] == category.service_code and post["email"] == "jo.bloggs@example.com"
    assert "Mattress and bags" in post["description"] and "By the bus stop" in post["description"]
    assert post.get("media_url")
    assert requests.get(post["media_url"], timeout=10).headers["content-type"].startswith("image/jpeg")
    page = requests.get(link, timeout=10)
    assert page.ok and street.name in page.text and "jo.bloggs" not in page.text and "Bloggs" not in page.text
    kiosk.until(lambda: app.sync.outbox.waiting() == 0, 20, what="the outbox to empty")
    assert readable_at_rest(app.data_dir, b"Mattress", b"jo.bloggs") == []


def test_a_postcode_is_enough_and_reports_can_be_anonymous(kiosk, office, backoffice):
    app = kiosk.app
    open_journey(kiosk, "Report a problem")
    flow = app.report
    flow.choose_category("abandoned-vehicle")        # first asked: the registration, in words
    kiosk.until_still()
    question = app.sm.current_screen.ids.question
    fill(kiosk, question, "AB12 ")
    question.text += "CDE " * 60
    next_(kiosk)
    assert notices(kiosk) == ["Please keep your answer under 200 characters."] and question.error
    assert [text for text, _at in beside_fields(kiosk)] == notices(kiosk)
    assert flow.question == 0 and question.text.startswith("AB12 CDE CDE")   # nothing lost
    kiosk.tap(kiosk.button("Back"))
    kiosk.until_still()
    assert kiosk.screen == "rp_category"
    graffiti = next(c for c in flow.categories().categories if c.code == "graffiti")
    flow.choose_category(graffiti.code)
    for question in graffiti.questions:
        flow.answer(question.code, question.options[0].value if question.kind == "choice" else True)
    kiosk.until_still()
    postcode = flow.gazetteer().addresses[20].postcode
    search = app.sm.current_screen.ids.search
    search.text = postcode.lower()
    kiosk.settle()
    kiosk.tap(kiosk.button("Next"))
    kiosk.until_still()
    assert kiosk.screen == "rp_details" and flow.report.location.kind == "postcode"
    app.sm.current_screen.ids.description.text = "رسم على الجدار \u202e" + "x" * 50
    next_(kiosk)
    assert kiosk.screen in ("rp_photo", "rp_contact")
    if kiosk.screen == "rp_photo":
        kiosk.tap(kiosk.button("No photo"))
        kiosk.until_still()
    kiosk.tap(kiosk.button("No updates, thanks"))
    kiosk.until_still()
    assert kiosk.screen == "rp_check"
    # One answer changed from the check: that question alone, then back to the check.
    where = graffiti.questions[1]
    (change,) = [r for r in kiosk.visible(AnswerRow) if r.what == where.text("en")]
    kiosk.tap(change.ids.change)
    kiosk.until_still()
    assert kiosk.screen == "rp_questions" and app.sm.current_screen.title == where.text("en")
    kiosk.tap(row(kiosk, where.options[1].text("en")))
    kiosk.until_still()
    assert kiosk.screen == "rp_check" and flow.report.answers[where.code] == where.options[1].value
    reference = flow.report.reference
    kiosk.tap(kiosk.button("Send report"))
    kiosk.tap_at(10, 10)                                            # a double tap sends once
    leave_without_feedback(kiosk)
    app.sync.worker.nudge()
    kiosk.until(lambda: backoffice.posts_for(reference), 40, what="the Open311 request")
    (post,) = backoffice.posts_for(reference)
    assert "email" not in post and "first_name" not in post and "\u202e" not in post["description"]
    assert where.options[1].value == "private" and post["attribute[SURFACE_TYPE]"] == "P"   # the back office's key
    assert post.get("lat") or post.get("address_string")


def test_a_report_made_in_polish_hears_back_once_in_polish_as_the_back_office_moves_it(
        kiosk, office, backoffice, notify):
    """At the kiosk in Polish, by touch; then the back office starts work and closes it: the
    resident gets the acknowledgement, one notice for each, in Polish (the English after),
    through GOV.UK Notify (the recording stand-in), and nothing more however often central asks."""
    from central.category_texts import texts
    from kiosk.ui.i18n import tr

    app = kiosk.app
    [polski] = [b for b in kiosk.visible(KioskButton) if b.label.startswith("Polski\n")]
    kiosk.tap(polski)
    assert kiosk.screen == "home" and tr.lang == "pl"
    wait_for_references(kiosk)
    app.sm.current_screen.refresh()
    kiosk.until_still()
    kiosk.tap(kiosk.tile(tr._("Report a problem")))
    kiosk.until_still()
    kiosk.tap(row(kiosk, texts("Fly tipping")["pl"]))
    kiosk.until_still()
    for question in app.report.report.category.questions:
        answer = question.options[0].text("pl") if question.kind == "choice" else tr._("No")
        kiosk.tap(row(kiosk, answer))
        kiosk.settle()
    assert kiosk.screen == "rp_where"
    street = choose_street(kiosk, 5)

    def next_pl() -> None:
        app.keyboard.close()
        kiosk.settle()
        kiosk.tap(kiosk.button(tr._("Next")))
        kiosk.until_still()

    fill(kiosk, app.sm.current_screen.ids.description, "Stara kanapa")
    next_pl()
    if kiosk.screen == "rp_photo":
        kiosk.tap(kiosk.button(tr._("No photo")))
        kiosk.until_still()
    assert kiosk.screen == "rp_contact"
    fill(kiosk, app.sm.current_screen.ids.name, "Ola Nowak")
    fill(kiosk, app.sm.current_screen.ids.email, "ola.nowak@example.com")
    next_pl()
    reference = app.report.report.reference
    kiosk.tap(kiosk.button(tr._("Send report")))
    kiosk.until_still()
    assert kiosk.screen == "rp_done"
    promised = app.sm.current_screen.next_steps   # online: the day, and the confirmation on its way
    assert promised.startswith("Staramy się przekazać je zespołowi") and "o•••@example.com" in promised
    kiosk.tap(kiosk.button(tr._("Finish")))
    kiosk.until_still()
    if kiosk.screen == "feedback":
        kiosk.tap(kiosk.button(tr._("Finish")))
    kiosk.until(lambda: kiosk.screen == "attract", 10, what="the wipe")
    app.sync.worker.nudge()
    kiosk.until(lambda: backoffice.created_for(reference), 40, what="the Open311 request at the back office")
    [created] = backoffice.created_for(reference)

    def notice(event: str) -> dict:
        kiosk.until(lambda: notify.with_reference(f"{reference}:{event}"), 30, what=f"the {event} notice")
        return notify.with_reference(f"{reference}:{event}")[0]

    received = notice("received")
    day = promised.split("Termin: ")[1].split(".")[0]
    assert f"Termin: {day}." in received["body"]   # the day the kiosk said is the day the email says
    backoffice.set_status(created["service_request_id"], "in_progress", "Crew booked for Tuesday")
    progress = notice("progress")
    backoffice.set_status(created["service_request_id"], "closed", "Cleared")
    closed = notice("closed")
    kiosk.wait(3.0)   # central asks every second: still one of each
    mine = notify.sent_to("ola.nowak@example.com")
    assert sorted(m["reference"] for m in mine) == sorted(f"{reference}:{e}" for e in ("closed", "progress", "received"))
    for message in (received, progress, closed):
        polish, english = message["body"].split("\n---\nIn English:\n")
        assert message["type"] == "email" and "Dzień dobry Ola Nowak," in polish
        assert texts("Fly tipping")["pl"] in polish and "Fly tipping" in english and street.name in polish
        assert f"/track/{reference}" in polish and "Stara kanapa" not in message["body"]
    assert received["subject"] == f"Otrzymaliśmy twoje zgłoszenie {reference}"
    assert progress["subject"] == f"Rozpoczęto prace nad twoim zgłoszeniem {reference}"
    assert closed["subject"] == f"Twoje zgłoszenie {reference} zostało zamknięte"
