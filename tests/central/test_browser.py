"""Every central form in a real Chromium: a resident finishes their account, asks for a new
link and changes their password, and the pages pass axe-core."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

from central import db as tables
from tests.sync.test_accounts_central import signup

from .browser import chromium, serious_violations
from .conftest import enrol, sealed, submit

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


def test_the_tracking_page_passes_axe_in_chromium(served, browser):
    page = browser.new_page()
    page.goto(f"{served.url}/track/RPT-ABCD-EFGH")
    assert page.locator("h1").inner_text() == "We don't know this reference yet"
    assert serious_violations(page) == []
