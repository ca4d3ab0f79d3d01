"""Attachment uploads over tus 1.0: nothing stored before every check, nothing crossing
devices, nothing growing past its length, and standard clients (tuspy) working."""

from __future__ import annotations

import base64
import http.server
import io
import threading
from datetime import datetime, timedelta, timezone

import anyio
import pytest
from sqlalchemy import func, select, update
from tusclient import client as tus

from central import db as tables
from central.uploads import purge_expired
from sync.client import CentralClient, TransportError
from sync.protocol import API
from sync.uploads import AttachmentUploader
from tests.sync.conftest import free_port

from .conftest import DIAGNOSTIC, data_files, enrol, sealed, submit
from tests.helpers import street_report

TUS = {"Tus-Resumable": "1.0.0"}
OCTETS = {"Content-Type": "application/offset+octet-stream"}
UPLOADS = f"{API}/uploads/"


def metadata(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


@pytest.fixture
def kiosk(app, client):
    return enrol(client, app, "Civic Centre", "civic-1")


@pytest.fixture
def waiting(client, kiosk):
    """A record at central, waiting for its 200 KB PDF."""
    record, files = sealed(kiosk, "diagnostic", DIAGNOSTIC,
                           attachments={"documents.pdf": b"%PDF-1.4 " + bytes(range(256)) * 800})
    assert submit(client, kiosk, record).json()["results"][0]["status"] == "incomplete"
    return record, files["documents.pdf"]


def create(client, device, record, data, **headers):
    return client.post(UPLOADS, headers={**device.auth, **TUS, "Upload-Length": str(len(data)),
                                         "Upload-Metadata": metadata(record_id=record["id"], name="documents.pdf"),
                                         **headers})


def uploads_folder(app):
    return app.state.files.uploads


def test_a_refused_patch_stores_no_byte(app, client, kiosk, waiting):
    record, data = waiting
    location = create(client, kiosk, record, data).headers["Location"]
    revoked = enrol(client, app, "Civic Centre", "civic-2")
    with tables.begin(app.state.engine) as conn:
        conn.execute(update(tables.devices).where(tables.devices.c.id == revoked.id).values(revoked=True))
    refused = {
        "no token": client.patch(location, content=data, headers={**TUS, **OCTETS, "Upload-Offset": "0"}),
        "revoked token": client.patch(location, content=data, headers={
            **revoked.auth, **TUS, **OCTETS, "Upload-Offset": "0"}),
        "wrong content type": client.patch(location, content=data, headers={
            **kiosk.auth, **TUS, "Content-Type": "application/json", "Upload-Offset": "0"}),
        "old protocol": client.patch(location, content=data, headers={
            **kiosk.auth, "Tus-Resumable": "0.2.2", **OCTETS, "Upload-Offset": "0"}),
        "wrong offset": client.patch(location, content=data, headers={
            **kiosk.auth, **TUS, **OCTETS, "Upload-Offset": "7"}),
    }
    assert {why: r.status_code for why, r in refused.items()} == {
        "no token": 401, "revoked token": 403, "wrong content type": 415, "old protocol": 412, "wrong offset": 409}
    assert all(r.headers["Tus-Resumable"] == "1.0.0" for r in refused.values())
    assert data_files(uploads_folder(app)) == 0
    head = client.head(location, headers={**kiosk.auth, **TUS})
    assert head.headers["Upload-Offset"] == "0"


def test_another_kiosks_upload_does_not_exist_for_it(app, client, kiosk, waiting):
    record, data = waiting
    location = create(client, kiosk, record, data).headers["Location"]
    assert client.patch(location, content=data[:1000], headers={
        **kiosk.auth, **TUS, **OCTETS, "Upload-Offset": "0"}).status_code == 204
    stranger = enrol(client, app, "Central Library", "library-1")
    neighbour = enrol(client, app, "Civic Centre", "civic-3")  # same site, other device: still not its upload
    for device in (stranger, neighbour):
        assert client.head(location, headers={**device.auth, **TUS}).status_code == 404
        assert client.delete(location, headers={**device.auth, **TUS}).status_code == 404
        assert client.patch(location, content=b"x", headers={
            **device.auth, **TUS, **OCTETS, "Upload-Offset": "1000"}).status_code == 404
        assert create(client, device, record, data).status_code == 404  # nor can it start one for that record
    assert client.head(location, headers={**kiosk.auth, **TUS}).headers["Upload-Offset"] == "1000"


def test_creation_with_upload_never_grows_past_upload_length(app, client, kiosk):
    """Ten creations, each claiming 53 bytes but sending 8 MiB, store nothing at all."""
    record, files = sealed(kiosk, "diagnostic", DIAGNOSTIC, attachments={"note.txt": b"x" * 5})
    submit(client, kiosk, record)
    small = files["note.txt"]
    for _ in range(10):
        answer = client.post(UPLOADS, content=b"y" * 8 * 2**20, headers={
            **kiosk.auth, **TUS, **OCTETS, "Upload-Length": str(len(small)),
            "Upload-Metadata": metadata(record_id=record["id"], name="note.txt")})
        assert answer.status_code == 413
    assert data_files(uploads_folder(app)) == 0

    def chunks():  # no Content-Length: the body is cut off at the upload's length
        for _ in range(20):
            yield b"z" * 65536
    answer = client.post(UPLOADS, content=chunks(), headers={
        **kiosk.auth, **TUS, **OCTETS, "Upload-Length": str(len(small)),
        "Upload-Metadata": metadata(record_id=record["id"], name="note.txt")})
    assert answer.status_code == 413
    assert data_files(uploads_folder(app)) <= len(small)


def test_creation_with_upload_completes_the_record(app, client, kiosk, waiting):
    record, data = waiting
    answer = client.post(UPLOADS, content=data, headers={
        **kiosk.auth, **TUS, **OCTETS, "Upload-Length": str(len(data)),
        "Upload-Metadata": metadata(record_id=record["id"], name="documents.pdf")})
    assert answer.status_code == 201 and answer.headers["Upload-Offset"] == str(len(data))
    assert (app.state.files.root / record["id"] / "documents.pdf").read_bytes() == data
    result = submit(client, kiosk, record).json()["results"][0]
    assert result["status"] == "duplicate" and result["receipt"]


def test_one_patch_may_carry_a_large_file_whole(app, client, kiosk):
    """tuspy and tus-js-client send the whole file in one PATCH by default: 20 MiB goes."""
    record, files = sealed(kiosk, "diagnostic", DIAGNOSTIC,
                           attachments={"documents.pdf": bytes(range(256)) * (80 * 1024)})
    submit(client, kiosk, record)
    data = files["documents.pdf"]
    location = create(client, kiosk, record, data).headers["Location"]
    sent = client.patch(location, content=data, headers={**kiosk.auth, **TUS, **OCTETS, "Upload-Offset": "0"})
    assert sent.status_code == 204 and sent.headers["Upload-Offset"] == str(len(data))
    assert submit(client, kiosk, record).json()["results"][0]["status"] == "duplicate"


def test_head_needs_no_filetype_and_keeps_the_clients_metadata(client, kiosk, waiting):
    record, data = waiting
    sent_metadata = metadata(record_id=record["id"], name="documents.pdf", note="résumé") + ",flag"
    location = client.post(UPLOADS, headers={**kiosk.auth, **TUS, "Upload-Length": str(len(data)),
                                             "Upload-Metadata": sent_metadata}).headers["Location"]
    head = client.head(location, headers={**kiosk.auth, **TUS})
    assert head.status_code == 200 and head.headers["Upload-Metadata"] == sent_metadata
    assert (head.headers["Upload-Offset"], head.headers["Upload-Length"]) == ("0", str(len(data)))
    assert head.headers["Cache-Control"] == "no-store"


def test_options_advertises_only_what_works(client, kiosk, waiting):
    options = client.options(UPLOADS)
    extensions = set(options.headers["Tus-Extension"].split(","))
    assert extensions == {"creation", "creation-with-upload", "termination", "expiration"}
    assert int(options.headers["Tus-Max-Size"]) == 64 * 2**20
    record, _ = waiting
    deferred = client.post(UPLOADS, headers={**kiosk.auth, **TUS, "Upload-Defer-Length": "1",
                                             "Upload-Metadata": metadata(record_id=record["id"], name="documents.pdf")})
    assert deferred.status_code == 400 and deferred.headers["Tus-Resumable"] == "1.0.0"


def test_a_new_upload_of_an_attachment_replaces_the_old_one(app, client, kiosk, waiting):
    record, data = waiting
    first = create(client, kiosk, record, data).headers["Location"]
    client.patch(first, content=data[:5000], headers={**kiosk.auth, **TUS, **OCTETS, "Upload-Offset": "0"})
    second = create(client, kiosk, record, data).headers["Location"]
    assert client.head(first, headers={**kiosk.auth, **TUS}).status_code == 404
    assert data_files(uploads_folder(app)) == 0
    assert client.head(second, headers={**kiosk.auth, **TUS}).status_code == 200


def test_abandoned_uploads_are_purged(app, client, kiosk, waiting):
    record, data = waiting
    location = create(client, kiosk, record, data).headers["Location"]
    client.patch(location, content=data[:5000], headers={**kiosk.auth, **TUS, **OCTETS, "Upload-Offset": "0"})
    (uploads_folder(app) / ("f" * 32)).write_bytes(b"left by a crash")  # a file no upload names
    assert anyio.run(purge_expired, app.state.engine, app.state.files.tus) == 1  # the stray only
    assert anyio.run(purge_expired, app.state.engine, app.state.files.tus,
                     datetime.now(timezone.utc) + timedelta(days=4)) == 1
    assert data_files(uploads_folder(app)) == 0
    with app.state.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(tables.uploads)).scalar_one() == 0
    assert client.head(location, headers={**kiosk.auth, **TUS}).status_code == 404


