"""Street reports end to end without a window: a kiosk's outbox, a real central service on
loopback, and a recording Open311 back office (tests/open311_server.py) that central
forwards to. Also the gazetteer and categories central publishes for kiosks."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests
from PIL import Image

from central.reports import clean_text, known_answers, public_place, reference_for
from sync.payloads import StreetReport
from kiosk.core.paths import ROOT
from sync.client import CentralClient
from sync.device import open_outbox
from sync.protocol import SubmissionBatch
from sync.reference import ReferenceStore, check
from sync.store import open_db
from sync.vault import Vault
from sync.worker import SyncWorker, to_wire
from tests.open311_server import Open311Server

from .conftest import Central, enrol

SITE = "Riverside Library"
GAZETTEER_CSV = """uprn,lines,town,postcode,usrn,street,lat,lon
100091234567,Flat 2 | 14 Mill Lane,Riverside,rv1 2ab,48000012,Mill Lane,52.4101,-1.5012
100091234568,16 Mill Lane,Riverside,RV1 2AB,48000012,Mill Lane,52.4107,-1.5028
100091234569,3 Station Road,Riverside,RV2  4QT,48000019,Station Road,52.4050,-1.4950
,,Riverside,,48000026,Riverside Bypass,52.4200,-1.4800
abc,1 Bad Row,Riverside,RV1 2AB,48000012,Mill Lane,52.41,-1.50
100091234570,2 Nowhere,Riverside,NOT A POSTCODE,48000012,Mill Lane,52.41,-1.50
100091234571,4 Station Road,Riverside,RV2 4QT,48000019,Station Road,,
"""
CONTACT = {"name": "Jo Bloggs", "email": "jo.bloggs@example.com", "phone": "+447700900123"}


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 120, 60)).save(out, "JPEG", quality=80)
    return out.getvalue()


def wait_for(check_, timeout: float = 20.0, what: str = "the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check_()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@dataclass
class Rig:
    central: Central
    backoffice: Open311Server
    kiosk: Path
    outbox: object
    worker: SyncWorker
    client: CentralClient
    identity: object

    def send(self, payload: dict, photo: bytes | None = None) -> str:
        record_id = self.outbox.enqueue(StreetReport.model_validate(payload),
                                        attachments={"photo.jpg": photo} if photo else None)
        self.worker.drain_once()
        return record_id

    def track(self, reference: str) -> requests.Response:
        return requests.get(f"{self.central.url}/track/{reference}.json", timeout=10)

    def forwarded(self, reference: str) -> dict:
        """The tracking facts once the back office's request id is known."""
        def known():
            answer = self.track(reference)
            return answer.ok and answer.json()["service_request_id"] and answer.json()
        return wait_for(known, what=f"{reference} to be forwarded")

    def listed(self, *args: str) -> list[dict]:
        result = self.central.cli("reports", *args)
        assert result.returncode == 0, result.stderr
        return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture(scope="module")
def rig(tmp_path_factory):
    root = tmp_path_factory.mktemp("reports")
    backoffice = Open311Server().start()
    central = Central(root / "central")
    central.env.update(
        HUBKIOSK_OPEN311_URL=backoffice.url, HUBKIOSK_OPEN311_KEY=backoffice.api_key,
        HUBKIOSK_OPEN311_JURISDICTION=backoffice.jurisdiction, HUBKIOSK_OPEN311_POLL="0.1",
        HUBKIOSK_OPEN311_TIMEOUT="1", HUBKIOSK_OPEN311_BACKOFF="0.2", HUBKIOSK_OPEN311_ATTEMPTS="6",
        HUBKIOSK_OPEN311_DOWN_FIRST="0.4", HUBKIOSK_OPEN311_DOWN_EVERY="0.8",
        HUBKIOSK_OPEN311_SERVICES_SECONDS="0.5",
        HUBKIOSK_OPEN311_STATUS_SECONDS="0", HUBKIOSK_PUBLIC_URL=central.url)
    central.data.mkdir(parents=True)
    (root / "gazetteer.csv").write_text(GAZETTEER_CSV)
    for args in (("gazetteer", str(root / "gazetteer.csv")), ("categories", "--public-url", central.url)):
        done = central.cli(*args)
        assert done.returncode == 0, done.stderr
    central.start()
    done = enrol(central, root / "kiosk", site=SITE)
    assert done.returncode == 0, done.stderr
    identity, outbox = open_outbox(root / "kiosk")
    client = CentralClient(identity.central_url, identity.device_token)
    worker = SyncWorker(outbox, client, identity.signing_key, upload_workers=1)
    yield Rig(central, backoffice, root / "kiosk", outbox, worker, client, identity)
    central.stop()
    backoffice.stop()


