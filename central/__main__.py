"""Central service command line.

    python -m central serve --host 127.0.0.1 --port 8765 --data DIR [--database-url URL]
                            [--files s3://BUCKET/PREFIX] [--workers N]
    python -m central enrol-code --site NAME --data DIR     one-time code (last word printed)
    python -m central stats --data DIR                      records received by kind, as JSON
    python -m central revoke DEVICE_ID --data DIR           stop a lost or stolen kiosk
    python -m central reports --data DIR [--state failed]   street reports (--retry REF, --contact)
    python -m central gazetteer FILE.csv --data DIR         publish the street gazetteer
    python -m central categories --data DIR [--file F]      publish the report categories
    python -m central accounts --data DIR [--reference R] [--full]   My Account signups
    python -m central follow-ups --data DIR [--all] | --done REF --by NAME   contact requests
    python -m central staff add --email E --name N --role ROLE[@SITE[/SERVICE]] --data DIR
                                                            a console account (prints a set-up link)
    python -m central staff list|reset|disable [--email E] --data DIR
    python -m central digest --data DIR [--now ISO]         queue the digests and escalations now
    python -m central api-key add --name N --service S --data DIR   a back-office API key (shown once)
    python -m central service-levels --data DIR [--set document=5:1]   the charter's deadlines
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from datetime import date
from pathlib import Path

from sqlalchemy import update

from central import accounts, audit, reports
from central import back_office, digest, work
from central import staff as console_staff
from central import db as tables
from central.keys import private_dir


# Modules that bring their own commands: COMMANDS (name -> help), add_arguments(name, parser)
# and run(args, engine).
COMMAND_MODULES = (reports, accounts, audit, console_staff, digest, back_office, work)


def day(text: str) -> str:
    """A day as YYYY-MM-DD, checked (argparse names this function in its error)."""
    return date.fromisoformat(text).isoformat()


def _engine(args):
    from central import db

    return db.make_engine(args.database_url or db.sqlite_url(Path(args.data)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m central", description="hubkiosk central service")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (("serve", "run the HTTP service"), ("enrol-code", "make a one-time enrolment code"),
                       ("stats", "records received by kind, as JSON"), ("revoke", "revoke a device's token"),
                       ("directory", "replace the staff directory from a CSV (id,name,department,email)"),
                       ("invite", "invite a visitor (prints the one-time code)"),
                       ("appointments", "load a site's appointments from a CSV (reference,date,time,service,prefix)"),
                       ("demo-data", "a demo directory, invitations and appointments for today"),
                       ("documents", "documents residents scanned, one JSON object per line (newest first)"),
                       ("feedback", "residents' answers after a journey, summed up by site and journey (JSON lines)"),
                       *(item for module in COMMAND_MODULES for item in module.COMMANDS.items())):
        p = sub.add_parser(name, help=text)
        for module in COMMAND_MODULES:
            module.add_arguments(name, p)
        p.add_argument("--data", required=True, help="central's data folder (keys, database, files)")
        p.add_argument("--database-url", help="SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db")
        if name == "serve":
            p.add_argument("--host", default="127.0.0.1")
            p.add_argument("--port", type=int, default=8765)
            p.add_argument("--workers", type=int, default=1,
                           help="worker processes (one per CPU core suits a dedicated server)")
            p.add_argument("--smtp-host", help="send host notifications and invitations through this SMTP server")
            p.add_argument("--smtp-port", type=int, default=25)
            p.add_argument("--smtp-from", default="visitor-kiosks@localhost", help="the sender address")
            p.add_argument("--smtp-user", help="SMTP login (password from HUBKIOSK_SMTP_PASSWORD)")
            p.add_argument("--smtp-starttls", action="store_true")
            p.add_argument("--files", metavar="s3://BUCKET/PREFIX",
                           help="keep attachment files in S3-compatible storage (boto3 settings from "
                                "the environment) instead of DATA/files")
        if name == "enrol-code":
            p.add_argument("--site", required=True, help="the site the new kiosk belongs to")
        if name == "revoke":
            p.add_argument("device_id")
        if name in ("directory", "appointments"):
            p.add_argument("csv", help="the CSV file")
        if name in ("invite", "appointments", "demo-data"):
            p.add_argument("--site", required=True, help="the site (as kiosks were enrolled with it)")
        if name == "invite":
            p.add_argument("--visitor", required=True, help="the visitor's name")
            p.add_argument("--company", default="")
            p.add_argument("--host-id", required=True, help="the host's id in the directory")
            p.add_argument("--date", required=True, help="the day of the visit, YYYY-MM-DD")
            p.add_argument("--email", default="", help="send the visitor their invitation and QR code")
            p.add_argument("--smtp-from", default="visitor-kiosks@localhost")
        if name == "demo-data":
            p.add_argument("--hosts", type=int, default=300, help="how many staff in the demo directory")
        if name == "feedback":
            p.add_argument("--since", metavar="YYYY-MM-DD", type=day,
                           help="only answers from this day on")
            p.add_argument("--comments", action="store_true", help="list the comments instead, newest first")
        if name == "documents":
            p.add_argument("--reference", help="only those for this claim or account reference")
            p.add_argument("--export", metavar="FOLDER", help="also write each PDF as FOLDER/<receipt>.pdf")
            p.add_argument("--files", metavar="s3://BUCKET/PREFIX", help="where central keeps files, as for serve")
    args = parser.parse_args(argv)
    # Everything central writes (database, keys, files, uploads, exports) is for its own
    # user alone, whatever umask it was started with.
    os.umask(0o077)
    private_dir(Path(args.data))

    if args.command == "serve":
        import uvicorn

        from central.app import create_app

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
        if args.smtp_host:  # through the environment, so worker processes see it too
            os.environ.update(HUBKIOSK_SMTP_HOST=args.smtp_host, HUBKIOSK_SMTP_PORT=str(args.smtp_port),
                              HUBKIOSK_SMTP_FROM=args.smtp_from, HUBKIOSK_SMTP_USER=args.smtp_user or "",
                              HUBKIOSK_SMTP_STARTTLS="1" if args.smtp_starttls else "")
        # Built once here even with several workers: keys and tables are created before
        # any worker starts, so workers never race to create them.
        from central.server import uvicorn_settings

        app = create_app(Path(args.data), args.database_url, args.files)
        if args.workers <= 1:
            uvicorn.run(app, host=args.host, port=args.port, log_level="info", access_log=True, **uvicorn_settings())
            return 0
        os.environ.update(HUBKIOSK_CENTRAL_DATA=str(Path(args.data).resolve()))
        for name, value in (("DATABASE_URL", args.database_url), ("FILES", args.files)):
            if value:
                os.environ[f"HUBKIOSK_CENTRAL_{name}"] = value
        uvicorn.run("central.app:app_from_environment", factory=True, workers=args.workers, host=args.host,
                    port=args.port, log_level="info", access_log=True, **uvicorn_settings())
        return 0
    engine = _engine(args)
    if args.command == "enrol-code":
        from central.app import create_code

        from central.sites import SiteClash

        try:
            code = create_code(engine, args.site)
        except (SiteClash, ValueError) as exc:
            print(f"Could not make an enrolment code: {exc}", file=sys.stderr)
            return 1
        print(f"Enrolment code for {args.site} (valid 24 hours, once): {code}")
    elif args.command == "stats":
        from central.app import stats

        print(json.dumps(stats(engine), indent=2, sort_keys=True))
    elif args.command in ("directory", "invite", "appointments", "demo-data"):
        return _visitors(args, engine)
    elif module := next((m for m in COMMAND_MODULES if args.command in m.COMMANDS), None):
        return module.run(args, engine)
    elif args.command == "feedback":
        from central import feedback

        if args.comments:  # residents' own words: they may name someone
            comments = feedback.comments(engine, args.since)
            audit.record(engine, "feedback.comments", f"since {args.since}" if args.since else "", len(comments))
            feedback.print_lines(comments)
        else:
            feedback.print_lines(feedback.summary(engine, args.since))
    elif args.command == "documents":
        from central import documents
        from central.files import open_files
        from central.keys import load_or_create

        rows = documents.listing(engine, args.reference)
        audit.record(engine, "documents.export" if args.export else "documents", args.reference or "", len(rows))
        documents.print_listing(rows)
        if args.export:
            written = documents.export(engine, open_files(Path(args.data), args.files),
                                       load_or_create(Path(args.data)), Path(args.export), args.reference)
            print(f"{written} PDF(s) written to {args.export}", file=sys.stderr)
    elif args.command == "revoke":
        from central.db import devices

        with tables.begin(engine) as conn:
            changed = conn.execute(update(devices).where(devices.c.id == args.device_id).values(revoked=True))
        if changed.rowcount == 0:
            print(f"No device {args.device_id}", file=sys.stderr)
            return 1
        print(f"Revoked {args.device_id}")
    return 0


def _visitors(args, engine) -> int:
    from datetime import date

    from central import visitors
    from central.keys import load_or_create

    keys = load_or_create(Path(args.data))
    try:
        if args.command == "directory":
            people = visitors.read_hosts_csv(Path(args.csv).read_text(encoding="utf-8-sig"))
            with tables.begin(engine) as conn:
                print(f"Directory: {visitors.import_hosts(conn, keys, people)} staff")
        elif args.command == "invite":
            with tables.begin(engine) as conn:
                code = visitors.create_invite(conn, keys, args.site, args.visitor, args.host_id,
                                              date.fromisoformat(args.date), args.company, args.email,
                                              sender=args.smtp_from if args.email else None)
            print(f"Invitation code: {code}")
        elif args.command == "appointments":
            import csv

            rows = list(csv.DictReader(Path(args.csv).read_text(encoding="utf-8-sig").splitlines()))
            with tables.begin(engine) as conn:
                print(f"Appointments: {visitors.import_appointments(conn, keys, args.site, rows)}")
        else:
            made = visitors.seed_demo(engine, keys, args.site, args.hosts)
            print(f"Demo data for {args.site}: {args.hosts} staff, {len(made)} invitations, appointments.")
            for invite in made:
                print(f"  {invite['code']}  {invite['visitor']} ({invite['company']})")
            print(reports.seed_demo(engine, keys, args.public_url))
            print(console_staff.seed_demo(engine, keys, args.site))
    except (ValueError, KeyError, OSError) as exc:
        print(f"Could not {args.command.replace('-', ' ')}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
