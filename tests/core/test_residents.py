"""Residents' journeys without a window: the validators (with Hypothesis), the gazetteer,
signup and report records through a real outbox."""

from __future__ import annotations

import string
from datetime import date, datetime, timezone

import cv2
import numpy as np
import phonenumbers
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from central.keys import CouncilKeys
from kiosk.core.residents.gazetteer import Address, Gazetteer
from kiosk.core.residents.reports import Categories, Location, Report, ReportDesk, clean_contact, photo_jpeg
from kiosk.core.residents.signup import Signup, SignupDesk
from kiosk.core.forms import Invalid, clean_postcode
from kiosk.core.residents.validate import (
    COMMON_DOMAINS,
    clean_date_of_birth,
    clean_email,
    clean_mobile,
    clean_name,
    clean_text,
    format_mobile,
)
from sync.outbox import Outbox
from sync.store import open_db
from sync import payloads
from tests.helpers import queued, readable_at_rest

TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 10, 31, tzinfo=timezone.utc)
NASTY = ["", " ", "😀😀", "a" * 10_000, "Robert'); DROP TABLE accounts;--", "\u202eevil\u202c", "مرحبا بالعالم",
         "<script>alert(1)</script>", "\x00\x07", "null", "\n\n\t"]


# ----- validators -------------------------------------------------------------------------
@given(st.text(max_size=300))
def test_any_text_gives_a_clean_value_or_a_kind_message(text):
    for check in (lambda t: clean_name(t, "last_name"), clean_email, clean_mobile, clean_postcode,
                  lambda t: clean_text(t, 100, "x", "too long")):
        try:
            value = check(text)
        except Invalid as refused:
            assert refused.message and refused.field
        else:
            assert value is not None


@given(st.text(max_size=400))
def test_free_text_is_one_tidy_paragraph(text):
    try:
        cleaned = clean_text(text, 200, "description", "too long")
    except Invalid:
        return
    assert len(cleaned) <= 200 and cleaned == cleaned.strip()
    assert not any(c in cleaned for c in "\n\t\r\x00\u202e\u202d")
    assert clean_text(cleaned, 200, "description", "too long") == cleaned   # tidying twice changes nothing


@given(st.sampled_from(["74", "75", "77", "78", "79"]), st.text(string.digits, min_size=8, max_size=8),
       st.sampled_from(["0{}", "+44{}", "+44 {}", "0044{}", "(0{})"]))
def test_uk_mobiles_in_every_usual_form_give_one_international_number(prefix, rest, form):
    number = phonenumbers.parse("+44" + prefix + rest)
    assume(phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE)
    typed = form.format(prefix + rest)
    e164 = clean_mobile(typed)
    assert e164 == "+44" + prefix + rest
    assert clean_mobile(format_mobile(e164)) == e164


@pytest.mark.parametrize("typed, message", [
    ("020 7946 0018", "landline"), ("+33 6 12 34 56 78", "UK mobile"), ("07911", "UK mobile"),
    ("07911 123456 7", "UK mobile"), ("seven", "UK mobile"), ("0" * 30, "UK mobile")])
def test_numbers_that_are_not_uk_mobiles_are_explained(typed, message):
    with pytest.raises(Invalid, match=message):
        clean_mobile(typed)


@given(st.from_regex(r"[a-z][a-z0-9.]{0,20}[a-z0-9]", fullmatch=True),
       st.sampled_from(["gmail.com", "hotmail.co.uk", "outlook.com", "yahoo.co.uk", "btinternet.com"]),
       st.integers(0, 50), st.sampled_from(["drop", "swap", "double"]))
def test_a_slip_in_a_common_domain_is_caught(local, domain, where, slip):
    assume(".." not in local)
    name, _dot, ending = domain.partition(".")
    i = where % (len(name) - 1)
    wrong = {"drop": name[:i] + name[i + 1:], "swap": name[:i] + name[i + 1] + name[i] + name[i + 2:],
             "double": name[:i] + name[i] + name[i:]}[slip]
    assume(wrong != name and f"{wrong}.{ending}" not in COMMON_DOMAINS)   # gmail -> mail.com is real
    typed = f"{local}@{wrong}.{ending}"
    email = clean_email(typed)
    assert email.address == typed          # kept as typed: the resident decides
    assert email.suggestion == f"{local}@{domain}"