def payload(reference: str, **changes) -> dict:
    report = {"reference": reference, "category": "fly-tipping", "service_code": "FLYTIP",
              "answers": {"amount": "car", "hazardous": False},
              "location": {"kind": "address", "text": "Flat 2, 14 Mill Lane, Riverside", "uprn": "100091234567",
                           "usrn": "48000012", "postcode": "RV1 2AB", "lat": 52.4101, "lon": -1.5012},
              "landmark": "By the bus stop opposite the school", "description": "Mattress and bags",
              "contact": CONTACT, "language": "en", "site": SITE, "reported_at": "2026-11-22T10:31:00+00:00"}
    report.update(changes)
    return report


# ----- forwarding ------------------------------------------------------------------------------
def test_a_report_is_forwarded_once_with_its_fields(rig):
    """One POST with the council's service code, the point, the UPRN, the answers as
    attributes and as words, the kiosk reference and the contact the resident gave."""
    rig.send(payload("RPT-7KQ2-X9PM"))
    facts = rig.forwarded("RPT-7KQ2-X9PM")
    [post] = rig.backoffice.posts_for("RPT-7KQ2-X9PM")
    assert [r["service_request_id"] for r in rig.backoffice.created_for("RPT-7KQ2-X9PM")] == [
        facts["service_request_id"]]
    expected = {"api_key": "test-api-key", "jurisdiction_id": "riverside.gov.example", "service_code": "FLYTIP",
                "lat": "52.410100", "long": "-1.501200", "address_id": "100091234567",
                "attribute[uprn]": "100091234567",   # where back offices built for FixMyStreet look
                "attribute[amount]": "car", "attribute[hazardous]": "false",
                "attribute[kiosk_reference]": "RPT-7KQ2-X9PM", "email": "jo.bloggs@example.com",
                "first_name": "Jo", "last_name": "Bloggs", "phone": "+447700900123"}
    assert {k: post.get(k) for k in expected} == expected
    assert "address_string" not in post and "media_url" not in post  # a point, and no photo
    description = post["description"]
    for words in ("Mattress and bags", "Landmark: By the bus stop opposite the school", "How much is there? A car boot load",
                  "Could it be dangerous (needles, asbestos, chemicals)? No", "Kiosk reference RPT-7KQ2-X9PM"):
        assert words in description

    [row] = rig.listed("--reference", "rpt-7kq2-x9pm")
    assert (row["state"], row["service_request_id"], row["service_code"], row["site"]) == (
        "sent", facts["service_request_id"], "FLYTIP", SITE)
    assert "contact" not in row and "jo.bloggs" not in json.dumps(row)
    [with_contact] = rig.listed("--reference", "RPT-7KQ2-X9PM", "--contact")
    assert with_contact["contact"] == CONTACT
    assert [r["reference"] for r in rig.listed("--state", "sent")].count("RPT-7KQ2-X9PM") == 1


def test_server_errors_are_retried_without_duplicates(rig):
    rig.backoffice.fail_next = 2
    rig.send(payload("RPT-5ERR-AAA2", contact=None))
    rig.forwarded("RPT-5ERR-AAA2")
    assert len(rig.backoffice.posts_for("RPT-5ERR-AAA2")) == 3
    assert len(rig.backoffice.created_for("RPT-5ERR-AAA2")) == 1


def test_a_crm_that_is_down_is_tried_again_later_not_failed(rig):
    """A 400 is GeoReport v2's general service error: tried again after DOWN_FIRST, then
    every DOWN_EVERY (5 and 30 minutes by default, as FixMyStreet), with every error's words."""
    first = len(rig.backoffice.posts)
    rig.backoffice.down_next = 2
    rig.send(payload("RPT-DOWN-AAB2", contact=None))
    rig.forwarded("RPT-DOWN-AAB2")
    assert len(rig.backoffice.posts_for("RPT-DOWN-AAB2")) == 3
    assert len(rig.backoffice.created_for("RPT-DOWN-AAB2")) == 1
    times = [t for t, p in zip(rig.backoffice.post_times[first:], rig.backoffice.posts[first:])
             if p.get("attribute[kiosk_reference]") == "RPT-DOWN-AAB2"]
    assert times[1] - times[0] >= 0.4 * 0.9 and times[2] - times[1] >= 0.8 * 0.9
    [row] = rig.listed("--reference", "RPT-DOWN-AAB2")
    assert row["state"] == "sent" and row["last_error"] is None


