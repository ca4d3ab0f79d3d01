"""Enrolment codes: each enrols one kiosk however requests race, and guessing is throttled."""

from __future__ import annotations

import threading

import requests
from sqlalchemy import func, select

from central import db as tables
from central.app import create_code
from sync.protocol import API


def enrol_request(url: str, code: str, name: str) -> requests.Response:
    return requests.post(f"{url}{API}/enrol", json={"code": code, "device_name": name, "app_version": "t"},
                         timeout=20)


def test_a_code_enrols_one_kiosk_even_when_requests_race(app, served):
    """10 codes, each sent by two kiosks at the same moment: 10 tokens, never 20. (Each loser
    is a miss, and ten misses a minute is what one address may make.)"""
    codes = [create_code(app.state.engine, "Central Library") for _ in range(10)]
    answers: dict[str, list[int]] = {code: [] for code in codes}
    start = threading.Barrier(len(codes) * 2)

    def race(code: str, name: str) -> None:
        start.wait()
        answers[code].append(enrol_request(served.url, code, name).status_code)

    threads = [threading.Thread(target=race, args=(code, f"k{n}-{side}"))
               for n, code in enumerate(codes) for side in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert all(sorted(statuses) == [200, 403] for statuses in answers.values()), answers
    with app.state.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(tables.devices)).scalar_one() == 10


def test_wrong_codes_are_throttled_with_retry_after(app, client):
    """Ten wrong codes a minute from one address; then even a right one waits, and is told
    how long (the kiosk's installer honours Retry-After)."""
    wrong = [client.post(f"{API}/enrol", json={"code": f"WRONG{n:05d}", "device_name": "k", "app_version": "t"})
             for n in range(10)]
    assert {r.status_code for r in wrong} == {403}
    right = create_code(app.state.engine, "Central Library")
    held = client.post(f"{API}/enrol", json={"code": right, "device_name": "k", "app_version": "t"})
    assert held.status_code == 429 and 1 <= int(held.headers["Retry-After"]) <= 60
    assert "too many" in held.json()["detail"]
    app.state.throttle.reset()
    assert client.post(f"{API}/enrol", json={"code": right, "device_name": "k", "app_version": "t"}).status_code == 200


def test_successful_enrolments_are_not_throttled(app, client):
    """A council enrolling a room full of kiosks is never slowed: only misses count."""
    for n in range(15):
        code = create_code(app.state.engine, "Central Library")
        assert client.post(f"{API}/enrol", json={"code": code, "device_name": f"k{n}", "app_version": "t"}
                           ).status_code == 200
