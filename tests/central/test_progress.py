"""Check my progress at central: a reference and its owner's answer (postcode, claim
reference or date of birth) give a report's steps, the documents received for a claim, an
account's state; anything else gives the same 404, counted per kiosk and per reference."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from central import db as tables
from central import work
from sync import payloads
from sync.protocol import API
from tests.effects import reference

from .conftest import enrol, sealed, submit
from .test_console import NOW, document, file_records, items
from .test_resident_pages import report


def ask(client, device, ref: str, answer: str):
    return client.post(f"{API}/progress", json={"reference": ref, "answer": answer}, headers=device.auth)


def views(app) -> list[tuple[str, str]]:
    with app.state.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(tables.audit.c.actor, tables.audit.c.subject).where(
            tables.audit.c.action == "progress.view"))]


def test_a_report_with_its_postcode_shows_its_steps_and_nothing_personal(client, app):
    report(client, app, "RPT-PROG-AAA2", "en")
    device = enrol(client, app, name="kiosk-2")
    answer = ask(client, device, "rpt prog aaa2", "rv1 2ab")   # typed as people type
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["kind"] == "report" and body["reference"] == "RPT-PROG-AAA2" and body["category"] == "fly-tipping"
    assert [(s["step"], s["done"]) for s in body["steps"]] == [
        ("received", True), ("passed", False), ("started", False), ("closed", False)]
    assert body["due_at"] is not None
    for private in ("Jo", "Bloggs", "jo.bloggs", "Mattress", "14 Mill", "+447700"):
        assert private not in answer.text, private
    assert views(app) == [(f"device:{device.id}", "RPT-PROG-AAA2")]
    # staff close it: closed, with the day
    [item] = items(app)
    with tables.begin(app.state.engine) as conn:
        work.close(conn, item["id"], "staff:x@council.example", "Cleared")
    steps = {s["step"]: s for s in ask(client, device, "RPT-PROG-AAA2", "RV1 2AB").json()["steps"]}
    assert steps["closed"]["done"] and steps["closed"]["at"] and steps["started"]["done"]


def test_a_wrong_answer_and_an_unknown_reference_look_the_same_and_are_limited(client, app):
    report(client, app, "RPT-GUES-AAA2", "en")
    report(client, app, "RPT-STAY-AAA2", "en")
    first, second = enrol(client, app, name="kiosk-a"), enrol(client, app, name="kiosk-b")
    wrong = ask(client, first, "RPT-GUES-AAA2", "RV1 2AC")
    unknown = ask(client, first, "RPT-NONE-AAA2", "RV1 2AB")
    assert wrong.status_code == unknown.status_code == 404 and wrong.json() == unknown.json()
    assert ask(client, first, "DOC-GUES-AAA2", "").status_code == 404   # no answer at all
    for _ in range(3):
        assert ask(client, second, "RPT-GUES-AAA2", "RV9 9ZZ").status_code == 404
    # five misses for this reference from any kiosks: now even its owner must wait
    assert ask(client, second, "RPT-GUES-AAA2", "RV9 9ZY").status_code == 404
    limited = ask(client, second, "RPT-GUES-AAA2", "RV1 2AB")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert ask(client, second, "RPT-STAY-AAA2", "RV1 2AB").status_code == 200   # another reference is fine
    for n in range(4):   # the first kiosk's own limit: ten misses in ten minutes
        assert ask(client, first, f"RPT-MIS{n}-AAA2", "RV1 2AB").status_code == 404
    assert ask(client, first, "RPT-STAY-AAA2", "RV1 2AB").status_code == 200
    for n in range(3):
        ask(client, first, f"RPT-MOR{n}-AAA2", "RV1 2AB")
    assert ask(client, first, "RPT-STAY-AAA2", "RV1 2AB").status_code == 429
    assert all(subject == "RPT-STAY-AAA2" for _actor, subject in views(app))   # only the owner's views


def test_documents_show_every_page_and_kind_received_for_the_claim_and_whether_indexed(client, app):
    one, two = document(1), document(2).model_copy(update={"reference": document(1).reference, "kind": "identity",
                                                             "pages": 3, "postcode": ""})
    other_claim = document(3)
    file_records(client, app, "Civic Centre", one, two, other_claim)
    first = next(i for i in items(app) if i["reference"] == one.receipt)
    with tables.begin(app.state.engine) as conn:
        work.close(conn, first["id"], "staff:x@council.example", "Indexed into the back-office system")
    device = enrol(client, app, name="kiosk-d")
    # the second gave no postcode: its claim reference is the answer
    answer = ask(client, device, two.receipt, "4001 0001")
    assert answer.status_code == 200, answer.text
    docs = {d["receipt"]: d for d in answer.json()["documents"]}
    assert set(docs) == {one.receipt, two.receipt}   # the same claim, not the other one
    assert (docs[two.receipt]["kind"], docs[two.receipt]["pages"], docs[two.receipt]["indexed"]) == ("identity", 3, False)
    assert docs[one.receipt]["indexed"] and docs[one.receipt]["indexed_at"]
    assert "Jo Bloggs" not in answer.text and "RV1 2AB" not in answer.text
    assert ask(client, device, two.receipt, "RV1 2AB").status_code == 404   # it gave no postcode
    assert ask(client, device, one.receipt, "rv12ab").status_code == 200


def test_an_account_by_date_of_birth_and_a_new_activation_email(client, app):
    device = enrol(client, app, name="kiosk-s")
    signup = payloads.AccountSignup(
        reference=reference("ACC", 7), first_name="Jo", last_name="Resident", email="jo.resident@example.com",
        address=payloads.Address(lines=["1 Mill Lane"], town="Riverside", postcode="RV1 2AB"),
        date_of_birth=date(1980, 4, 1), contact_by=["email"], terms_version="2026-04", accepted_at=NOW, language="ro")
    record, _files = sealed(device, signup.KIND, signup.model_dump(mode="json"))
    assert submit(client, device, record).json()["results"][0]["status"] == "accepted"

    def emails() -> int:
        with app.state.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(tables.notifications)).scalar()

    body = ask(client, device, signup.reference, "1980-04-01").json()
    assert body["kind"] == "account" and body["activated"] is False and body["email_masked"] == "j•••@example.com"
    assert ask(client, device, signup.reference, "1980-04-02").status_code == 404
    assert ask(client, device, signup.reference, "RV1 2AB").status_code == 404   # a postcode is not a birthday
    before = emails()
    resent = client.post(f"{API}/progress/resend", json={"reference": signup.reference, "answer": "1980-04-01"},
                         headers=device.auth)
    assert resent.json() == {"sent": True} and emails() == before + 1
    refused = client.post(f"{API}/progress/resend", json={"reference": signup.reference, "answer": "1979-04-01"},
                          headers=device.auth)
    assert refused.status_code == 404 and emails() == before + 1


def test_only_enrolled_kiosks_may_ask(client, app):
    answer = client.post(f"{API}/progress", json={"reference": "RPT-AAAA-AAA2", "answer": "RV1 2AB"})
    assert answer.status_code == 401
