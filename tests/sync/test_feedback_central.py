"""Feedback end to end without a window: answers from a kiosk, through a real central on
loopback, summed up by `python -m central feedback`."""

from __future__ import annotations

import json
from datetime import date

from kiosk.core.feedback import Feedback, FeedbackBox
from sync.client import CentralClient
from sync.device import open_outbox
from sync.worker import SyncWorker

from .conftest import Central, enrol


def test_answers_are_summed_up_by_site_and_journey(tmp_path):
    central = Central(tmp_path / "central").start()
    try:
        done = enrol(central, tmp_path / "kiosk", site="Northfield Community Hub")
        assert done.returncode == 0, done.stderr
        identity, outbox = open_outbox(tmp_path / "kiosk")
        box = FeedbackBox(outbox, identity.site, today=lambda: date(2026, 11, 22))
        for answer in (Feedback("documents", found=True, stars=5), Feedback("documents", found=False, stars=2,
                                                                            comment="Took three tries"),
                       Feedback("information", stars=4), Feedback("documents", comment="Kind staff")):
            box.send(answer, "en")
        worker = SyncWorker(outbox, CentralClient(identity.central_url, identity.device_token),
                            identity.signing_key)
        assert worker.drain_once().sent == 4
        summary = [json.loads(line) for line in central.cli("feedback").stdout.splitlines()]
        assert summary == [
            {"site": "Northfield Community Hub", "journey": "documents", "answers": 3, "found_yes": 1,
             "found_no": 1, "found_share": 0.5, "stars_mean": 3.5, "stars_answers": 2, "comments": 2},
            {"site": "Northfield Community Hub", "journey": "information", "answers": 1, "found_yes": 0,
             "found_no": 0, "found_share": None, "stars_mean": 4.0, "stars_answers": 1, "comments": 0},
        ]
        listed = [json.loads(line) for line in central.cli("feedback", "--comments").stdout.splitlines()]
        assert sorted(c["comment"] for c in listed) == ["Kind staff", "Took three tries"]
        assert central.cli("feedback", "--since", "2026-12-01").stdout == ""
    finally:
        central.stop()