@pytest.mark.parametrize("typed, kept, suggestion", [
    (" Jo.Bloggs@GMAIL.COM ", "jo.bloggs@gmail.com", ""),
    ("jo@gmial.com", "jo@gmial.com", "jo@gmail.com"),
    ("jo@hotmail.con", "jo@hotmail.con", "jo@hotmail.com"),
    ("jo@riverside.gov.uk", "jo@riverside.gov.uk", ""),
    ("jo@example.co.um", "jo@example.co.um", "jo@example.co.uk")])
def test_email_did_you_mean(typed, kept, suggestion):
    assert clean_email(typed).address == kept
    assert clean_email(typed).suggestion == suggestion


@pytest.mark.parametrize("typed, message", [
    ("", "type your email"), ("jo.bloggs", "needs an @"), ("jo@", "does not look right"),
    ("jo@@gmail.com", "does not look right"), ("jo@gmail", "does not look right"),
    ("j" * 250 + "@gmail.com", "too long"), ("jö@gmail.com", "does not look right")])
def test_bad_emails_are_explained(typed, message):
    with pytest.raises(Invalid, match=message):
        clean_email(typed)


@given(st.dates(date(1900, 1, 1), date(2030, 12, 31)))
def test_dates_of_birth_and_the_age_limits(born):
    age = TODAY.year - born.year - ((TODAY.month, TODAY.day) < (born.month, born.day))
    try:
        kept = clean_date_of_birth(str(born.day), str(born.month), str(born.year), TODAY)
    except Invalid as refused:
        assert born > TODAY or age < 16 or age > 120
        assert refused.field == "dob"
    else:
        assert kept == born and 16 <= age <= 120


@pytest.mark.parametrize("day, month, year, message", [
    ("31", "2", "1990", "does not exist"), ("", "4", "1990", "in numbers"), ("1", "4", "90", "in full"),
    ("1", "4", "2030", "future"), ("23", "11", "2010", "16 or over"), ("1", "1", "1850", "check the year"),
    ("1", "13", "1990", "does not exist"), ("x", "4", "1990", "in numbers")])
def test_impossible_dates_of_birth_are_explained(day, month, year, message):
    with pytest.raises(Invalid, match=message):
        clean_date_of_birth(day, month, year, TODAY)


def test_sixteen_today_is_old_enough():
    assert clean_date_of_birth("22", "11", "2010", TODAY) == date(2010, 11, 22)


@pytest.mark.parametrize("typed", ["Jo", "Łukasz", "O'Brien", "Anne-Marie", "محمد", "Zoë", "Nguyễn Văn"])
def test_real_names_are_kept(typed):
    assert clean_name(typed) == typed


@pytest.mark.parametrize("typed", ["😀", "Robert'); DROP TABLE", "<b>", "Jo2", "a" * 51, "   "])
def test_what_is_not_a_name_is_refused(typed):
    with pytest.raises(Invalid):
        clean_name(typed)


# ----- gazetteer --------------------------------------------------------------------------
GAZETTEER = {
    "addresses": [
        {"uprn": "100", "lines": ["Flat 10", "3 Mill Lane"], "town": "Riverside", "postcode": "RV1 2AB",
         "usrn": "9", "lat": 52.41, "lon": -1.50},
        {"uprn": "101", "lines": ["Flat 2", "3 Mill Lane"], "town": "Riverside", "postcode": "RV1 2AB",
         "usrn": "9", "lat": 52.43, "lon": -1.52},
        {"uprn": "102", "lines": ["12 Station Road"], "town": "Riverside", "postcode": "RV2 3CD", "usrn": "8"},
        {"uprn": "bad", "lines": [], "postcode": "RV2 3CD"},
    ],
    "streets": [{"usrn": "9", "name": "Mill Lane", "town": "Riverside", "lat": 52.42, "lon": -1.51},
                {"usrn": "8", "name": "Station Road", "town": "Riverside"},
                {"usrn": "7", "name": "Millbrook Close", "town": "Riverside"}, {"usrn": "6"}],
}


