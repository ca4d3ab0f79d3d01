"""The device's identity after enrolment: `device.json` in the data folder, owner-only.

It holds the device token (a secret), central's URL, and the council's public keys.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from sync import SyncError

FILENAME = "device.json"


class NotEnrolled(SyncError):
    """This kiosk has not been enrolled with central yet."""


@dataclass(frozen=True)
class DeviceIdentity:
    device_id: str
    device_token: str
    central_url: str
    site: str
    council_public_key: str
    signing_key: str

    def save(self, data_dir: Path) -> Path:
        data_dir = Path(data_dir)
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = data_dir / FILENAME
        tmp = data_dir / f".{FILENAME}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(asdict(self), fh, indent=2)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
        return path

    @classmethod
    def load(cls, data_dir: Path) -> "DeviceIdentity":
        path = Path(data_dir) / FILENAME
        try:
            return cls(**json.loads(path.read_text()))
        except FileNotFoundError:
            raise NotEnrolled(f"not enrolled: no {path} (run python -m provisioning enrol)") from None
        except (ValueError, TypeError) as exc:
            raise NotEnrolled(f"{path} is damaged: {exc}") from None


def open_outbox(data_dir: Path, clock=None):
    """The enrolled device's identity and its outbox (database in the data folder)."""
    from sync.outbox import Outbox
    from sync.store import open_db

    identity = DeviceIdentity.load(data_dir)
    kwargs = {"clock": clock} if clock is not None else {}
    outbox = Outbox(open_db(Path(data_dir) / "kiosk.db"), Path(data_dir) / "attachments",
                    identity.council_public_key, **kwargs)
    return identity, outbox