def test_all_of_a_400s_errors_are_kept_and_a_day_of_them_fails_the_report():
    from central.open311 import Open311Settings, ServiceDown, error_words, gives_up

    body = [{"code": 400, "description": "The CRM is not answering"}, {"code": 400, "description": "Try later"}]
    assert error_words(body) == "The CRM is not answering; Try later"
    assert error_words({"code": 404, "description": "service_code not found"}) == "service_code not found"
    settings = Open311Settings(url="x", api_key="k")
    assert not gives_up(ServiceDown("HTTP 400"), 47, settings) and gives_up(ServiceDown("HTTP 400"), 48, settings)


def test_answers_go_with_the_back_offices_own_codes_and_keys(rig):
    """GRAFFITI has a definition (services/GRAFFITI.json) whose codes and value keys are the
    back office's own: the answers go as those, matched by their words."""
    rig.send(payload("RPT-DEFN-AAB4", category="graffiti", service_code="GRAFFITI",
                     answers={"offensive": True, "surface": "private"}, contact=None))
    rig.forwarded("RPT-DEFN-AAB4")
    [post] = rig.backoffice.posts_for("RPT-DEFN-AAB4")
    attributes = {k: v for k, v in post.items() if k.startswith("attribute[")}
    assert attributes == {"attribute[OFFENSIVE]": "Y", "attribute[SURFACE_TYPE]": "P",
                          "attribute[uprn]": "100091234567", "attribute[kiosk_reference]": "RPT-DEFN-AAB4"}
    assert "Is it offensive or racist? Yes" in post["description"]    # and in words, as ever
    assert any(path.startswith("/open311/v2/services/GRAFFITI.json") for path in rig.backoffice.gets)


def test_a_blackbox_service_is_sent_once_without_an_id(rig):
    """A blackbox service answers with no id and is never listed by a search: its 2xx is
    the request sent, not a reason to look and send again."""
    rig.backoffice.blackbox = {"NOISE"}
    try:
        time.sleep(0.7)   # central reads the service list again
        rig.send(payload("RPT-BBOX-AAB5", category="noise", service_code="NOISE",
                         answers={"source": "music", "now": True}, contact=None))
        wait_for(lambda: rig.listed("--reference", "RPT-BBOX-AAB5", "--state", "sent"), what="sent")
        time.sleep(1.0)   # long enough for any look-up and resend to have happened
    finally:
        rig.backoffice.blackbox = set()
    assert len(rig.backoffice.posts_for("RPT-BBOX-AAB5")) == 1
    assert len(rig.backoffice.created_for("RPT-BBOX-AAB5")) == 1
    [row] = rig.listed("--reference", "RPT-BBOX-AAB5")
    assert row["service_request_id"] is None and row["token"] is None and row["last_error"] is None
    steps = {step["step"]: step for step in rig.track("RPT-BBOX-AAB5").json()["steps"]}
    assert steps["passed"]["done"] and steps["passed"]["text"] == "Passed to the team that deals with it"


def test_a_back_office_that_moved_is_followed(rig):
    """POSTs follow a 307/308 as POSTs; GETs (status, look-ups) follow any redirect; the form
    is sent as UTF-8 and says so."""
    rig.backoffice.moved_to = "/open311/v3"
    try:
        rig.send(payload("RPT-MOVE-AAB3", description="Łóżko i worki — zostawione", contact=None))
        facts = rig.forwarded("RPT-MOVE-AAB3")
        rig.backoffice.close_request(facts["service_request_id"], "Cleared")
        assert rig.track("RPT-MOVE-AAB3").json()["status"] == "closed"    # the status GET, redirected
    finally:
        rig.backoffice.moved_to = ""
    [post] = rig.backoffice.posts_for("RPT-MOVE-AAB3")
    assert post["description"].startswith("Łóżko i worki — zostawione")
    assert rig.backoffice.post_types[-1] == "application/x-www-form-urlencoded; charset=utf-8"
    assert len(rig.backoffice.created_for("RPT-MOVE-AAB3")) == 1


@pytest.mark.parametrize("misbehaviour", ["drop_next", "delay_next"])
def test_a_request_created_but_never_answered_is_found_not_sent_again(rig, misbehaviour):
    """The back office creates the request but its answer never arrives (connection dropped,
    or later than central waits): central looks it up by its reference instead of resending."""
    reference = "RPT-DROP-AAA3" if misbehaviour == "drop_next" else "RPT-SLOW-AAA4"
    setattr(rig.backoffice, misbehaviour, 1)
    rig.send(payload(reference))
    facts = rig.forwarded(reference)
    [created] = rig.backoffice.created_for(reference)
    assert created["service_request_id"] == facts["service_request_id"]
    assert len(rig.backoffice.posts_for(reference)) == 1
    assert any("/requests.json?" in path and "service_code=FLYTIP" in path for path in rig.backoffice.gets)