def test_addresses_at_a_postcode_in_house_order():
    g = Gazetteer.from_reference(GAZETTEER)
    assert [a.text for a in g.at_postcode("rv1 2ab")] == ["Flat 2, 3 Mill Lane, Riverside",
                                                          "Flat 10, 3 Mill Lane, Riverside"]
    assert g.at_postcode("RV9 9ZZ") == []
    assert g.point_of("RV12AB") == (52.42, -1.51)
    assert g.point_of("RV2 3CD") is None            # known, but without a point


def test_street_search_forgives_typos():
    g = Gazetteer.from_reference(GAZETTEER)
    assert [s.name for s in g.streets_matching("mill")] == ["Mill Lane", "Millbrook Close"]
    assert [s.name for s in g.streets_matching("staton rd")][:1] == ["Station Road"]
    assert g.streets_matching("mi") == []
    assert not Gazetteer.from_reference(None)


# ----- signup ----------------------------------------------------------------------------
@pytest.fixture
def outbox(tmp_path):
    keys = CouncilKeys.generate()
    box = Outbox(open_db(tmp_path / "kiosk.db"), tmp_path / "attachments", keys.public_b64)
    box.keys = keys
    return box


def filled_signup() -> Signup:
    s = Signup(assisted_by="Sam Okafor")
    s.set_name("Jo", "Bloggs")
    s.set_email("jo.bloggs@example.com")
    s.set_mobile("07911 123456")
    s.choose_address(Gazetteer.from_reference(GAZETTEER).at_postcode("RV1 2AB")[0])
    s.set_date_of_birth("1", "4", "1980", TODAY)
    s.set_contact(["email", "text"])
    s.accept_terms(True)
    return s


def test_a_signup_is_queued_once_sealed_with_no_password(outbox, tmp_path):
    signup = filled_signup()
    assert signup.next_step() == "check"
    desk = SignupDesk(outbox, "Riverside Library", clock=lambda: NOW)
    reference = desk.submit(signup, "pl")
    assert desk.submit(signup, "pl") == reference and outbox.waiting() == 1   # a second tap sends nothing
    (record,) = outbox.claim(10)
    assert record.kind == "account-signup"
    payload = queued(outbox.keys, record)
    assert payload == payloads.AccountSignup.model_validate({
        "reference": reference, "first_name": "Jo", "last_name": "Bloggs", "email": "jo.bloggs@example.com",
        "mobile": "+447911123456", "address": {"uprn": "101", "lines": ["Flat 2", "3 Mill Lane"], "town": "Riverside",
                                               "postcode": "RV1 2AB", "manual": False},
        "date_of_birth": "1980-04-01", "contact_by": ["email", "text"], "terms_version": "2026-04",
        "accepted_at": NOW.isoformat(), "assisted_by": "Sam Okafor", "language": "pl", "site": "Riverside Library"})
    assert not any("password" in key for key in payload.model_dump())
    assert readable_at_rest(tmp_path, b"Bloggs", b"jo.bloggs", b"7911123456") == []


def test_taking_away_the_only_mobile_asks_again_how_to_be_contacted():
    """Texts chosen as the only way, then the mobile taken away on the way back: the
    contact step is asked again, never a signup with no way to reach the resident."""
    signup = filled_signup()
    signup.set_contact(["text"])
    assert signup.next_step() == "check"
    signup.set_mobile("")
    assert signup.contact_by == () and signup.next_step() == "contact"


def test_a_suggested_address_is_one_the_record_can_carry():
    from kiosk.core.residents.validate import clean_email

    fits = "a" * 64 + "@" + ".".join(["b" * 61] * 3) + ".ne"  # 253 characters: ".net" makes 254
    assert clean_email(fits).suggestion == fits[:-3] + ".net"
    longest = "a" * 64 + "@" + ".".join(["b" * 61, "b" * 61, "b" * 62]) + ".ne"  # 254: ".net" would be 255
    assert len(longest) == 254 and clean_email(longest).address == longest
    assert clean_email(longest).suggestion == ""


def test_a_signup_with_steps_missing_is_not_sent(outbox):
    signup = Signup()
    signup.set_name("Jo", "Bloggs")
    with pytest.raises(Invalid, match="missing"):
        SignupDesk(outbox, "S").submit(signup, "en")
    assert outbox.waiting() == 0


