"""The staff console's list pages over a big council's data.

    .venv/bin/python bench/console.py [--items 100000] [--rounds 40] [--postgres URL]

Central (in process, the pages served through FastAPI's TestClient: the figures are the
page's own work, without the network) gets `--items` work items over 20 sites and the 9
services, half closed, some overdue, as many feedback answers, 20,000 audit rows and 200
kiosks. Signed-in staff with different scopes (an officer of one service at one site, a
manager of every site, an administrator) then load each list page `--rounds` times.
Reported: median and p95 per page, in milliseconds (target: p95 at most 200 ms on SQLite).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi.testclient import TestClient  # noqa: E402

from bench._stats import percentile  # noqa: E402
from central import db as tables  # noqa: E402
from central import work  # noqa: E402
from central.app import create_app  # noqa: E402
from tests.central.console_helpers import member, sign_in  # noqa: E402
from tests.helpers import fresh_postgres_database  # noqa: E402

SITES = [f"Site {n:02d}" for n in range(20)]
SERVICES = [s for s in work.SERVICES]


def seed(app, n: int) -> None:
    rng = random.Random(5)
    engine = app.state.engine
    now = datetime.now(timezone.utc)
    days = work.working_days()
    rows, answers = [], []
    for i in range(n):
        received = now - timedelta(minutes=rng.randrange(0, 60 * 24 * 40))
        kind = rng.choice(list(work.KINDS))
        due = days.due(received, {"document": 5, "street-report": 2, "follow-up": 2}[kind])
        closed = rng.random() < 0.5
        rows.append(dict(kind=kind, record_id=str(uuid.UUID(int=i)), reference=f"DOC-{i:04X}-{i % 9973:04X}",
                         service=rng.choice(SERVICES), site=rng.choice(SITES), received_at=received,
                         amber_at=due - timedelta(days=1), due_at=due, state="closed" if closed else "open",
                         outcome="Done" if closed else "", closed_at=now if closed else None))
        answers.append(dict(record_id=str(uuid.UUID(int=10**9 + i)), site=rng.choice(SITES),
                            journey=rng.choice(("information", "visitors", "documents", "report", "signup")),
                            day=(date.today() - timedelta(days=rng.randrange(0, 120))).isoformat(),
                            found=rng.choice((True, False, None)), stars=rng.choice((1, 2, 3, 4, 5, None)),
                            comment="Helpful" if i % 50 == 0 else "", language="en"))
    with tables.begin(engine) as conn:
        for start in range(0, n, 5000):
            conn.execute(tables.work_items.insert(), rows[start:start + 5000])
            conn.execute(tables.feedback.insert(), answers[start:start + 5000])
        conn.execute(tables.audit.insert(), [dict(at=now - timedelta(minutes=i), actor=f"staff:p{i % 40}@council.example",
                                                  action="document.open", subject=f"DOC-{i}", rows=1)
                                             for i in range(20_000)])
        conn.execute(tables.devices.insert(), [dict(id=str(uuid.uuid4()), name=f"kiosk-{i}", site=SITES[i % 20],
                                                    token_sha256=uuid.uuid4().hex * 2, revoked=False,
                                                    enrolled_at=now, last_seen_at=now - timedelta(minutes=i))
                                               for i in range(200)])
        for site in SITES:
            conn.execute(tables.sites.insert().values(slug=site.lower().replace(" ", "-"), name=site, created_at=now))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a fresh database is made on it)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="hubkiosk-console-bench-"))
    url = fresh_postgres_database(args.postgres) if args.postgres else None
    app = create_app(folder / "central", database_url=url)
    started = time.perf_counter()
    seed(app, args.items)
    print(f"{'PostgreSQL' if url else 'SQLite'}: {args.items:,} items, {args.items:,} feedback answers, "
          f"20,000 audit rows, 200 kiosks seeded in {time.perf_counter() - started:.1f} s")
    people = {
        "officer (one service, one site)": (member(app, "officer@council.example", "officer@Site 03/benefits"), [
            "/console/items", "/console/items?clock=overdue", "/console/items?page=3",
            "/console/items?reference=DOC-0003-0003"]),
        "manager (every site)": (member(app, "manager@council.example", "manager"), [
            "/console/",
            "/console/items", "/console/items?clock=due-soon&kind=document", "/console/items?page=200",
            "/console/feedback", "/console/feedback?site=Site 07", "/console/feedback/stars.svg"]),
        "administrator": (member(app, "admin@council.example", "admin"), [
            "/console/audit", "/console/audit?page=300", "/console/fleet", "/console/staff"]),
    }
    print(f"{'page':58} {'median':>8} {'p95':>8}")
    worst = 0.0
    for who, (person, paths) in people.items():
        client = TestClient(app, base_url="http://127.0.0.1")
        sign_in(client, person)
        for path in paths:
            times = []
            for _ in range(args.rounds):
                t = time.perf_counter()
                answer = client.get(path)
                times.append((time.perf_counter() - t) * 1000)
                assert answer.status_code == 200, (path, answer.status_code)
            p95 = percentile(times, 0.95)
            worst = max(worst, p95)
            print(f"{who + ': ' + path:58} {statistics.median(times):8.1f} {p95:8.1f}")
    print(f"worst p95: {worst:.1f} ms (target 200 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