def test_a_token_answer_resolves_to_a_request_id(rig):
    rig.backoffice.token_mode, rig.backoffice.token_polls = True, 2
    try:
        rig.send(payload("RPT-TOKN-AAA5"))
        facts = rig.forwarded("RPT-TOKN-AAA5")
    finally:
        rig.backoffice.token_mode = False
    [created] = rig.backoffice.created_for("RPT-TOKN-AAA5")
    assert facts["service_request_id"] == created["service_request_id"]
    assert len(rig.backoffice.posts_for("RPT-TOKN-AAA5")) == 1
    [row] = rig.listed("--reference", "RPT-TOKN-AAA5")
    assert row["token"].startswith("tok-") and row["state"] == "sent"


def test_a_refused_report_fails_and_is_retried_from_the_command_line(rig):
    """A wrong api_key is a 403: kept as failed with the back office's words, sent again
    once staff have fixed the settings and retried it."""
    good_key, rig.backoffice.api_key = rig.backoffice.api_key, "a-new-key"
    try:
        rig.send(payload("RPT-KEYS-AAA6"))
        wait_for(lambda: rig.listed("--reference", "RPT-KEYS-AAA6", "--state", "failed"), what="failed")
    finally:
        rig.backoffice.api_key = good_key
    [row] = rig.listed("--reference", "RPT-KEYS-AAA6")
    assert row["last_error"] == "HTTP 403: Invalid api_key" and row["service_request_id"] is None
    assert not rig.backoffice.created_for("RPT-KEYS-AAA6")
    again = rig.central.cli("reports", "--retry", "RPT-KEYS-AAA6")
    assert again.returncode == 0 and "forwarded again" in again.stdout
    rig.forwarded("RPT-KEYS-AAA6")
    assert len(rig.backoffice.created_for("RPT-KEYS-AAA6")) == 1
    not_failed = rig.central.cli("reports", "--retry", "RPT-KEYS-AAA6")
    assert not_failed.returncode == 1 and "not failed" in not_failed.stderr


def test_a_photo_report_waits_for_its_photo_then_sends_its_media_url(rig):
    photo = jpeg()
    rig.outbox.enqueue(StreetReport.model_validate(payload("RPT-FOTO-AAA7", contact=None)),
                       attachments={"photo.jpg": photo})
    batch = rig.outbox.claim(10)
    answer = rig.client.submit(SubmissionBatch(records=[to_wire(item) for item in batch]))
    assert [r.status for r in answer.results] == ["incomplete"]  # stored; the photo not yet sent
    time.sleep(1.0)  # ten of the forwarder's passes
    assert rig.backoffice.posts_for("RPT-FOTO-AAA7") == []
    waiting = rig.track("RPT-FOTO-AAA7").json()
    assert "waiting for the photo" in waiting["steps"][0]["text"] and not waiting["steps"][1]["done"]

    rig.outbox.release([item.id for item in batch])
    assert rig.worker.drain_once().sent == 1
    rig.forwarded("RPT-FOTO-AAA7")
    [post] = rig.backoffice.posts_for("RPT-FOTO-AAA7")
    assert post["media_url"].startswith(f"{rig.central.url}/media/RPT-FOTO-AAA7/")
    served = requests.get(post["media_url"], timeout=10)
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    assert served.content == photo
    guessed = post["media_url"].rsplit("/", 1)[0] + "/not-the-secret.jpg"
    assert requests.get(guessed, timeout=10).status_code == 404
    [row] = rig.listed("--reference", "RPT-FOTO-AAA7")
    assert row["has_photo"] and row["photo_received"]


# ----- tracking ----------------------------------------------------------------------------------
def test_the_tracking_page_shows_progress_and_nothing_personal(rig):
    rig.send(payload("RPT-TRAK-AAA8", description="Sofa left by Jo at number 14"))
    facts = rig.forwarded("RPT-TRAK-AAA8")
    page = requests.get(f"{rig.central.url}/track/rpt-trak-aaa8", timeout=10)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    for words in ("Fly tipping", "Mill Lane, Riverside", "Received by the council",
                  f"Passed to the team that deals with it (their reference {facts['service_request_id']})", 'lang="en"',
                  'name="viewport"'):
        assert words in html
    for personal in ("Jo", "Bloggs", "jo.bloggs", "7700900123", "14 Mill", "Flat 2", "Sofa", "RV1 2AB"):
        assert personal not in html and personal not in json.dumps(facts)
    assert page.headers["x-robots-tag"] == "noindex"

    rig.backoffice.close_request(facts["service_request_id"], "Cleared on 23 November <b>thanks</b>")
    closed = requests.get(f"{rig.central.url}/track/RPT-TRAK-AAA8", timeout=10).text
    assert '<q lang="en">Cleared on 23 November &lt;b&gt;thanks&lt;/b&gt;</q>' in closed and "<b>" not in closed
    assert rig.track("RPT-TRAK-AAA8").json()["status"] == "closed"


