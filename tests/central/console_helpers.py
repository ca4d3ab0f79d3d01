"""Staff accounts, sign-in and kiosk records for the console's tests."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from unittest import mock

import pyotp

from central import db as tables
from central import staff

PASSWORD = "lantern cupboard marmalade"


@dataclass
class Member:
    email: str
    totp: pyotp.TOTP
    id: str
    step: int = 0

    def next_step(self) -> int:
        """A time step not used before (each code is good once): the next one's if need be."""
        return max(self.step + 1, int(datetime.now(timezone.utc).timestamp()) // 30)

    def code(self) -> str:
        return self.totp.at(self.next_step() * 30)


def member(app, email: str, *roles: str, name: str = "") -> Member:
    """An active console account with `roles` ("officer@Site/service" as `staff add` takes them)."""
    engine, keys = app.state.engine, app.state.keys
    with tables.begin(engine) as conn:
        token = staff.add(conn, keys, email, name or email.split("@")[0].title(), [staff.Role.parse(r) for r in roles])
        account = staff.setup_account(conn, token)
        totp = staff.totp_for(keys, account)
        staff.complete_setup(conn, keys, token, PASSWORD, PASSWORD, totp.now())
        step = conn.execute(tables.staff.select().where(tables.staff.c.email == email)).mappings().one()
    return Member(email, totp, step["id"], step["totp_last_step"])


def sign_in(client, who: Member, password: str = PASSWORD, code: str | None = None):
    """Sign in through the form, as a browser does; returns the answer to the POST.

    A person signs in again once their app shows a new code (30 s on): rather than wait, the
    service's clock is moved on to that code's time step for the sign-in."""
    page = client.get("/console/sign-in")
    token = re.search(r'name="form_token" value="([^"]+)"', page.text).group(1)
    step = who.next_step()
    ahead = timedelta(seconds=30 * (step - int(datetime.now(timezone.utc).timestamp()) // 30))
    with mock.patch.object(staff, "_now", lambda: datetime.now(timezone.utc) + ahead):
        answer = client.post("/console/sign-in", data={
            "form_token": token, "email": who.email, "password": password,
            "code": code or who.totp.at(step * 30), "next": "/console/"}, follow_redirects=False)
    if answer.status_code == 303 and code is None:
        who.step = step
    return answer


def csrf(client, path: str = "/console/") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path).text).group(1)


def scanned_pdf(pages: int = 2) -> bytes:
    """A PDF as the kiosk makes it: img2pdf around real JPEG pages."""
    import img2pdf
    from PIL import Image, ImageDraw

    images = []
    for n in range(pages):
        image = Image.new("RGB", (620, 877), "white")
        ImageDraw.Draw(image).text((40, 40), f"Payslip page {n + 1}", fill="black")
        out = io.BytesIO()
        image.save(out, "JPEG", quality=80)
        images.append(out.getvalue())
    return img2pdf.convert(images)


def enrolled_kiosk(app, url: str, folder: Path, site: str):
    """A kiosk data folder enrolled with the central at `url` (as `provisioning enrol` does)."""
    from central.app import create_code
    from provisioning.__main__ import main as provisioning

    code = create_code(app.state.engine, site)
    assert provisioning(["enrol", "--server", url, "--code", code, "--data", str(folder), "--name", "kiosk-1"]) == 0
    from sync.device import open_outbox

    return open_outbox(folder)


def deliver(identity, outbox) -> None:
    """Send everything queued, attachments too, as the kiosk's sync worker does."""
    from sync.client import CentralClient
    from sync.worker import SyncWorker

    worker = SyncWorker(outbox, CentralClient(identity.central_url, identity.device_token, timeout=10),
                        identity.signing_key)
    for _ in range(5):
        worker.drain_once()
        if outbox.waiting() == 0:
            break
    assert outbox.waiting() == 0 and outbox.counts()["dead"] == 0, outbox.counts()