def test_contact_choices_need_what_they_use():
    signup = Signup()
    signup.set_mobile("")
    with pytest.raises(Invalid, match="at least one"):
        signup.set_contact([])
    with pytest.raises(Invalid, match="mobile number"):
        signup.set_contact(["text"])
    signup.set_contact(["post", "email", "fax"])
    assert signup.contact_by == ("email", "post")
    with pytest.raises(Invalid, match="tick the box"):
        signup.accept_terms(False)


def test_a_manual_address_is_checked():
    signup = Signup()
    with pytest.raises(Invalid) as refused:
        signup.set_manual_address("", "", "Riverside", "RV1 2AB")
    assert refused.value.field == "line1"
    with pytest.raises(Invalid) as refused:
        signup.set_manual_address("1 New Street", "", "Riverside", "12345")
    assert refused.value.field == "postcode"
    signup.set_manual_address(" 1  New Street ", "", "Riverside", "rv12ab")
    assert signup.address == Address("", ("1 New Street",), "Riverside", "RV1 2AB") and signup.manual_address


def test_giving_up_queues_a_follow_up_only_with_a_way_to_reach_them(outbox):
    desk = SignupDesk(outbox, "Riverside Library", clock=lambda: NOW)
    nobody = Signup()
    nobody.set_name("Jo", "Bloggs")
    assert desk.follow_up(nobody, "en") is None and outbox.waiting() == 0
    signup = Signup()
    signup.set_name("Jo", "Bloggs")
    signup.set_email("jo@example.com")
    reference = desk.follow_up(signup, "en")
    assert desk.follow_up(signup, "en") is None and outbox.waiting() == 1
    (record,) = outbox.claim(10)
    assert record.kind == "signup-follow-up"
    assert queued(outbox.keys, record) == payloads.SignupFollowUp.model_validate({
        "reference": reference, "first_name": "Jo", "last_name": "Bloggs", "email": "jo@example.com", "mobile": "",
        "stage": "mobile", "assisted_by": "", "language": "en", "site": "Riverside Library",
        "asked_at": NOW.isoformat()})


# ----- reports ----------------------------------------------------------------------------
CATEGORIES = {"track_url": "https://central.example/track/{reference}", "categories": [
    {"code": "fly-tipping", "service_code": "FLYTIP", "icon": "trash", "name": {"en": "Fly tipping", "pl": "Śmieci"},
     "questions": [
         {"code": "amount", "kind": "choice", "required": True, "label": {"en": "How much?"},
          "options": [{"value": "bag", "label": {"en": "A bag"}}, {"value": "van", "label": {"en": "A van load"}}]},
         {"code": "hazardous", "kind": "yes_no", "required": True, "label": {"en": "Dangerous?"}},
         {"code": "seen", "kind": "text", "label": {"en": "Did you see who?"}},
         {"code": "broken", "kind": "choice", "options": []}, {"kind": "text"}, "nonsense"]},
    {"code": "graffiti", "name": "Graffiti"}, {"name": {"en": "no code"}}, "junk"]}


def test_categories_from_central_skip_what_cannot_be_asked():
    cats = Categories.from_reference(CATEGORIES)
    assert [c.code for c in cats.categories] == ["fly-tipping", "graffiti"]
    fly = cats.get("fly-tipping")
    assert [q.code for q in fly.questions] == ["amount", "hazardous", "seen"]
    assert fly.text("pl") == "Śmieci" and fly.text("lt") == "Fly tipping"
    assert cats.get("graffiti").service_code == "graffiti" and cats.get("graffiti").text("bg") == "Graffiti"
    assert cats.track_link("RPT-7KQ2-X9PM") == "https://central.example/track/RPT-7KQ2-X9PM"
    assert Categories.from_reference({}).track_link("RPT-1") == ""


def test_answers_are_checked_against_their_question():
    fly = Categories.from_reference(CATEGORIES).get("fly-tipping")
    with pytest.raises(Invalid) as refused:
        fly.check_answers({"hazardous": False})
    assert refused.value.field == "amount"
    with pytest.raises(Invalid) as refused:
        fly.check_answers({"amount": "lorry", "hazardous": False})
    assert refused.value.field == "amount"
    with pytest.raises(Invalid) as refused:
        fly.check_answers({"amount": "van", "hazardous": "yes"})
    assert refused.value.field == "hazardous"
    assert fly.check_answers({"amount": "van", "hazardous": False, "seen": "  a white van  ", "extra": 1}) == {
        "amount": "van", "hazardous": False, "seen": "a white van"}
    with pytest.raises(Invalid, match="200"):
        fly.check_answers({"amount": "van", "hazardous": False, "seen": "x" * 10_000})


