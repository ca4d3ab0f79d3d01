"""A sample kiosk for the screen tour and the UI tests: enrolled with a council that exists
only here, with signed reference data (a staff directory, today's invitations and
appointments, the demo gazetteer, the report categories, the charter's timescales and the letter guides) but no central to reach, so the kiosk runs offline as it would in a hub with
no connection. Nothing from it is ever sent anywhere.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

from central.categories import DEFAULT_CATEGORIES, document
from central.demo import appointments, gazetteer_rows, hosts
from central.gazetteer import read_rows
from central import letter_guides
from central.keys import CouncilKeys
from central.service_levels import DEFAULT_TIMESCALES, WorkingDays
from sync import charter
from sync.crypto import canonical_json
from sync.device import DeviceIdentity
from sync.payloads import email_check
from sync.protocol import SignedDocument, signed_body, site_document
from sync.reference import ReferenceStore
from sync.store import open_db
from sync.vault import Vault

UNREACHABLE = "http://127.0.0.1:9"  # the discard port: nothing answers

SAMPLE_INVITES = [
    {"code": "7KQ2M9", "visitor": "Jane Smith", "company": "Acme Facilities Ltd", "email": "jane.smith@acme.example"},
    {"code": "P4X8RT", "visitor": "Tomasz Nowak", "company": "Northgate Surveyors", "email": "t.nowak@northgate.example"},
]


def _signed(keys: CouncilKeys, name: str, data: dict) -> SignedDocument:
    issued = datetime.now(timezone.utc)
    return SignedDocument(name=name, version=1, issued_at=issued, data=data,
                          signature=keys.sign(canonical_json(signed_body(name, 1, issued, data))))


def prepare(data_dir: Path, site: str, day: date | None = None, n_hosts: int = 120) -> CouncilKeys:
    """Make `data_dir` a sample kiosk of `site` (offline); returns the made-up council's keys."""
    day = day or date.today()
    keys = CouncilKeys.generate()
    DeviceIdentity(device_id="00000000-0000-4000-8000-000000000000", device_token="sample", central_url=UNREACHABLE,
                   site=site, council_public_key=keys.public_b64, signing_key=keys.verify_b64).save(data_dir)
    db = open_db(Path(data_dir) / "kiosk.db")
    refs = ReferenceStore(db, keys.verify_b64, Vault.open(data_dir))
    staff = hosts(n_hosts)
    refs.accept(_signed(keys, "directory", {"hosts": [{k: h[k] for k in ("id", "name", "department")}
                                                      for h in staff]}))
    salt = "sample-salt"
    invites = [{"code": i["code"], "visitor": i["visitor"], "company": i["company"], "host_id": staff[n]["id"],
                "host": staff[n]["name"], "date": day.isoformat(),
                "email_masked": i["email"][0] + "•••@" + i["email"].split("@")[1],
                "email_check": email_check(salt, i["email"])}
               for n, i in enumerate(SAMPLE_INVITES)]
    refs.accept(_signed(keys, site_document("invites", site), {"site": site, "email_salt": salt, "invites": invites}))
    refs.accept(_signed(keys, site_document("appointments", site), {"site": site, "appointments": appointments(day)}))
    refs.accept(_signed(keys, "gazetteer", read_rows(gazetteer_rows()).data()))
    refs.accept(_signed(keys, "report-categories", document(DEFAULT_CATEGORIES, "https://central.example.gov.uk")))
    refs.accept(_signed(keys, charter.DOCUMENT, charter.document(DEFAULT_TIMESCALES, WorkingDays(), day)))
    refs.accept(_signed(keys, letter_guides.DOCUMENT, letter_guides.document()))
    db.conn.close()
    return keys
