"""Attachment files kept in S3-compatible object storage (`serve --files s3://bucket/prefix`).

The object store here is moto's S3 server on loopback: an S3 API over real HTTP, spoken to
by boto3 exactly as AWS S3, MinIO or Ceph would be.
"""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import urljoin

import boto3
import pytest
import requests
from moto import server as moto_server

from sync.device import open_outbox
from sync.protocol import API, SubmissionBatch
from sync.worker import to_wire

from .conftest import Central, enrol, free_port
from .test_worker import worker_via
from tests.helpers import street_report

BUCKET = "council-attachments"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "hubkiosk-test", "AWS_SECRET_ACCESS_KEY": "hubkiosk-test-secret",
               "AWS_DEFAULT_REGION": "eu-west-2"}


@pytest.fixture(scope="module")
def object_store():
    port = free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    client = boto3.client("s3", endpoint_url=url, aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
                          aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                          region_name=CREDENTIALS["AWS_DEFAULT_REGION"])
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    yield url, client
    server.stop()


@pytest.fixture(scope="module")
def s3_central(object_store, tmp_path_factory):
    url, _client = object_store
    server = Central(tmp_path_factory.mktemp("central-s3"), "--files", f"s3://{BUCKET}/hub",
                     env={**CREDENTIALS, "AWS_ENDPOINT_URL": url}).start()
    yield server
    server.stop()


@pytest.fixture
def s3_kiosk(s3_central, tmp_path):
    assert enrol(s3_central, tmp_path / "kiosk").returncode == 0
    return open_outbox(tmp_path / "kiosk")


def stored(client, record_id: str, name: str) -> bytes:
    return client.get_object(Bucket=BUCKET, Key=f"hub/files/{record_id}/{name}")["Body"].read()


def keys(client) -> list[str]:
    return [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_attachments_reach_the_bucket_and_complete_their_records(s3_central, s3_kiosk, object_store):
    _url, client = object_store
    identity, outbox = s3_kiosk
    photo, letter = bytes(range(256)) * 4096, b"%PDF-1.7 council tax letter" * 20_000  # 1 MiB, ~540 KB
    first = outbox.enqueue(street_report(1), attachments={"photo.jpg": photo})
    second = outbox.enqueue(street_report(2), attachments={"page-1.jpg": photo, "letter.pdf": letter})
    sealed = {(r, n): outbox.attachment_path(r, n).read_bytes()
              for r, n in ((first, "photo.jpg"), (second, "page-1.jpg"), (second, "letter.pdf"))}
    result = worker_via(s3_central.url, identity, outbox).drain_once()
    assert result.sent == 2 and outbox.counts()["acked"] == 2
    for (record_id, name), data in sealed.items():
        assert stored(client, record_id, name) == data
    from central.keys import load_or_create

    assert load_or_create(s3_central.data).open(sealed[(first, "photo.jpg")]) == photo
    assert not (s3_central.data / "files").exists() or not any((s3_central.data / "files").iterdir())
    assert not [k for k in keys(client) if k.startswith("hub/uploads/")]  # nothing left half way


def test_a_file_sent_in_several_chunks_is_put_together_in_the_bucket(s3_central, s3_kiosk, object_store):
    _url, client = object_store
    identity, outbox = s3_kiosk
    scan = hashlib.sha256(b"seed").digest() * (7 * 2**20 // 32)  # 7 MiB: S3 parts of 5 MiB and the rest
    record_id = outbox.enqueue(street_report(3), attachments={"scan.pdf": scan})
    sealed = outbox.attachment_path(record_id, "scan.pdf").read_bytes()
    worker = worker_via(s3_central.url, identity, outbox, timeout=30)
    worker.uploader.chunk_size = 2 * 2**20
    assert worker.drain_once().sent == 1
    assert stored(client, record_id, "scan.pdf") == sealed


def test_bytes_that_do_not_match_the_record_never_reach_the_files(s3_central, s3_kiosk, object_store):
    _url, client = object_store
    identity, outbox = s3_kiosk
    record_id = outbox.enqueue(street_report(4), attachments={"photo.jpg": b"g" * 5000})
    sealed = outbox.attachment_path(record_id, "photo.jpg").read_bytes()
    size = len(sealed)
    worker = worker_via(s3_central.url, identity, outbox)
    answer = worker.client.submit(SubmissionBatch(records=[to_wire(i) for i in outbox.claim(10, 60)]))
    assert answer.results[0].status == "incomplete"
    headers = {"Authorization": f"Bearer {identity.device_token}", "Tus-Resumable": "1.0.0"}
    meta = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in
                    {"record_id": record_id, "name": "photo.jpg", "filetype": "application/octet-stream"}.items())
    created = requests.post(f"{s3_central.url}{API}/uploads/", timeout=10,
                            headers={**headers, "Upload-Length": str(size), "Upload-Metadata": meta})
    assert created.status_code == 201
    sent = requests.patch(urljoin(s3_central.url, created.headers["Location"]), data=b"x" * size, timeout=10, headers={
        **headers, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"})
    assert sent.status_code == 422 and "checksum" in sent.json()["detail"]
    assert f"hub/files/{record_id}/photo.jpg" not in keys(client)
    outbox.release([record_id])
    assert worker.drain_once().sent == 1  # the real bytes still go through afterwards
    assert stored(client, record_id, "photo.jpg") == sealed