@pytest.mark.parametrize("chunk_size", [None, 64 * 1024])
def test_tuspy_uploads_an_attachment(app, client, served, kiosk, waiting, chunk_size):
    """The official Python client, whole file in one PATCH (its default) or in chunks."""
    record, data = waiting
    uploader = tus.TusClient(f"{served.url}{UPLOADS}", headers=kiosk.auth).uploader(
        file_stream=io.BytesIO(data), metadata={"record_id": record["id"], "name": "documents.pdf"},
        **({"chunk_size": chunk_size} if chunk_size else {}))
    uploader.upload()
    assert (app.state.files.root / record["id"] / "documents.pdf").read_bytes() == data
    assert submit(client, kiosk, record).json()["results"][0]["status"] == "duplicate"


class StuckTus(http.server.BaseHTTPRequestHandler):
    """A hostile or broken tus server: it takes every chunk and never moves the offset on."""

    patches = 0

    def do_POST(self):  # noqa: N802 - http.server's names
        self.send_response(201)
        self.send_header("Location", "/api/v1/uploads/" + "a" * 32)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_PATCH(self):  # noqa: N802
        StuckTus.patches += 1
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(204)
        self.send_header("Upload-Offset", "0")
        self.end_headers()

    def log_message(self, *_args):
        pass


def test_the_kiosk_stops_when_an_upload_does_not_advance(tmp_path):
    from sync.crypto import CouncilKeys
    from sync.outbox import Outbox
    from sync.store import open_db

    keys = CouncilKeys.generate()
    outbox = Outbox(open_db(tmp_path / "kiosk.db"), tmp_path / "attachments", keys.public_b64)
    record_id = outbox.enqueue(street_report(), attachments={"documents.pdf": b"p" * 300_000})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), StuckTus)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        uploader = AttachmentUploader(CentralClient(f"http://127.0.0.1:{server.server_port}", "t"), outbox,
                                      chunk_size=100_000)
        with pytest.raises(TransportError, match="did not advance"):
            uploader.upload(record_id, "documents.pdf")
    finally:
        server.shutdown()
    assert StuckTus.patches == 1
