"""Returning-visitor look-ups stay within a site and cannot be used to trawl for emails."""

from __future__ import annotations

from central import db as tables
from central import visitors
from sync.outbox import new_id
from sync.protocol import API

from .conftest import enrol, sealed, submit
from .test_records import HOSTS, checkin


def test_a_returning_visitor_is_known_only_at_the_site_they_visited(app, client):
    with tables.begin(app.state.engine) as conn:
        visitors.import_hosts(conn, app.state.keys, HOSTS)
    civic = enrol(client, app, "Civic Centre", "civic-1")
    library = enrol(client, app, "Central Library", "library-1")
    visit_id = new_id()
    record, _ = sealed(civic, "visitor-checkin", checkin(visit_id, vehicle="AB12 CDE"), record_id=visit_id)
    assert submit(client, civic, record).json()["results"][0]["status"] == "accepted"

    same_site = client.post(f"{API}/visitors/lookup", json={"email": "Alex@Acme.example"}, headers=civic.auth)
    assert same_site.status_code == 200
    assert same_site.json() == {"name": "Alex Morgan", "company": "Acme Surveys", "vehicle": "AB12 CDE"}
    other_site = client.post(f"{API}/visitors/lookup", json={"email": "alex@acme.example"}, headers=library.auth)
    assert other_site.status_code == 404 and "Alex" not in other_site.text


def test_lookups_are_rate_limited_per_kiosk(app, client):
    """A kiosk looks up one visitor at a time: 30 a minute is plenty, 1,000 guesses are not."""
    device = enrol(client, app)
    other = enrol(client, app, name="kiosk-2")
    statuses = [client.post(f"{API}/visitors/lookup", json={"email": f"guess{n}@example.com"},
                            headers=device.auth).status_code for n in range(40)]
    assert statuses[:30] == [404] * 30 and set(statuses[30:]) == {429}
    limited = client.post(f"{API}/visitors/lookup", json={"email": "x@example.com"}, headers=device.auth)
    assert int(limited.headers["Retry-After"]) >= 1
    # another kiosk is not held up by the first one's limit
    assert client.post(f"{API}/visitors/lookup", json={"email": "x@example.com"},
                       headers=other.auth).status_code == 404
