"""Scanned documents end to end without a window: a kiosk's document desk, the outbox, a
real central service on loopback, and central's `documents` command for the claims teams."""

from __future__ import annotations

import io
import json

import pikepdf
import pytest

from kiosk.core.documents.session import DocumentDesk, ScanSession, process_capture
from kiosk.core.printing import Printer
from scanner.samples import document_photo
from sync.client import CentralClient
from sync.device import open_outbox
from sync.worker import SyncWorker

from .conftest import Central, enrol

SITE = "Northfield Community Hub"


@pytest.fixture(scope="module")
def central(tmp_path_factory):
    server = Central(tmp_path_factory.mktemp("central-documents"))
    server.start()
    yield server
    server.stop()


def scan(desk, purpose, kind, reference=None, person=None, seeds=(3, 8)):
    session = ScanSession()
    session.choose(purpose, kind)
    if reference:
        session.use_reference(reference)
    else:
        session.use_person(*person)
    for seed in seeds:
        session.add(process_capture(document_photo(seed, kind="page", hand=False, out_of_frame=False).image,
                                    mode=session.mode))
    return desk.submit(session, "en")


def test_scans_reach_central_filed_by_reference_and_leave_the_kiosk(central, tmp_path):
    done = enrol(central, tmp_path / "kiosk", site=SITE)
    assert done.returncode == 0, done.stderr
    identity, outbox = open_outbox(tmp_path / "kiosk")
    desk = DocumentDesk(outbox, Printer(), site=SITE, device="hub-kiosk", online=lambda: True)
    first = scan(desk, "council-tax", "income", reference="5001 2345")
    second = scan(desk, "housing-register", "identity", person=("Ana Popescu", "e1 6an"), seeds=(11,))
    worker = SyncWorker(outbox, CentralClient(identity.central_url, identity.device_token), identity.signing_key)
    assert worker.drain_once().sent == 2
    assert outbox.waiting() == 0
    # delivered: nothing of the documents is left on the kiosk
    assert not any(p.is_file() for p in (tmp_path / "kiosk" / "attachments").rglob("*"))

    listed = central.cli("documents", "--reference", "50012345", "--export", str(tmp_path / "out"))
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(r["receipt"], r["purpose"], r["kind"], r["pages"], r["site"], r["pdf"]) for r in rows] == [
        (first.receipt, "council-tax", "income", 2, SITE, True)]
    pdf = pikepdf.Pdf.open(io.BytesIO((tmp_path / "out" / f"{first.receipt}.pdf").read_bytes()))
    assert len(pdf.pages) == 2
    everything = [json.loads(line) for line in central.cli("documents").stdout.splitlines()]
    without_reference = next(r for r in everything if r["receipt"] == second.receipt)
    assert (without_reference["name"], without_reference["postcode"], without_reference["reference"]) == (
        "Ana Popescu", "E1 6AN", "")
    log = (central.data.parent / f"central-{central.port}.log").read_text()
    assert "50012345" not in log and "Popescu" not in log      # nothing personal in central's log
