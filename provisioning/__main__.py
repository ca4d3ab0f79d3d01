"""Enrol a new kiosk with the council's central service.

    python -m provisioning enrol --server URL --code CODE --data DIR [--name NAME]

Exchanges the one-time code (from `python -m central enrol-code`) for a device id and
token, and stores them with the council's public keys in DIR/device.json (owner-only).
"""

from __future__ import annotations

import argparse
import socket
import sys
from pathlib import Path

from sync import SyncError
from sync.client import CentralClient, Offline, ServerBusy, Unauthorised
from sync.device import DeviceIdentity


def enrol(args) -> int:
    name = args.name or socket.gethostname().split(".")[0][:40] or "kiosk"
    client = CentralClient(args.server)
    try:
        answer = client.enrol(args.code, name)
    except Offline:
        print(f"Cannot reach {args.server}. Check the address and the network, then try again.", file=sys.stderr)
        return 2
    except Unauthorised:
        print("That enrolment code was not accepted: it may be mistyped, already used or expired. "
              "Ask for a new one (python -m central enrol-code).", file=sys.stderr)
        return 2
    except ServerBusy as exc:
        if str(exc).startswith("429"):
            wait = f"{int(exc.retry_after)} seconds" if exc.retry_after else "a few minutes"
            print(f"There have been too many wrong codes from this network. Wait {wait}, then try again "
                  "with the code exactly as given.", file=sys.stderr)
        else:
            print(f"Central is busy ({exc}). Try again in a minute.", file=sys.stderr)
        return 2
    except SyncError as exc:
        print(f"Enrolment failed: {exc}", file=sys.stderr)
        return 2
    identity = DeviceIdentity(device_id=answer.device_id, device_token=answer.device_token,
                              central_url=args.server.rstrip("/"), site=answer.site,
                              council_public_key=answer.council_public_key, signing_key=answer.signing_key)
    path = identity.save(Path(args.data))
    print(f"Enrolled as {answer.device_id} at {answer.site}; identity saved in {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m provisioning", description="hubkiosk provisioning")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("enrol", help="enrol this kiosk with central")
    p.add_argument("--server", required=True, help="central's address, e.g. https://kiosks.council.example")
    p.add_argument("--code", required=True, help="the one-time enrolment code")
    p.add_argument("--data", required=True, help="the kiosk's data folder")
    p.add_argument("--name", help="device name (default: this computer's name)")
    args = parser.parse_args(argv)
    return enrol(args)


if __name__ == "__main__":
    sys.exit(main())
