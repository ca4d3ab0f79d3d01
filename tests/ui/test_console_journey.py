"""From the console to the kiosk and back: a host invites a visitor in the staff console
(Chromium), the visitor holds the invitation's QR code up to the kiosk (Kivy under Xvfb,
a real central on loopback) and is in with one tap, and reception then sees them on the
on-site list and the fire roll-call; each view is in the audit log."""

from __future__ import annotations

import re
import sqlite3
from datetime import date

import pyotp

from scanner.samples import code_photo
from tests.central.browser import chromium, serious_violations

from .conftest import SITE
from .test_visitors import hold_up, start_visitors, synced

PASSWORD = "harbour violet kettle"
VISITOR = "Ngozi Adeyemi"


def test_a_host_invites_in_the_console_and_reception_sees_the_visitor_arrive(kiosk, office, tmp_path):
    with sqlite3.connect(office.data / "central.db") as db:
        host_id, host_name, host_email = db.execute(
            "SELECT id, name, email FROM hosts WHERE active AND email NOT IN (SELECT email FROM staff) ORDER BY id LIMIT 1"
        ).fetchone()
    made = office.cli("staff", "add", "--email", host_email, "--name", host_name, "--role", "host",
                      "--role", f"reception@{SITE}")
    assert made.returncode == 0, made.stderr
    link = made.stdout.split()[-1]
    assert link.startswith(f"{office.url}/console/set-up/")
    problems = []
    with chromium() as browser:
        page = browser.new_page()
        page.goto(link)
        totp = pyotp.TOTP(page.locator(".console-code").inner_text().replace(" ", ""))
        page.fill("#password", PASSWORD)
        page.fill("#again", PASSWORD)
        page.fill("#code", totp.now())
        page.click("text=Set up my account")
        assert page.locator("h1").inner_text() == f"Hello, {host_name}"
        page.goto(f"{office.url}/console/visitors")
        problems += serious_violations(page)
        page.fill("#visitor", VISITOR)
        page.fill("#company", "Kestrel Surveys")
        today = date.today()
        page.fill("#day-day", str(today.day))
        page.fill("#day-month", str(today.month))
        page.fill("#day-year", str(today.year))
        page.select_option("#site", SITE)
        page.click("text=Make the invitation")
        banner = page.locator(".govuk-notification-banner").inner_text()
        code = "".join(re.search(r"the code is (\w{3}) (\w{3})", banner).groups())
        assert VISITOR in page.locator("table", has_text="Your invitations").inner_text()

        # the kiosk fetches the site's invitations again, and the visitor holds up the QR code
        worker = kiosk.app.sync.worker
        worker._last_reference = float("-inf")
        worker.nudge()
        kiosk.until(lambda: code in kiosk.app.visitors.desk.invites().invites, 20, what="the new invitation at the kiosk")
        hold_up(kiosk, tmp_path, code_photo(f"HKV1:{code}"))
        start_visitors(kiosk)
        kiosk.until(lambda: kiosk.screen == "visit_confirm", what="the invitation QR read by the camera")
        kiosk.until_still()
        kiosk.tap(kiosk.button("Yes, sign me in"))
        assert kiosk.screen == "visit_welcome"
        synced(kiosk, office, "SELECT 1 FROM visits WHERE name = ? AND signed_out_at IS NULL", [VISITOR])
        kiosk.app.finish()

        page.goto(f"{office.url}/console/visitors?site={SITE}")
        on_site = page.locator("table", has_text="Visitors on site").inner_text()
        assert VISITOR in on_site and host_name in on_site
        expected = page.locator("table", has_text="Visitors expected today").inner_text()
        assert re.search(rf"{VISITOR}\s+Kestrel Surveys\s+{re.escape(host_name)}\s+\w{{3}} \d", expected), expected
        page.click("text=Reprint")  # the badge again, with the kiosk's sign-out QR code
        assert page.locator(".console-badge__name").inner_text() == VISITOR
        problems += serious_violations(page)
        import cv2
        import numpy as np
        import zxingcpp

        shot = cv2.imdecode(np.frombuffer(page.locator(".console-badge__qr svg").screenshot(), np.uint8), cv2.IMREAD_COLOR)
        (visit_id,) = synced(kiosk, office, "SELECT visit_id FROM visits WHERE name = ?", [VISITOR])[0]
        assert [r.text for r in zxingcpp.read_barcodes(shot)] == [f"HKS1:{visit_id}"]
        page.goto(f"{office.url}/console/visitors?site={SITE}")
        page.click(f"text=Fire roll-call for {SITE}")
        assert VISITOR in page.locator("main table").inner_text()
        problems += serious_violations(page)
    audit = office.cli("audit")
    views = [line for line in audit.stdout.splitlines() if f"staff:{host_email}" in line]
    assert {action for action in ("visitors.roll-call", "visitors.list", "visitors.badge")
            if any(f'"{action}"' in line for line in views)} == {"visitors.roll-call", "visitors.list", "visitors.badge"}
    assert problems == []
