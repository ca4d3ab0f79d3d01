"""Central's pages for residents in their own language: the one used at the kiosk, else the
browser's, with a switcher; the council's header and footer; a box to re-type a reference."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from central import pages
from central.category_texts import texts
from tests.sync.test_reports_central import payload

from .conftest import enrol, sealed, submit

OTHERS = ("pl", "ro", "lt", "bg")


class _Text(HTMLParser):
    """The sentences a reader sees inside <main> (not the header's switcher or the footer)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth, self.parts = 0, []

    def handle_starttag(self, tag, attrs):
        if tag == "main" or self.depth:
            self.depth += 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and data.strip():
            self.parts.append(" ".join(data.split()))


def sentences(html: str) -> set[str]:
    reader = _Text()
    reader.feed(html)
    return {part for part in reader.parts if len(part) > 12 and " " in part}


def report(client, app, reference: str, language: str, **changes) -> None:
    """A report as made at a kiosk in `language`, with the default categories published."""
    from central import db as tables
    from central.categories import publish_categories

    with tables.begin(app.state.engine) as conn:
        publish_categories(conn, app.state.keys, base_url="http://127.0.0.1")
    device = enrol(client, app)
    record, _ = sealed(device, "street-report", payload(reference, language=language, **changes))
    assert submit(client, device, record).json()["results"][0]["status"] == "accepted"


def test_the_tracking_page_speaks_the_language_used_at_the_kiosk(client, app):
    report(client, app, "RPT-POLA-AAA2", "pl")
    page = client.get("/track/RPT-POLA-AAA2", headers={"Accept-Language": "ro,en;q=0.5"})
    assert page.status_code == 200 and page.headers["content-language"] == "pl"
    assert '<html lang="pl"' in page.text
    html = page.text
    assert texts("Fly tipping")["pl"] in html and "Fly tipping" not in html   # the kiosk's words
    assert pages.gettext("pl", "Progress") in html and ">Progress<" not in html
    assert "Mill Lane" not in html or "14 Mill" not in html   # never the house
    # the switcher: the same page in each other language, named in its own language
    for code, name in pages.LANGUAGES.items():
        if code != "pl":
            assert f'href="/track/RPT-POLA-AAA2?lang={code}" lang="{code}" hreflang="{code}">{name}</a>' in html
    assert 'aria-current="true">Polski</span>' in html

    chosen = client.get("/track/RPT-POLA-AAA2?lang=bg")   # the switcher's choice comes first
    assert chosen.headers["content-language"] == "bg" and texts("Fly tipping")["bg"] in chosen.text
    assert f'href="{"/privacy?lang=bg"}"' in chosen.text   # and stays on the next page
    english = client.get("/track/RPT-POLA-AAA2.json").json()
    assert english["category_name"] == "Fly tipping" and english["steps"][0]["text"] == "Received by the council"


def test_without_a_kiosk_language_the_browser_chooses_then_english(client):
    assert client.get("/track", headers={"Accept-Language": "de-DE,lt;q=0.8,pl;q=0.7"}).headers[
        "content-language"] == "lt"
    assert client.get("/track", headers={"Accept-Language": "pl;q=0,ro;q=0.2"}).headers["content-language"] == "ro"
    assert client.get("/track", headers={"Accept-Language": "fr, de"}).headers["content-language"] == "en"
    assert client.get("/track", headers={"Accept-Language": "bg;q=nonsense, xx"}).headers["content-language"] == "en"
    assert client.get("/track?lang=zz").headers["content-language"] == "en"
    assert pages.accept_language("pl-PL,pl;q=0.9,en-GB;q=0.8,en;q=0.7") == ["pl", "pl", "en", "en"]


@pytest.mark.parametrize("language", OTHERS)
def test_every_resident_page_is_in_the_language_with_no_english_left(client, app, language):
    reference = "RPT-LANG-AAA2"
    report(client, app, reference, language)
    for path in (f"/track/{reference}", "/track", "/track?reference=nonsense", "/track/RPT-NONE-AAA2",
                 "/privacy", "/accessibility", "/account/reset", "/account/activate/no-such-link"):
        english = client.get(path, params={"lang": "en"})
        theirs = client.get(path, params={"lang": language})
        assert theirs.headers["content-language"] == language, path
        assert f'<html lang="{language}"' in theirs.text
        left = sentences(english.text) & sentences(theirs.text)
        assert left == set(), f"{path} in {language} still says {left}"
        title = re.search(r"<title>(.*?)</title>", theirs.text).group(1)
        assert title != re.search(r"<title>(.*?)</title>", english.text).group(1), path


def test_a_reference_not_found_can_be_typed_again(client, app):
    report(client, app, "RPT-FIND-AAA2", "en")
    missing = client.get("/track/RPT-FIND-AAA3")
    assert missing.status_code == 404 and "We have no report with the reference RPT-FIND-AAA3 yet" in missing.text
    assert 'value="RPT-FIND-AAA3"' in missing.text and 'class="govuk-error-summary"' in missing.text
    assert "<title>Error: " in missing.text

    typed = client.get("/track", params={"reference": "  rpt-find-aaa2 ", "lang": "ro"}, follow_redirects=False)
    assert typed.status_code == 303 and typed.headers["location"] == "/track/RPT-FIND-AAA2?lang=ro"
    assert client.get(typed.headers["location"]).headers["content-language"] == "ro"

    hostile = client.get("/track", params={"reference": "<script>alert(1)</script>"})
    assert hostile.status_code == 400 and "<script>" not in hostile.text
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in hostile.text   # kept, as typed, escaped
    assert "Enter the reference as it is on your slip" in hostile.text
    blank = client.get("/track")
    assert blank.status_code == 200 and "govuk-error-summary" not in blank.text and 'id="reference"' in blank.text


def test_retyped_references_that_find_nothing_are_rate_limited(client):
    statuses = [client.get("/track", params={"reference": f"RPT-{n:04d}-ZZZZ"}).status_code for n in range(35)]
    assert statuses[:5] == [404] * 5 and statuses[-1] == 429   # each redirect's page counts


def test_the_pages_carry_the_councils_name_and_contact_details(client, monkeypatch):
    monkeypatch.setenv("HUBKIOSK_COUNCIL_NAME", "Riverside Borough Council")
    monkeypatch.setenv("HUBKIOSK_COUNCIL_PHONE", "01632 960 000")
    monkeypatch.setenv("HUBKIOSK_COUNCIL_WEBSITE", "https://www.riverside.example")
    html = client.get("/track?lang=pl").text
    assert '<a class="public-header__council" href="https://www.riverside.example">Riverside Borough Council</a>' in html
    assert 'href="tel:01632960000">01632 960 000</a>' in html
    assert 'href="/privacy?lang=pl"' in html and 'href="/accessibility?lang=pl"' in html
    assert "<title>" in html and "– Riverside Borough Council</title>" in html

    monkeypatch.setenv("HUBKIOSK_COUNCIL_WEBSITE", "javascript:alert(1)")   # never a script link
    monkeypatch.setenv("HUBKIOSK_PRIVACY_URL", "https://www.riverside.example/privacy")
    html = client.get("/track").text
    assert "javascript:" not in html and '<span class="public-header__council">' in html
    assert 'href="https://www.riverside.example/privacy"' in html


def test_the_privacy_notice_says_how_long_documents_are_kept(client, monkeypatch):
    monkeypatch.setenv("HUBKIOSK_DOCUMENT_RETENTION_DAYS", "45")
    page = client.get("/privacy")
    assert page.status_code == 200 and "deleted 45 days after" in page.text
    assert page.headers["x-frame-options"] == "DENY" and "script-src" not in page.headers["content-security-policy"]


def test_the_report_page_says_by_when_it_will_be_passed_on_and_when_that_is_late(client, app):
    from datetime import datetime, timezone

    from central.service_levels import WorkingDays

    now = datetime.now(timezone.utc)
    report(client, app, "RPT-SOON-AAA2", "en", reported_at=now.isoformat())
    report(client, app, "RPT-LATE-AAA2", "en", reported_at="2026-11-02T10:31:00+00:00")
    due = WorkingDays().due(now, 2)
    soon = client.get("/track/RPT-SOON-AAA2").text
    assert f"We aim to pass your report to the team by {pages.long_date(due, 'en')}." in soon
    late = client.get("/track/RPT-LATE-AAA2").text
    assert "We aimed to pass your report to the team by 4 November 2026. It is taking longer" in late
    polish = client.get("/track/RPT-SOON-AAA2?lang=pl").text
    assert pages.long_date(due, "pl") in polish   # "... grudnia 2026", as Polish writes it


def test_account_pages_open_in_the_language_the_account_was_asked_for_in(client, app, monkeypatch):
    from sqlalchemy import select

    from central import db as tables
    from tests.sync.test_accounts_central import signup

    monkeypatch.setenv("HUBKIOSK_ACCOUNT_SIGN_IN_URL", "https://my.riverside.example/sign-in")
    device = enrol(client, app)
    record, _ = sealed(device, "account-signup", signup("ola@example.com", "ACC-7QWE-RT2P", language="pl"))
    assert submit(client, device, record).json()["results"][0]["status"] == "accepted"
    with app.state.engine.connect() as conn:
        body = conn.execute(select(tables.notifications.c.body)).scalar_one()
    link = re.search(r"http\S*/account/activate/\S+", body).group(0)
    assert "/account/reset?lang=pl" in body   # the email's own links keep its language
    form = client.get(urlsplit(link).path)
    assert form.headers["content-language"] == "pl" and pages.gettext("pl", "Save password") in form.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    path = re.search(r'<form method="post" action="([^"]+)"', form.text).group(1)
    short = client.post(path, data={"csrf": csrf, "password": "short", "again": "short"})
    assert short.status_code == 422 and short.headers["content-language"] == "pl"
    assert pages.gettext("pl", "Error:") in short.text and "govuk-error-summary" in short.text
    done = client.post(path, data={"csrf": csrf, "password": "violet kettle harbour",
                                   "again": "violet kettle harbour"})
    assert done.status_code == 200 and done.headers["content-language"] == "pl"
    assert 'href="https://my.riverside.example/sign-in"' in done.text   # the next step
    assert pages.gettext("pl", "Sign in to your account") in done.text
