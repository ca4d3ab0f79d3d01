"""Signing in to the console with the council's identity provider (OpenID Connect, by
Authlib) against a small provider on loopback: in Chromium end to end, and every way the
provider's answer can be wrong refused with a plain message and no session."""

from __future__ import annotations

import pytest
import requests
from fastapi.testclient import TestClient

from central.app import create_app
from central.console.web import COOKIE
from tests.oidc_provider import OidcProvider

from .browser import chromium, serious_violations
from .conftest import Served
from .console_helpers import member


@pytest.fixture
def provider(monkeypatch):
    with OidcProvider() as running:
        monkeypatch.setenv("HUBKIOSK_OIDC_ISSUER", running.issuer)
        monkeypatch.setenv("HUBKIOSK_OIDC_CLIENT_ID", running.client_id)
        monkeypatch.setenv("HUBKIOSK_OIDC_CLIENT_SECRET", running.client_secret)
        yield running


@pytest.fixture
def oidc_app(provider, tmp_path):
    return create_app(tmp_path / "central")


def through_provider(client: TestClient, next_path: str = "/console/items"):
    """Start at the console, follow the provider's redirect as a browser would, and come back."""
    start = client.get(f"/console/oidc/start?next={next_path}", follow_redirects=False)
    assert start.status_code == 303
    back = requests.get(start.headers["location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302
    return client.get(back.headers["location"].replace("http://testserver", ""), follow_redirects=False)


def test_a_member_of_staff_signs_in_with_the_council_account_in_chromium(oidc_app, provider):
    member(oidc_app, "someone@council.example", "manager", name="Sam Council")
    with Served(oidc_app) as served, chromium() as browser:
        page = browser.new_page()
        page.goto(f"{served.url}/console/feedback")
        assert serious_violations(page) == []
        page.click("text=Sign in with your council account")
        page.wait_for_url(f"{served.url}/console/feedback")
        assert page.locator("h1").inner_text() == "Residents' feedback"
        assert serious_violations(page) == []


@pytest.mark.parametrize("fault, words", [
    ("wrong-nonce", "could not be checked"), ("wrong-audience", "could not be checked"),
    ("expired", "could not be checked"), ("other-key", "could not be checked"),
    ("no-mfa", "did not use a second factor"), ("unverified", "no verified email address"),
    ("stranger", "no staff console access"),
])
def test_every_wrong_answer_is_refused_without_a_session(oidc_app, provider, fault, words):
    member(oidc_app, "someone@council.example", "manager")
    if fault == "no-mfa":
        provider.user = {**provider.user, "amr": ["pwd"]}
    elif fault == "unverified":
        provider.user = {**provider.user, "email_verified": False}
    elif fault == "stranger":
        provider.user = {**provider.user, "email": "not.staff@council.example"}
    else:
        provider.misbehave = fault
    with TestClient(oidc_app, base_url="http://testserver") as client:
        answer = through_provider(client)
        assert answer.status_code in (400, 403) and words in answer.text, answer.text[-800:]
        assert COOKIE not in answer.cookies
        assert client.get("/console/", follow_redirects=False).status_code == 303


def test_the_state_is_one_time_and_tied_to_the_browser(oidc_app, provider):
    member(oidc_app, "someone@council.example", "manager")
    with TestClient(oidc_app, base_url="http://testserver") as client:
        start = client.get("/console/oidc/start", follow_redirects=False)
        back = requests.get(start.headers["location"], allow_redirects=False, timeout=10).headers["location"]
        path = back.replace("http://testserver", "")
        other = TestClient(oidc_app, base_url="http://testserver")  # another browser, without the cookie
        assert "started in another browser" in other.get(path).text
        good = client.get(path, follow_redirects=False)
        assert good.status_code == 200 and COOKIE in good.cookies and "You are signed in" in good.text
        assert client.get("/console/").status_code == 200
        again = TestClient(oidc_app, base_url="http://testserver")
        again.cookies.set("hubkiosk_oidc", path.split("state=")[1], path="/console/oidc")
        assert "expired or was used already" in again.get(path).text  # a replayed callback


def test_without_settings_there_is_no_council_sign_in(tmp_path, monkeypatch):
    monkeypatch.delenv("HUBKIOSK_OIDC_ISSUER", raising=False)
    app = create_app(tmp_path / "central")
    with TestClient(app) as client:
        assert "council account" not in client.get("/console/sign-in").text
        assert client.get("/console/oidc/start", follow_redirects=False).status_code == 404
