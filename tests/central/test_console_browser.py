"""The staff console in a real Chromium against central on loopback: an officer sets up
their account with the QR page's key, signs in with a TOTP code, opens a document a kiosk
scanned and sent (its pages inline), watches it turn red when the clock passes its due
time, and closes it; a manager sees the feedback charts; an administrator reads the audit
log. axe-core finds no serious or critical problem on any page."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest

from central import db as tables
from central import staff, work
from tests.helpers import feedback, street_report

from .browser import chromium, serious_violations
from .conftest import Served
from .console_helpers import PASSWORD, deliver, enrolled_kiosk, scanned_pdf
from .test_console import document, follow_up, items

SITE = "Civic Centre"


@pytest.fixture
def browser():
    with chromium() as running:
        yield running


def new_account(app, email: str, name: str, *roles: str) -> str:
    """The set-up link for a new account, as `python -m central staff add` prints it."""
    with tables.begin(app.state.engine) as conn:
        return "/console/set-up/" + staff.add(conn, app.state.keys, email, name, [staff.Role.parse(r) for r in roles])


def loaded(images) -> None:
    """Wait until every image has been fetched and drawn (the page's CSP forbids eval, so no
    wait_for_function)."""
    import time

    deadline = time.monotonic() + 10
    while not images.evaluate_all("els => els.length > 0 && els.every(i => i.complete && i.naturalWidth > 0)"):
        assert time.monotonic() < deadline, "images did not load"
        time.sleep(0.05)


def set_up_and_sign_in(page, url: str, link: str, email: str) -> pyotp.TOTP:
    """Set up from the link, reading the key off the page as a person types it into an app;
    then sign out and in again with a new code."""
    page.goto(url + link)
    secret = page.locator(".console-code").inner_text().replace(" ", "")
    # the QR code an app scans says the same (read from the page as drawn, by zxing-cpp)
    import cv2
    import numpy as np
    import zxingcpp

    drawn = cv2.imdecode(np.frombuffer(page.locator(".console-qr svg").screenshot(), np.uint8), cv2.IMREAD_COLOR)
    (read,) = {r.text for r in zxingcpp.read_barcodes(drawn)}   # one code, whatever times it is found
    assert read.startswith("otpauth://totp/") and f"secret={secret}" in read and "issuer=hubkiosk" in read
    totp = pyotp.TOTP(secret)
    page.fill("#password", PASSWORD)
    page.fill("#again", PASSWORD)
    page.fill("#code", totp.now())
    page.click("text=Set up my account")
    assert page.locator("h1").inner_text().startswith("Hello")
    return totp


def test_an_officer_works_a_scanned_document_in_chromium(app, browser, tmp_path, monkeypatch):
    found: dict[str, list[str]] = {}

    def look(page, name: str) -> None:
        found[name] = serious_violations(page)

    with Served(app) as served:
        monkeypatch.setenv("HUBKIOSK_PUBLIC_URL", served.url)
        identity, outbox = enrolled_kiosk(app, served.url, tmp_path / "kiosk", SITE)
        model = document(1).model_copy(update={"pages": 2})
        outbox.enqueue(model, attachments={"documents.pdf": scanned_pdf(2)})
        outbox.enqueue(follow_up(2))
        outbox.enqueue(street_report(3))
        for n, stars in enumerate((5, 4, 3, 4, 5, 3)):
            outbox.enqueue(feedback(n, comment="Quick and easy" if n == 0 else "", stars=stars).model_copy(
                update={"journey": "visitors", "found": n % 2 == 0}))
        deliver(identity, outbox)
        item = next(i for i in items(app) if i["kind"] == "document")

        page = browser.new_page()
        page.goto(f"{served.url}/console/items")
        assert page.url.startswith(f"{served.url}/console/sign-in?next=")
        look(page, "sign-in")
        link = new_account(app, "officer@council.example", "Oli Officer", "officer@*/benefits", "officer@*/environment",
                           f"coordinator@{SITE}")
        page.goto(served.url + link)
        look(page, "set-up")
        page.fill("#password", "short")
        page.fill("#again", "short")
        page.fill("#code", "123456")
        page.click("text=Set up my account")
        assert page.title().startswith("Error:") and page.locator(".govuk-error-summary").is_visible()
        look(page, "set-up with an error")
        totp = set_up_and_sign_in(page, served.url, link, "officer@council.example")
        look(page, "home")

        page.goto(f"{served.url}/console/items")
        look(page, "work queue")
        assert page.locator(".govuk-tag--green", has_text="On time").first.is_visible()
        page.click(f"text={model.receipt}")
        assert page.locator("h1").inner_text() == f"Scanned document {model.receipt}"
        images = page.locator(".console-page img")
        assert images.count() == 2
        loaded(images)
        assert page.request.get(f"{served.url}/console/items/{item['id']}/pages/3.jpg").status == 404  # 2 pages
        look(page, "document")
        # the clock passes the due time: the item turns red
        monkeypatch.setattr(work, "_now", lambda: tables.aware(item["due_at"]) + timedelta(minutes=5))
        page.goto(f"{served.url}/console/items?clock=overdue")
        assert page.locator("tbody .govuk-tag--red", has_text="Overdue").count() == 3  # the document, report and call
        page.click(f"text={model.receipt}")
        page.click("text=Claim it")
        assert "You have claimed this item" in page.locator(".govuk-notification-banner").inner_text()
        page.check("text=Indexed into the back-office system")
        page.click("text=Close item")
        assert "Item closed" in page.locator(".govuk-notification-banner").inner_text()
        look(page, "closed item")
        for other in items(app):  # the report and the follow-up call pages too
            if other["kind"] != "document":
                page.goto(f"{served.url}/console/items/{other['id']}")
                assert other["reference"] in page.locator("h1").inner_text()
                look(page, other["kind"])
        page.click("text=Sign out")
        assert page.url.startswith(f"{served.url}/console/sign-in")

        # a manager sees the charts (drawn on the server) and the numbers beside them
        manager = browser.new_page()
        link = new_account(app, "manager@council.example", "Mo Manager", f"manager@{SITE}")
        set_up_and_sign_in(manager, served.url, link, "manager@council.example")
        manager.goto(f"{served.url}/console/feedback")
        loaded(manager.locator(".console-chart img"))
        table = manager.locator("table", has_text="By journey").inner_text()
        assert re.search(r"Visitor check-in\s+6\s+50%\s+4\.0", table), table
        look(manager, "feedback")
        manager.click("text=Read the comments")
        assert "Quick and easy" in manager.locator("main").inner_text()
        look(manager, "comments")
        manager.goto(f"{served.url}/console/staff")
        assert manager.locator("h1").inner_text() == "You cannot see this page"
        look(manager, "forbidden")

        # an administrator: staff, kiosks, the audit log
        admin = browser.new_page()
        link = new_account(app, "admin@council.example", "Ada Admin", "admin", f"reception@{SITE}", "host")
        set_up_and_sign_in(admin, served.url, link, "admin@council.example")
        admin.goto(f"{served.url}/console/staff")
        look(admin, "staff")
        admin.fill("#email", "new.person@council.example")
        admin.fill("#name", "New Person")
        admin.select_option("#role", "officer")
        admin.click("text=Add and make a set-up link")
        assert "/console/set-up/" in admin.locator(".console-panel").inner_text()
        look(admin, "staff with a link")
        admin.goto(f"{served.url}/console/service-levels")
        admin.fill("#street-report-working", "3")
        admin.click("text=Save Street report")
        assert "Street report: 3 working days" in admin.locator(".govuk-notification-banner").inner_text()
        look(admin, "service levels")
        admin.goto(f"{served.url}/console/fleet")
        assert admin.locator("tbody", has_text="kiosk-1").is_visible()
        look(admin, "kiosks")
        admin.click("text=Make an enrolment code")
        import cv2
        import numpy as np
        import zxingcpp

        code = admin.locator(".console-panel code").inner_text()
        drawn = cv2.imdecode(np.frombuffer(admin.locator(".console-qr svg").screenshot(), np.uint8), cv2.IMREAD_COLOR)
        assert [r.text for r in zxingcpp.read_barcodes(drawn)] == [f"HKENROL:{code}"]
        look(admin, "kiosks with a new code")
        admin.goto(f"{served.url}/console/visitors")
        look(admin, "visitors")
        admin.goto(f"{served.url}/console/visitors/roll-call?site={SITE}")
        look(admin, "roll-call")
        admin.goto(f"{served.url}/console/audit")
        log = admin.locator("tbody").inner_text()
        assert "Oli Officer (officer@council.example)\tOpened a scanned document" in log and "Read residents' comments" in log
        look(admin, "audit")
        assert totp.now()  # the officer's app still makes codes; nothing more to do with it
    assert {name: v for name, v in found.items() if v} == {}
