"""The back-office JSON API: a key sees its own services only, reads are audited, a PDF
comes back opened, closing stops the clock once, and wrong keys are refused and limited."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from central import back_office
from central import db as tables

from .conftest import enrol, sealed, submit
from .test_console import document, file_records, follow_up, items

PREFIX = back_office.PREFIX


def key_for(app, *services: str) -> dict:
    with tables.begin(app.state.engine) as conn:
        return {"X-API-Key": back_office.create_key(conn, "Revenues system", list(services))}


def test_a_key_reads_and_closes_its_own_services_items_only(app, client):
    file_records(client, app, "Civic Centre", document(1), document(2, "council-tax"), follow_up(3))
    benefits = key_for(app, "benefits")
    page = client.get(f"{PREFIX}/items", headers=benefits).json()
    assert [i["reference"] for i in page["items"]] == [items(app)[0]["reference"]] and page["total"] == 1
    mine, other, call = items(app)
    detail = client.get(f"{PREFIX}/items/{mine['id']}", headers=benefits).json()
    assert detail["record"]["name"] == "Jo Bloggs" and detail["clock"] == "on-time"
    assert client.get(f"{PREFIX}/items/{other['id']}", headers=benefits).status_code == 404
    assert client.get(f"{PREFIX}/items/{call['id']}", headers=benefits).status_code == 404
    assert client.post(f"{PREFIX}/items/{other['id']}/close", json={"outcome": "x"}, headers=benefits).status_code == 404
    closed = client.post(f"{PREFIX}/items/{mine['id']}/close", json={"outcome": "Indexed into the back-office system"},
                         headers=benefits)
    assert closed.status_code == 200 and closed.json()["clock"] == "closed"
    assert client.post(f"{PREFIX}/items/{mine['id']}/close", json={"outcome": "again"}, headers=benefits).status_code == 409
    assert client.post(f"{PREFIX}/items/{other['id']}/close", json={"outcome": ""},
                       headers=key_for(app, "*")).status_code == 422
    with app.state.engine.connect() as conn:
        logged = set(conn.execute(select(tables.audit.c.actor, tables.audit.c.action)).all())
    key_id = benefits["X-API-Key"].split("_")[1]
    assert (f"api:{key_id}", "document.open") in logged


def test_the_pdf_comes_back_opened(app, client):
    device = enrol(client, app, site="Civic Centre")
    model = document(4)
    record, files = sealed(device, model.KIND, model.model_dump(mode="json"), attachments={"documents.pdf": b"%PDF-1.4 x"})
    submit(client, device, record)
    folder = app.state.files.root / record["id"]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "documents.pdf").write_bytes(files["documents.pdf"])
    item = items(app)[0]
    answer = client.get(f"{PREFIX}/items/{item['id']}/document.pdf", headers=key_for(app, "benefits"))
    assert answer.status_code == 200 and answer.content == b"%PDF-1.4 x"


def test_wrong_and_revoked_keys_are_refused_and_guessing_is_limited(app):
    app.state.throttle.reset()
    with TestClient(app) as c:
        good = key_for(app, "*")
        assert c.get(f"{PREFIX}/items", headers=good).status_code == 200
        key_id = good["X-API-Key"].split("_")[1]
        with tables.begin(app.state.engine) as conn:
            assert back_office.revoke_key(conn, key_id)
        assert c.get(f"{PREFIX}/items", headers=good).status_code == 401
        assert c.get(f"{PREFIX}/items").status_code == 401
        answers = [c.get(f"{PREFIX}/items", headers={"X-API-Key": f"hk_{key_id}_guess{n}"}).status_code
                   for n in range(21)]
        assert answers[:18].count(401) == 18 and answers[-1] == 429
    schema = app.openapi()
    assert f"{PREFIX}/items" in schema["paths"] and "APIKeyHeader" in schema["components"]["securitySchemes"]