def test_an_unknown_reference_gets_a_kind_not_found_page(rig):
    page = requests.get(f"{rig.central.url}/track/RPT-NONE-XXX9", timeout=10)
    assert page.status_code == 404
    assert "We have no report with the reference RPT-NONE-XXX9 yet" in page.text and "may still be on its way" in page.text
    odd = requests.get(f"{rig.central.url}/track/%3Cscript%3Ealert(1)%3C%2Fscript%3E", timeout=10)
    assert odd.status_code == 404 and "<script>" not in odd.text
    assert rig.track("RPT-NONE-XXX9").status_code == 404


def test_text_shown_on_the_page_is_escaped(rig):
    """A place the gazetteer does not know is never shown from the kiosk's text (a resident
    may type a house, a name or a script there): the page says "the place given"."""
    rig.send(payload("RPT-ESCP-AAB2", location={"kind": "street", "text": "<script>alert(document.cookie)</script> Road"},
                     description="<script>alert(2)</script>"))
    rig.forwarded("RPT-ESCP-AAB2")
    html = requests.get(f"{rig.central.url}/track/RPT-ESCP-AAB2", timeout=10).text
    assert "the place given at the kiosk" in html
    assert "<script>" not in html and "alert" not in html and "Road" not in html
    [post] = rig.backoffice.posts_for("RPT-ESCP-AAB2")
    assert post["address_string"] == "<script>alert(document.cookie)</script> Road" and "lat" not in post


# ----- untrusted payloads -------------------------------------------------------------------------
def test_any_script_and_hostile_text_reach_the_back_office_as_typed(rig):
    """Emoji, right-to-left text and SQL-like text are filed and forwarded as the resident
    typed them; direction overrides and control characters are tidied away on the kiosk by
    the record's model. (Payloads that do not fit it: tests/central/test_payloads.py.)"""
    texts = [
        payload("RPT-EMOJ-AAB5", description="Bins 🗑️🚮 everywhere 👨‍👩‍👧", landmark="مقابل المدرسة \u202eevil\u202c",
                location={"kind": "street", "text": "שדרות \u200fMill Lane", "usrn": "48000012"}),
        payload("RPT-SQLI-AAB6", description="'; DROP TABLE reports; --", landmark="Robert'); DELETE FROM records;--",
                answers={"amount": "van' OR '1'='1"}),
        payload("RPT-LONG-AAB4", description="x" * 1000, landmark="y" * 200),
    ]
    for report in texts:
        rig.outbox.enqueue(StreetReport.model_validate(report))
    rig.worker.drain_once()
    assert rig.outbox.waiting() == 0 and rig.outbox.counts().get("dead", 0) == 0

    rows = {row["reference"]: row for row in rig.listed("--contact")}
    emoji = rows["RPT-EMOJ-AAB5"]
    assert emoji["description"] == "Bins 🗑️🚮 everywhere 👨‍👩‍👧"
    assert emoji["landmark"] == "مقابل المدرسة evil" and "\u202e" not in json.dumps(emoji, ensure_ascii=False)
    assert emoji["location"]["lat"] is None and emoji["location"]["street"] == "Mill Lane"
    sql = rows["RPT-SQLI-AAB6"]
    assert sql["description"] == "'; DROP TABLE reports; --" and sql["answers"] == {"amount": "van' OR '1'='1"}
    assert len(rows["RPT-LONG-AAB4"]["description"]) == 1000  # the longest the kiosk takes, kept whole
    for reference in ("RPT-LONG-AAB4", "RPT-EMOJ-AAB5", "RPT-SQLI-AAB6"):
        rig.forwarded(reference)
    [post] = rig.backoffice.posts_for("RPT-EMOJ-AAB5")
    assert "Bins 🗑️🚮 everywhere" in post["description"] and "\u202e" not in post["description"]
    with sqlite3.connect(rig.central.data / "central.db") as db:
        assert db.execute("SELECT count(*) FROM reports").fetchone()[0] >= 3  # the table is still there


