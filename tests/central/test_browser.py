"""Every central page for residents in a real Chromium: a resident finishes their account,
asks for a new link and changes their password; follows a report in each language and
types a reference again; and the pages pass axe-core, in forced colours too."""

from __future__ import annotations

import os
import re
import time

import pytest
from sqlalchemy import select

from central import db as tables
from central.category_texts import texts
from tests.sync.test_accounts_central import signup

from .browser import chromium, serious_violations
from .conftest import enrol, sealed, submit
from .test_resident_pages import report

EMAIL = "sam.okafor@example.com"
PASSWORD = "violet kettle harbour"


def links(app) -> list[str]:
    with app.state.engine.connect() as conn:
        bodies = conn.execute(select(tables.notifications.c.body).order_by(tables.notifications.c.next_at)).scalars()
        return [m.group(0) for body in bodies for m in [re.search(r"http\S*/account/activate/\S+", body)] if m]


def wait_for_link(app, *not_these: str) -> str:
    """The newest working link in a queued email other than `not_these` (a used link is
    taken out of its email)."""
    deadline = time.monotonic() + 10
    while not (fresh := [link for link in links(app) if link not in not_these]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert fresh, "no new link was emailed"
    return fresh[-1]


@pytest.fixture
def browser():
    with chromium() as running:
        yield running


def test_a_resident_finishes_their_account_in_chromium(app, client, served, browser, monkeypatch):
    monkeypatch.setenv("HUBKIOSK_PUBLIC_URL", served.url)
    device = enrol(client, app)
    record, _ = sealed(device, "account-signup", signup(EMAIL, "ACC-7QWE-RT2P"))
    assert submit(client, device, record).json()["results"][0]["status"] == "accepted"
    link = wait_for_link(app)
    page = browser.new_page()
    found = []

    page.goto(link)
    assert page.locator("h1").inner_text() == "Choose your password"
    found += serious_violations(page)
    page.fill("#password", PASSWORD)
    page.fill("#again", PASSWORD + " typo")
    page.click("button[type=submit]")
    assert page.title().startswith("Error: ") and page.locator("h1").inner_text() == "Choose your password"
    assert page.locator("[role=alert]").is_visible()
    found += serious_violations(page)
    page.fill("#password", PASSWORD)
    page.fill("#again", PASSWORD)
    page.click("button[type=submit]")
    assert page.locator("h1").inner_text() == "Your account is ready"
    found += serious_violations(page)
    with app.state.engine.connect() as conn:
        state = conn.execute(select(tables.accounts.c.state).where(tables.accounts.c.email == EMAIL)).scalar_one()
    assert state == "active"

    page.goto(link)  # a used link
    assert page.locator("h1").inner_text() == "This link is not working"
    page.click("text=Get a new link")
    assert page.locator("h1").inner_text() == "Get a new link"
    found += serious_violations(page)
    page.fill("#email", EMAIL)
    page.click("button[type=submit]")
    assert page.locator("h1").inner_text() == "Check your email"
    found += serious_violations(page)
    reset_link = wait_for_link(app, link)
    page.goto(reset_link)
    assert page.locator("h1").inner_text() == "Choose a new password"
    page.fill("#password", "amber lantern orchard")
    page.fill("#again", "amber lantern orchard")
    page.click("button[type=submit]")
    assert page.locator("h1").inner_text() == "Your password has been changed"
    assert found == []


SHOTS = os.environ.get("HUBKIOSK_PAGE_SHOTS")   # a folder: every page is saved there as PNG too


def shot(page, name: str) -> None:
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_the_resident_pages_pass_axe_in_every_language(app, client, served, browser, monkeypatch):
    """The tracking page (in the kiosk's language, then each other from the switcher), the
    box to re-type a reference, the privacy notice and the accessibility statement."""
    monkeypatch.setenv("HUBKIOSK_COUNCIL_NAME", "Riverside Borough Council")
    monkeypatch.setenv("HUBKIOSK_COUNCIL_PHONE", "01632 960 000")
    report(client, app, "RPT-SEEN-AAA2", "pl")
    page = browser.new_page()
    found = []

    page.goto(f"{served.url}/track/RPT-SEEN-AAA2")
    assert page.locator("html").get_attribute("lang") == "pl"
    assert texts("Fly tipping")["pl"] in page.locator("main").inner_text()
    for language in ("pl", "en", "ro", "lt", "bg"):   # the kiosk's first, then each from the switcher
        if language != "pl":
            page.click(f"header a[hreflang={language}]")
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("h1").inner_text().endswith("RPT-SEEN-AAA2")
        found += [f"{language} report: {v}" for v in serious_violations(page)]
        shot(page, f"track-{language}")
        for path, name in ((f"/track/RPT-SEEN-AAA3?lang={language}", "not-found"),
                           (f"/privacy?lang={language}", "privacy"), (f"/accessibility?lang={language}", "accessibility")):
            page.goto(f"{served.url}{path}")
            assert page.locator("html").get_attribute("lang") == language
            found += [f"{language} {name}: {v}" for v in serious_violations(page)]
            shot(page, f"{name}-{language}")
        page.goto(f"{served.url}/track/RPT-SEEN-AAA2?lang={language}")
    assert found == []


def test_a_reference_typed_again_finds_the_report_in_chromium(app, client, served, browser):
    report(client, app, "RPT-TYPE-AAA2", "ro")
    page = browser.new_page()
    page.goto(f"{served.url}/track/RPT-TYPE-AAA3")   # one character wrong on the slip
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.input_value("#reference") == "RPT-TYPE-AAA3"
    page.click(".govuk-error-summary a")
    assert page.evaluate("document.activeElement.id") == "reference"   # the summary's link goes to the box
    page.fill("#reference", "rpt-type-aaa2")
    page.click("button[type=submit]")
    assert page.locator("h1").inner_text().endswith("RPT-TYPE-AAA2")
    assert page.locator("html").get_attribute("lang") == "en"   # the language the resident was reading in


def test_buttons_and_steps_survive_forced_colours(app, client, served, browser):
    """Windows' high-contrast themes drop backgrounds and shadows: a button must keep an
    edge of its own, and done and not-yet steps must still differ."""
    report(client, app, "RPT-HIGH-AAA2", "en")
    context = browser.new_context(forced_colors="active")
    page = context.new_page()
    page.goto(f"{served.url}/track/RPT-NONE-AAA2")
    edge = page.evaluate("""() => { const s = getComputedStyle(document.querySelector('button.govuk-button'));
        return [s.borderTopStyle, parseFloat(s.borderTopWidth), s.borderTopColor, s.backgroundColor]; }""")
    assert edge[0] == "solid" and edge[1] >= 1 and edge[2] != edge[3]
    shot(page, "forced-colours-not-found")
    page.goto(f"{served.url}/track/RPT-HIGH-AAA2")
    done, todo = page.evaluate("""() => ['.public-steps__step--done', '.public-steps__step:not(.public-steps__step--done)']
        .map(q => getComputedStyle(document.querySelector(q)).borderLeftColor)""")
    assert done != todo
    shot(page, "forced-colours-report")
    context.close()
