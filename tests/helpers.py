"""Small helpers shared by tests."""

from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sync import payloads


class FakeClock:
    """A clock that only moves when a test moves it: `clock.now += 60`."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Inbox:
    """An aiosmtpd handler keeping every email it receives: a real SMTP server for tests."""

    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, _server, _session, envelope):  # noqa: N802 - aiosmtpd's hook name
        from email import message_from_bytes, policy

        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"

    def wait_for(self, n: int, seconds: float = 15.0) -> list:
        import time

        deadline = time.monotonic() + seconds
        while len(self.messages) < n and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


@contextmanager
def smtp_server():
    """A real SMTP server on loopback (aiosmtpd); `server.inbox` holds what it received."""
    from aiosmtpd.controller import Controller

    from tests.sync.conftest import free_port

    server = Controller(Inbox(), hostname="127.0.0.1", port=free_port())
    server.inbox = server.handler
    server.start()
    try:
        yield server
    finally:
        server.stop()


def readable_at_rest(folder, *secrets: bytes, headers: tuple[bytes, ...] = (), skip: str = "") -> list:
    """(file, what) for each secret readable in a file under `folder`, and each file that
    starts with one of `headers` (an unsealed JPEG or PDF); files in folders named `skip`
    (a printer's output) are left out. Empty when everything personal is sealed."""
    from pathlib import Path

    found = []
    for path in Path(folder).rglob("*"):
        if not path.is_file() or (skip and path.parent.name == skip):
            continue
        data = path.read_bytes()
        found += [(path, s) for s in secrets if s in data]
        found += [(path, h) for h in headers if data.startswith(h)]
    return found


def fresh_postgres_database(url: str) -> str:
    """A new, empty database on the test PostgreSQL server at `url`; its URL."""
    import uuid

    import sqlalchemy

    name = f"hubkiosk_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return url.rsplit("/", 1)[0] + f"/{name}"


# ----- records of real kinds, for tests of the transport ------------------------------------------
def feedback(n: int = 0, comment: str = "", stars: int | None = None) -> "payloads.Feedback":
    """A small, valid record (feedback): what the transport tests queue when the kind is not the point."""
    from datetime import date

    from sync import payloads

    return payloads.Feedback(journey="information", stars=stars or n % 5 + 1, comment=comment, day=date.today())


def street_report(n: int = 0, description: str = "Fly-tipping by the bins") -> "payloads.StreetReport":
    """A valid street report (the kind that carries a photo), different for each n."""
    from datetime import datetime, timezone

    from sync import payloads
    from tests.effects import reference

    return payloads.StreetReport(reference=reference("RPT", n), category="fly-tipping", description=description,
                                 location=payloads.Location(kind="postcode", postcode="RV1 2AB"),
                                 reported_at=datetime.now(timezone.utc))


def account_signup(first_name: str, last_name: str, email: str, mobile: str = "") -> "payloads.AccountSignup":
    """A valid signup naming a resident (to prove it is never readable at rest)."""
    from datetime import date, datetime, timezone

    from sync import payloads

    return payloads.AccountSignup(
        reference="ACC-4HJX-2M7Q", first_name=first_name, last_name=last_name, email=email, mobile=mobile,
        address=payloads.Address(lines=["14 Mill Lane"], town="Riverside", postcode="RV1 2AB"),
        date_of_birth=date(1980, 4, 1), contact_by=["email"], terms_version="2026-04",
        accepted_at=datetime.now(timezone.utc))


def queued(keys, record) -> "payloads.Payload":
    """A queued record's payload opened with the council's key and read by its model, as central reads it."""
    from sync import payloads

    return payloads.parse(record.kind, record.schema_version, keys.open(record.payload))


class LoopbackServer:
    """A stand-in HTTP server on a free loopback port, in a daemon thread: subclasses give
    `name` and `handler()` (a BaseHTTPRequestHandler class that can see the server)."""

    name = "stand-in"

    def handler(self):
        raise NotImplementedError

    def start(self):
        from http.server import ThreadingHTTPServer
        import threading

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, name=self.name, daemon=True).start()
        return self

    def stop(self) -> None:
        if getattr(self, "_httpd", None) is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"
