"""Screenshots of every staff console page and a resident's tracking page (on a phone, in
Polish), for docs/images/ (and the README).

    .venv/bin/python scripts/console_screenshots.py [OUTDIR]     (default docs/images)

A throwaway central on loopback gets the demo directory, a kiosk that sends a scanned
document, a street report, a follow-up request, feedback and a visitor; then Chromium signs
in as a demo member of staff with every role and saves each page as console-<page>.png.
"""

from __future__ import annotations

import io
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SITE = "Riverside Central Library"
PASSWORD = "lantern cupboard marmalade"
PAGES = [  # (file name, path, what to wait for)
    ("sign-in", "/console/sign-in", None),
    ("home", "/console/", None),
    ("queue", "/console/items", None),
    ("document", "/console/items/1", ".console-page img"),
    ("report", "/console/items/2", None),
    ("follow-up", "/console/items/3", None),
    ("visitors", f"/console/visitors?site={SITE}", None),
    ("roll-call", f"/console/visitors/roll-call?site={SITE}", None),
    ("feedback", "/console/feedback", ".console-chart img"),
    ("fleet", "/console/fleet", None),
    ("staff", "/console/staff", None),
    ("audit", "/console/audit", None),
    ("service-levels", "/console/service-levels", None),
]


def _pdf() -> bytes:
    import img2pdf
    from PIL import Image, ImageDraw

    pages = []
    for n, lines in enumerate((["Riverside Borough Council", "Payslip: November 2026", "Net pay  GBP 1,482.16"],
                               ["Page 2", "Year to date  GBP 11,857.28"])):
        image = Image.new("RGB", (620, 877), "white")
        draw = ImageDraw.Draw(image)
        for i, line in enumerate(lines):
            draw.text((50, 60 + 40 * i), line, fill="black")
        out = io.BytesIO()
        image.save(out, "JPEG", quality=85)
        pages.append(out.getvalue())
    return img2pdf.convert(pages)


def main(argv: list[str]) -> int:
    import uvicorn
    from playwright.sync_api import sync_playwright

    from central import db as tables
    from central import reports, staff, visitors
    from central.app import create_app, create_code
    from provisioning.__main__ import main as provisioning
    from sync import payloads
    from sync.client import CentralClient
    from sync.device import open_outbox
    from sync.worker import SyncWorker

    out = Path(argv[0]) if argv else ROOT / "docs" / "images"
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="hubkiosk-shots-"))
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    import os

    os.environ["HUBKIOSK_PUBLIC_URL"] = url
    os.environ.setdefault("HUBKIOSK_COUNCIL_NAME", "Riverside Borough Council")
    app = create_app(work / "central")
    engine, keys = app.state.engine, app.state.keys
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    made = visitors.seed_demo(engine, keys, SITE, 40)
    reports.seed_demo(engine, keys, url)
    code = create_code(engine, SITE)
    assert provisioning(["enrol", "--server", url, "--code", code, "--data", str(work / "kiosk"),
                         "--name", "library-entrance"]) == 0
    identity, outbox = open_outbox(work / "kiosk")
    now = datetime.now(timezone.utc)
    outbox.enqueue(payloads.DocumentScan(receipt="DOC-7K3M-Q9TR", purpose="housing-benefit", kind="income",
                                         reference="40012345", name="Aisha Rahman", postcode="RV1 2AB", pages=2,
                                         scanned_at=now), attachments={"documents.pdf": _pdf()})
    outbox.enqueue(payloads.StreetReport(
        reference="RPT-4HXW-N2PC", category="fly-tipping", service_code="FLYTIP", answers={"amount": "car"},
        location=payloads.Location(kind="postcode", postcode="RV1 2AB"), landmark="Behind the bus shelter",
        description="Two mattresses and a fridge left on the verge", language="pl", site=SITE, reported_at=now))
    outbox.enqueue(payloads.SignupFollowUp(reference="ACC-8JQD-M4VA", first_name="Tomasz", last_name="Nowak",
                                           mobile="+447700900321", stage="address", asked_at=now, language="pl"))
    for n, (journey, found, stars, comment) in enumerate([
            ("visitors", True, 5, "Quick and easy, thank you"), ("documents", True, 4, ""),
            ("documents", False, 2, "Took a few tries to get the page flat"), ("information", True, 5, ""),
            ("report", True, 4, ""), ("visitors", True, 4, ""), ("signup", False, 3, ""), ("information", None, 5, "")]):
        outbox.enqueue(payloads.Feedback(journey=journey, found=found, stars=stars, comment=comment, language="en",
                                         day=date.today()))
    host = made[0]
    with engine.connect() as conn:
        me = conn.execute(tables.hosts.select().where(tables.hosts.c.id == host["host_id"])).mappings().one()
    outbox.enqueue(payloads.VisitorCheckIn(
        type="invite", name=host["visitor"], company=host["company"], host_id=me["id"], host_name=me["name"],
        purpose="meeting", visit_id="018f0000-0000-7000-8000-000000000001", site=SITE, checked_in_at=now,
        invite_code=host["code"]))
    worker = SyncWorker(outbox, CentralClient(url, identity.device_token), identity.signing_key)
    for _ in range(5):
        worker.drain_once()
        if outbox.waiting() == 0:
            break
    with tables.begin(engine) as conn:
        token = staff.add(conn, keys, me["email"], me["name"], [staff.Role(r) for r in staff.ROLES])
        account = staff.setup_account(conn, token)
        totp = staff.totp_for(keys, account)
        staff.add(conn, keys, "priya.shah@riverside.gov.example", "Priya Shah", [staff.Role("officer", "*", "benefits")])

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("HUBKIOSK_CHROMIUM", "/usr/bin/chromium"),
                                    args=["--no-sandbox"], headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{url}/console/set-up/{token}")
        page.screenshot(path=str(out / "console-set-up.png"), full_page=True)
        page.fill("#password", PASSWORD)
        page.fill("#again", PASSWORD)
        page.fill("#code", totp.now())
        page.click("text=Set up my account")
        for name, path, wait in PAGES:
            if name == "sign-in":
                continue
            page.goto(url + path)
            if wait:
                page.locator(wait).first.wait_for()
                time.sleep(0.5)
            page.screenshot(path=str(out / f"console-{name}.png"), full_page=True)
        signed_out = browser.new_page(viewport={"width": 1280, "height": 900})
        signed_out.goto(f"{url}/console/sign-in")
        signed_out.screenshot(path=str(out / "console-sign-in.png"), full_page=True)
        phone = browser.new_page(viewport={"width": 390, "height": 844})   # a resident's phone
        phone.goto(f"{url}/track/RPT-4HXW-N2PC")   # reported at the kiosk in Polish
        phone.screenshot(path=str(out / "resident-track.png"), full_page=True)
        browser.close()
    server.should_exit = True
    from PIL import Image

    for shot in [*out.glob("console-*.png"), out / "resident-track.png"]:  # 256 colours: a page of text loses nothing, the file a lot
        Image.open(shot).convert("RGB").quantize(256).save(shot, optimize=True)
    print(f"{len(PAGES) + 1} console screenshots and a tracking page in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