def test_nothing_personal_in_centrals_log(rig):
    photo = jpeg()
    rig.send(payload("RPT-LOGS-AAB7", description="Mattress outside Sofa House"), photo=photo)
    media_url = rig.backoffice.posts_for("RPT-LOGS-AAB7") or wait_for(
        lambda: rig.backoffice.posts_for("RPT-LOGS-AAB7"), what="the forward")
    secret = media_url[0]["media_url"].rsplit("/", 1)[-1]
    assert requests.get(media_url[0]["media_url"], timeout=10).content == photo
    log = (rig.central.data.parent / f"central-{rig.central.port}.log").read_text(encoding="utf-8", errors="replace")
    assert "report RPT-LOGS-AAB7 filed" in log and "GET /media/RPT-LOGS-AAB7/..." in log
    assert secret not in log
    for personal in ("Bloggs", "jo.bloggs", "7700900123", "Mill Lane", "Mattress", "bus stop", "Sofa", "DROP TABLE",
                     "Invalid api_key"):
        assert personal not in log


# ----- cleaning, without a server ------------------------------------------------------------------
def test_cleaning_rules():
    # the back office's own text (status notes) is tidied like record text, lines kept when asked
    assert clean_text("a\u202eb\u0000c\ud800d\tz", 10) == "abcd z"
    assert clean_text("one\n\n\n\ntwo", 20, lines=True) == "one\n\ntwo" and clean_text("one\ntwo", 20) == "one two"
    assert clean_text(["list"], 10) == "" and clean_text("   ", 10) == ""
    # only answers to the category's own questions go on, never one named like a request field
    assert known_answers({"ok": True, "kiosk_reference": "x"}, None) == {"ok": True}
    assert known_answers({"amount": "bag", "other": "x"}, [{"code": "amount"}]) == {"amount": "bag"}
    assert reference_for("RPT-7KQ2-X9PM", "r1") == "RPT-7KQ2-X9PM"
    assert reference_for(None, "r1") == reference_for(None, "r1") != reference_for(None, "r2")
    place = {"location_kind": "address", "location_text": "Flat 2, 14a Mill Lane, Riverside, RV1 2AB",
             "uprn": "", "usrn": ""}
    assert public_place(place, ({}, {})) == ("", "")  # typed text is never shown on the public page
    assert public_place({**place, "uprn": "1"}, ({"1": "9"}, {"9": ("Station Road", "Riverside")})) == (
        "Station Road", "Riverside")


# ----- reference data -----------------------------------------------------------------------------------
def test_gazetteer_and_categories_reach_the_kiosk(rig):
    refs = ReferenceStore(open_db(rig.kiosk / "kiosk.db"), rig.identity.signing_key, Vault.open(rig.kiosk))
    assert refs.pull(rig.client, "gazetteer") and refs.pull(rig.client, "report-categories")
    gazetteer = refs.get("gazetteer")
    assert gazetteer["addresses"][0] == {"uprn": "100091234567", "lines": ["Flat 2", "14 Mill Lane"],
                                         "town": "Riverside", "postcode": "RV1 2AB", "usrn": "48000012",
                                         "lat": 52.4101, "lon": -1.5012}
    assert [a["postcode"] for a in gazetteer["addresses"]] == ["RV1 2AB", "RV1 2AB", "RV2 4QT"]
    assert gazetteer["streets"] == [
        {"usrn": "48000012", "name": "Mill Lane", "town": "Riverside", "lat": 52.4104, "lon": -1.502},
        {"usrn": "48000026", "name": "Riverside Bypass", "town": "Riverside", "lat": 52.42, "lon": -1.48},
        {"usrn": "48000019", "name": "Station Road", "town": "Riverside", "lat": 52.405, "lon": -1.495}]
    categories = refs.get("report-categories")
    assert categories["track_url"] == f"{rig.central.url}/track/{{reference}}"
    assert len(categories["categories"]) == 14
    icons = {c["icon"] for c in categories["categories"]}
    assert icons == {"trash", "car", "poster", "spray", "litter", "dog", "bin", "tree", "grass", "light", "road",
                     "marking", "noise", "smoke"}
    assert all(1 <= len(c["questions"]) <= 3 and c["name"]["en"] and c["hint"]["en"] for c in categories["categories"])


