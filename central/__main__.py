"""Central service command line.

    python -m central serve --host 127.0.0.1 --port 8765 --data DIR [--database-url URL]
                            [--files s3://BUCKET/PREFIX] [--workers N]
    python -m central enrol-code --site NAME --data DIR     one-time code (last word printed)
    python -m central stats --data DIR                      records received by kind, as JSON
    python -m central revoke DEVICE_ID --data DIR           stop a lost or stolen kiosk
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from sqlalchemy import update


def _engine(args):
    from central import db

    return db.make_engine(args.database_url or db.sqlite_url(Path(args.data)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m central", description="hubkiosk central service")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (("serve", "run the HTTP service"), ("enrol-code", "make a one-time enrolment code"),
                       ("stats", "records received by kind, as JSON"), ("revoke", "revoke a device's token")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--data", required=True, help="central's data folder (keys, database, files)")
        p.add_argument("--database-url", help="SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db")
        if name == "serve":
            p.add_argument("--host", default="127.0.0.1")
            p.add_argument("--port", type=int, default=8765)
            p.add_argument("--workers", type=int, default=1,
                           help="worker processes (one per CPU core suits a dedicated server)")
            p.add_argument("--files", metavar="s3://BUCKET/PREFIX",
                           help="keep attachment files in S3-compatible storage (boto3 settings from "
                                "the environment) instead of DATA/files")
        if name == "enrol-code":
            p.add_argument("--site", required=True, help="the site the new kiosk belongs to")
        if name == "revoke":
            p.add_argument("device_id")
    args = parser.parse_args(argv)
    Path(args.data).mkdir(parents=True, exist_ok=True, mode=0o700)

    if args.command == "serve":
        import uvicorn

        from central.app import create_app

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
        # Built once here even with several workers: keys and tables are created before
        # any worker starts, so workers never race to create them.
        app = create_app(Path(args.data), args.database_url, args.files)
        if args.workers <= 1:
            uvicorn.run(app, host=args.host, port=args.port, log_level="info", access_log=True)
            return 0
        os.environ.update(HUBKIOSK_CENTRAL_DATA=str(Path(args.data).resolve()))
        for name, value in (("DATABASE_URL", args.database_url), ("FILES", args.files)):
            if value:
                os.environ[f"HUBKIOSK_CENTRAL_{name}"] = value
        uvicorn.run("central.app:app_from_environment", factory=True, workers=args.workers, host=args.host,
                    port=args.port, log_level="info", access_log=True)
        return 0
    engine = _engine(args)
    if args.command == "enrol-code":
        from central.app import create_code

        print(f"Enrolment code for {args.site} (valid 24 hours, once): {create_code(engine, args.site)}")
    elif args.command == "stats":
        from central.app import stats

        print(json.dumps(stats(engine), indent=2, sort_keys=True))
    elif args.command == "revoke":
        from central.db import devices

        with engine.begin() as conn:
            changed = conn.execute(update(devices).where(devices.c.id == args.device_id).values(revoked=True))
        if changed.rowcount == 0:
            print(f"No device {args.device_id}", file=sys.stderr)
            return 1
        print(f"Revoked {args.device_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
