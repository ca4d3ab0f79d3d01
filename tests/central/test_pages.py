"""Central's public pages and API at the HTTP level: forms from real browsers, throttled
guessing, honest titles, security headers everywhere, bounded numbers."""

from __future__ import annotations

import re
import secrets

import pytest
from sqlalchemy import select

from central import db as tables
from sync.protocol import API
from tests.sync.test_accounts_central import signup

from .conftest import enrol, sealed, submit

EMAIL = "jo.bloggs@example.com"


@pytest.fixture
def activation_link(app, client):
    """A pending account's emailed link (read from the queued email: no SMTP is set up)."""
    device = enrol(client, app)
    record, _ = sealed(device, "account-signup", signup(EMAIL, "ACC-4HJX-2M7Q"))
    assert submit(client, device, record).json()["results"][0]["status"] == "accepted"
    with app.state.engine.connect() as conn:
        body = conn.execute(select(tables.notifications.c.body)).scalar_one()
    return re.search(r"http\S*/account/activate/\S+", body).group(0).removeprefix("http://127.0.0.1:8765")


def form_token(page) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


@pytest.mark.parametrize("headers, accepted", [
    ({"Origin": "null", "Sec-Fetch-Site": "same-origin"}, True),   # a browser on our own page
    ({}, True),                                                  # a script or an old browser: CSRF pair only
    ({"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}, True),
    ({"Origin": "null"}, False),                                 # a sandboxed frame or a local file elsewhere
    ({"Origin": "null", "Sec-Fetch-Site": "cross-site"}, False),
    ({"Origin": "https://evil.example"}, False),
    ({"Sec-Fetch-Site": "same-site"}, False),
])
def test_forms_are_judged_by_origin_and_fetch_metadata(client, headers, accepted):
    page = client.get("/account/reset")
    assert page.headers["Referrer-Policy"] == "same-origin"
    answer = client.post("/account/reset", data={"csrf": form_token(page), "email": EMAIL}, headers=headers)
    assert (answer.status_code, "Check your email" in answer.text) == ((200, True) if accepted else (400, False))


def test_a_known_and_an_unknown_address_get_the_same_answer(app, client, activation_link):
    page = client.get("/account/reset")
    known = client.post("/account/reset", data={"csrf": form_token(page), "email": EMAIL})
    unknown = client.post("/account/reset", data={"csrf": form_token(page), "email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 200 and known.text == unknown.text
    with app.state.engine.connect() as conn:  # the known one was sent a link, after the answer went
        subjects = list(conn.execute(select(tables.notifications.c.to_address)).scalars())
    assert subjects == [EMAIL, EMAIL]


def test_a_form_sent_back_says_error_in_the_title_not_the_heading(client, activation_link):
    page = client.get(activation_link)
    sent = client.post(activation_link, data={"csrf": form_token(page), "password": "correct horse battery",
                                              "again": "correct horse battery staple"})
    assert sent.status_code == 422
    assert re.search(r"<title>Error: Choose your password – Council</title>", sent.text)
    assert re.search(r'<h1 class="govuk-heading-l">Choose your password</h1>', sent.text)


def test_links_that_open_nothing_are_throttled(client):
    for _ in range(10):
        assert client.get(f"/account/activate/{secrets.token_urlsafe(32)}").status_code == 404
    held = client.get(f"/account/activate/{secrets.token_urlsafe(32)}")
    assert held.status_code == 429 and int(held.headers["Retry-After"]) >= 1
    assert "Please wait a moment" in held.text and "try again in 1 minute" in held.text


def test_reset_requests_are_throttled(client):
    page = client.get("/account/reset")
    for n in range(10):
        client.post("/account/reset", data={"csrf": form_token(page), "email": f"p{n}@example.com"})
    assert client.post("/account/reset", data={"csrf": form_token(page), "email": EMAIL}).status_code == 429


def test_unknown_tracking_references_are_throttled(client):
    statuses = [client.get(f"/track/RPT-{n:04d}-ZZZZ").status_code for n in range(35)]
    assert statuses[:30] == [404] * 30 and set(statuses[30:]) == {429}
    assert client.get("/track/RPT-0001-ZZZZ.json").status_code == 429


@pytest.mark.parametrize("path", ["/docs", "/openapi.json", "/healthz", "/track/RPT-NONE-0000", "/account/reset"])
def test_every_response_has_security_headers(client, path):
    headers = client.get(path).headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY" and "Referrer-Policy" in headers


def test_heartbeat_numbers_are_bounded(app, client):
    device = enrol(client, app)
    for body in ({"queue_depth": 2**63, "app_version": "t", "disk_free_mb": 1},
                 {"queue_depth": 1, "app_version": "t", "disk_free_mb": 2**40},
                 {"queue_depth": 1, "app_version": "t", "disk_free_mb": 1, "oldest_unsent_seconds": 1e300}):
        assert client.post(f"{API}/heartbeat", json=body, headers=device.auth).status_code == 422
    ok = client.post(f"{API}/heartbeat", json={"queue_depth": 3, "app_version": "t", "disk_free_mb": 900},
                     headers=device.auth)
    assert ok.status_code == 200