@pytest.mark.parametrize("name, email, phone, field", [
    ("Jo", "", "", "email"), ("", "jo@example.com", "", "first_name"), ("😀", "jo@example.com", "", "first_name"),
    ("Jo", "not-an-email", "", "email"), ("Jo", "", "123", "mobile")])
def test_contact_details_that_cannot_be_used_are_explained(name, email, phone, field):
    with pytest.raises(Invalid) as refused:
        clean_contact(name, email, phone)
    assert refused.value.field == field


def test_a_report_is_queued_once_with_its_photo(outbox, tmp_path):
    cats = Categories.from_reference(CATEGORIES)
    g = Gazetteer.from_reference(GAZETTEER)
    frame = np.full((1080, 1920, 3), 90, np.uint8)
    cv2.putText(frame, "MATTRESS", (600, 540), cv2.FONT_HERSHEY_SIMPLEX, 4, (255, 255, 255), 8)
    report = Report(category=cats.get("fly-tipping"), answers={"amount": "van", "hazardous": False},
                    location=Location.of_street(g.streets_matching("mill lane")[0]), photo=photo_jpeg(frame),
                    contact=clean_contact("Jo Bloggs", "", "07911 123456"))
    report.set_details("  By the bus stop ", "Mattress\nand bags")
    desk = ReportDesk(outbox, "Riverside Library", clock=lambda: NOW)
    reference = desk.submit(report, "en")
    assert desk.submit(report, "en") == reference and outbox.waiting() == 1
    (record,) = outbox.claim(10)
    payload = queued(outbox.keys, record)
    assert payload == payloads.StreetReport.model_validate({
        "reference": reference, "category": "fly-tipping", "service_code": "FLYTIP",
        "answers": {"amount": "van", "hazardous": False},
        "location": {"kind": "street", "text": "Mill Lane, Riverside", "usrn": "9", "lat": 52.42, "lon": -1.51},
        "landmark": "By the bus stop", "description": "Mattress and bags",
        "contact": {"name": "Jo Bloggs", "email": "", "phone": "+447911123456"},
        "language": "en", "site": "Riverside Library", "reported_at": NOW.isoformat()})
    (photo,) = record.attachments
    assert photo["name"] == "photo.jpg" and photo["size"] < 400_000
    image = cv2.imdecode(np.frombuffer(report.photo, np.uint8), cv2.IMREAD_COLOR)
    assert image.shape[:2] == (900, 1600)
    assert b"Exif" not in report.photo[:200]
    assert readable_at_rest(tmp_path, b"Mattress", headers=(b"\xff\xd8\xff",)) == []


def test_a_report_without_what_is_needed_is_not_sent(outbox):
    report = Report(category=Categories.from_reference(CATEGORIES).get("graffiti"))
    with pytest.raises(Invalid, match="what the problem is"):
        report.set_details("", "   ")
    with pytest.raises(Invalid, match="1,000"):
        report.set_details("", "x" * 10_000)
    with pytest.raises(Invalid, match="missing"):
        ReportDesk(outbox, "S").submit(report, "en")
    assert outbox.waiting() == 0


@pytest.mark.parametrize("text", NASTY)
def test_nasty_input_in_a_report_is_kept_tidy_or_refused_kindly(outbox, text):
    report = Report(category=Categories.from_reference(CATEGORIES).get("graffiti"),
                    location=Location.of_postcode("RV1 2AB", Gazetteer.from_reference(GAZETTEER)))
    try:
        report.set_details(text, text or "x")
    except Invalid as refused:
        assert refused.message and refused.field in ("landmark", "description")
        return
    ReportDesk(outbox, "S").submit(report, "en")
    (record,) = outbox.claim(10)
    payload = queued(outbox.keys, record)
    assert "\u202e" not in payload.description and "\x00" not in payload.description
    assert payload.location == payloads.Location(kind="postcode", text="RV1 2AB", postcode="RV1 2AB",
                                                 lat=52.42, lon=-1.51)