def test_gazetteer_command_reports_skipped_rows(tmp_path):
    (tmp_path / "llpg.csv").write_text(GAZETTEER_CSV)
    done = run_central("gazetteer", str(tmp_path / "llpg.csv"), "--data", str(tmp_path / "data"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Gazetteer version 1: 3 addresses, 3 streets"
    assert "Skipped 3 row(s) that could not be used, at line(s) 6, 7, 8" in done.stderr
    (tmp_path / "wrong.csv").write_text("id,address\n1,Somewhere\n")
    wrong = run_central("gazetteer", str(tmp_path / "wrong.csv"), "--data", str(tmp_path / "data"))
    assert wrong.returncode == 1 and "lacks the column(s) uprn, lines" in wrong.stderr


def test_categories_command_checks_a_councils_file(tmp_path):
    data = str(tmp_path / "data")
    own = {"categories": [{"code": "bench", "service_code": "BENCH", "icon": "road", "name": {"en": "Broken bench"},
                           "questions": [{"code": "seats", "kind": "yes_no", "label": {"en": "Can people sit?"}}]}]}
    (tmp_path / "own.json").write_text(json.dumps(own))
    done = run_central("categories", "--file", str(tmp_path / "own.json"), "--public-url", "https://kiosks.example",
                       "--data", data)
    assert done.returncode == 0, done.stderr
    assert "1 categories, tracking at https://kiosks.example/track/{reference}" in done.stdout
    own["categories"][0]["icon"] = "bench"
    (tmp_path / "bad.json").write_text(json.dumps(own))
    bad = run_central("categories", "--file", str(tmp_path / "bad.json"), "--data", data)
    assert bad.returncode == 1 and "categories[0].icon: must be one of trash, car," in bad.stderr
    (tmp_path / "broken.json").write_text("{")
    broken = run_central("categories", "--file", str(tmp_path / "broken.json"), "--data", data)
    assert broken.returncode == 1 and "is not valid JSON (line 1" in broken.stderr


def test_demo_data_publishes_a_gazetteer_and_the_categories(tmp_path):
    from central import db
    from central.keys import load_or_create
    from sync.protocol import SignedDocument

    data = tmp_path / "data"
    done = run_central("demo-data", "--site", SITE, "--hosts", "20", "--data", str(data))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"Demo data for {SITE}: 20 staff") and lines[1].startswith("  ")
    gazetteer = next(line for line in lines if line.startswith("Street gazetteer: "))
    assert "on 40 streets; 14 report categories." in gazetteer
    # and how to sign in to the staff console as the demo administrator
    assert any(line.startswith("Staff console: set up the demo administrator at ") for line in lines)
    import sqlite3

    with sqlite3.connect(data / "central.db") as conn:  # who can also be a host, to try invitations
        assert conn.execute("SELECT active FROM hosts WHERE email = 'demo.admin@council.example'").fetchone() == (1,)
        assert conn.execute("SELECT state FROM staff WHERE email = 'demo.admin@council.example'").fetchone() == ("invited",)
    keys = load_or_create(data)
    with db.make_engine(db.sqlite_url(data)).connect() as conn:
        docs = {row.name: SignedDocument.model_validate_json(row.document) for row in conn.execute(
            db.reference.select())}
    for name in ("gazetteer", "report-categories"):
        check(docs[name], keys.verify_b64)
    addresses = docs["gazetteer"].data["addresses"]
    assert 1300 <= len(addresses) <= 1700 and any(a["lines"][0].startswith("Flat ") for a in addresses)
    postcodes = {a["postcode"] for a in addresses}
    assert 9 <= len(addresses) / len(postcodes) <= 15
    assert all(len(p) == 7 and p[:2] == "RV" and p[3] == " " for p in postcodes)
    assert all(abs(a["lat"] - 52.41) < 0.03 and abs(a["lon"] + 1.50) < 0.04 for a in addresses)
    again = run_central("demo-data", "--site", SITE, "--hosts", "20", "--data", str(tmp_path / "other"))
    assert next(line for line in again.stdout.splitlines() if line.startswith("Street gazetteer: ")) == gazetteer  # the same town every time


def run_central(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "central", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.skipif(not os.environ.get("HUBKIOSK_TEST_POSTGRES_URL"),
                    reason="no PostgreSQL server (HUBKIOSK_TEST_POSTGRES_URL)")
def test_filing_forwarding_and_status_on_postgresql(tmp_path):
    """The same SQL on PostgreSQL: filing (with a hostile payload), claiming, unsure
    look-up, status refresh and listing."""
    import uuid6

    from central import db, reports
    from central.categories import publish_categories
    from central.keys import load_or_create
    from central.open311 import Forwarder, Open311Settings, refresh_status

    engine = db.make_engine(os.environ["HUBKIOSK_TEST_POSTGRES_URL"])
    keys = load_or_create(tmp_path)
    backoffice = Open311Server().start()
    settings = Open311Settings(url=backoffice.url, api_key=backoffice.api_key, jurisdiction=backoffice.jurisdiction,
                               timeout=1, backoff_seconds=0, status_seconds=0)
    reference = f"RPT-PGSQ-{uuid6.uuid7().hex[-4:].upper()}"
    try:
        with engine.begin() as conn:
            publish_categories(conn, keys)
            reports.file(conn, keys, {"id": "d" * 36, "site": SITE}, str(uuid6.uuid7()), StreetReport.model_validate(
                payload(reference, description="NUL \x00 and '; DROP TABLE reports; --" + "x" * 950)))
        backoffice.drop_next = 1
        forwarder = Forwarder(engine, settings)
        deadline = time.monotonic() + 20
        while not backoffice.created_for(reference) or not reports.listing(engine, reference)[0]["service_request_id"]:
            forwarder.forward_due()
            assert time.monotonic() < deadline
        [created] = backoffice.created_for(reference)
        backoffice.close_request(created["service_request_id"], "Cleared")
        assert refresh_status(engine, settings, reference)
        [row] = reports.listing(engine, reference)
        assert (row["service_request_id"], row["status"], row["status_notes"]) == (
            created["service_request_id"], "closed", "Cleared")
        assert row["description"] == "NUL and '; DROP TABLE reports; --" + "x" * 950
        assert len(backoffice.posts_for(reference)) == 1
        # the resident's notices: one each, a second "closed" a no-op (ON CONFLICT DO NOTHING)
        from sqlalchemy import select

        from central import notices
        from central.open311 import poll_statuses

        backoffice.set_status(created["service_request_id"], "in_progress")
        poll_statuses(engine, settings, forwarder.client)
        with engine.begin() as conn:   # a second writer that missed the first's row
            again = notices._insert(conn).values(id="x" * 36, to_address="x@example.com", subject="", body="",
                                                 next_at=datetime.now(timezone.utc), notice_key=f"{reference}:closed")
            assert conn.execute(again.on_conflict_do_nothing(index_elements=["notice_key"])
                                .returning(db.notifications.c.id)).first() is None
        with engine.connect() as conn:
            keys = sorted(conn.execute(select(db.notifications.c.notice_key).where(
                db.notifications.c.record_id == reference)).scalars())
        assert keys == [f"{reference}:{event}" for event in ("closed", "received")]   # closed stays closed
    finally:
        backoffice.stop()
        engine.dispose()


# ----- an XML back office ----------------------------------------------------------------------
BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<service_requests><request><service_request_id>&lol3;</service_request_id></request></service_requests>"""


def test_an_xml_only_back_office_is_spoken_to_in_xml():
    """GeoReport v2's required format: every call in XML (requests, tokens, search, status,
    services and definitions), its errors read in XML, every error's words; a bomb is no answer."""
    from central.open311 import Open311Client, Open311Settings, Refused, ServiceDown, Unsure

    server = Open311Server().start()
    server.formats = {"xml"}
    try:
        settings = Open311Settings(url=server.url, api_key=server.api_key, jurisdiction=server.jurisdiction,
                                   timeout=5, format="xml")
        client = Open311Client(settings)
        services = client.services()
        graffiti = services["GRAFFITI"]
        assert graffiti.attributes[0].code == "OFFENSIVE" and graffiti.attributes[0].values == (("Y", "Yes"), ("N", "No"))
        assert not graffiti.attributes[2].variable and services["FLYTIP"].attributes is None
        form = [("api_key", server.api_key), ("jurisdiction_id", server.jurisdiction), ("service_code", "FLYTIP"),
                ("lat", "52.410100"), ("long", "-1.501200"), ("description", "Łóżko\n\nKiosk reference RPT-XMLS-AAB6"),
                ("attribute[kiosk_reference]", "RPT-XMLS-AAB6")]
        created = client.create(form)
        assert created.service_request_id == server.created_for("RPT-XMLS-AAB6")[0]["service_request_id"]
        assert client.status(created.service_request_id)["status"] == "open"
        since = datetime.now(timezone.utc) - timedelta(minutes=1)
        assert client.find("FLYTIP", "RPT-XMLS-AAB6", since) == created.service_request_id
        server.token_mode, server.token_polls = True, 1
        token = client.create(form).token
        assert token and client.token(token) is None and client.token(token)   # no id yet, then the id
        server.token_mode = False
        with pytest.raises(Refused, match="HTTP 403: Invalid api_key"):
            client.create([("api_key", "wrong"), *form[1:]])
        server.down_next = 1
        with pytest.raises(ServiceDown, match="The CRM is not answering; Please try again later"):
            client.create(form)
        server.raw_next = (200, "text/xml", BOMB)
        with pytest.raises(Unsure, match="not XML"):
            client.status(created.service_request_id)
        assert all(".xml" in path for path in server.gets)
        with pytest.raises(Refused, match="HTTP 404"):   # JSON, to a server that speaks only XML
            Open311Client(Open311Settings(url=server.url, api_key=server.api_key,
                                          jurisdiction=server.jurisdiction, timeout=5)).services()
        client.close()
    finally:
        server.stop()
