"""Sending the emails central queues (host notifications, invitations) over SMTP.

Emails wait in the `notifications` table; a mailer thread claims due ones (a claim lasts a
minute, so with several central workers each email is taken by one), sends them over one
SMTP connection per pass, and marks them sent. A failure is retried with backoff, up to ten
times. Nothing personal is logged: emails are identified by their ids.

Settings come from the environment (so every worker process shares them):

    HUBKIOSK_SMTP_HOST, HUBKIOSK_SMTP_PORT (25), HUBKIOSK_SMTP_FROM,
    HUBKIOSK_SMTP_USER, HUBKIOSK_SMTP_PASSWORD, HUBKIOSK_SMTP_STARTTLS (1 to use STARTTLS),
    HUBKIOSK_SMTP_FROM_NAME (the name beside the address; default "<HUBKIOSK_COUNCIL_NAME> kiosks")
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import formataddr, formatdate

from sqlalchemy import or_, select, update

from central import db as tables
from central.workers import PollingWorker

log = logging.getLogger("central.notify")
MAX_ATTEMPTS = 10


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    sender: str
    port: int = 25
    user: str = ""
    password: str = ""
    starttls: bool = False
    sender_name: str = ""

    def display_name(self) -> str:
        """The name beside the From address: the configured one, else the council's."""
        if self.sender_name:
            return self.sender_name
        council = os.environ.get("HUBKIOSK_COUNCIL_NAME", "").strip()
        return f"{council} kiosks" if council else "Council kiosks"

    @classmethod
    def from_env(cls, env=os.environ) -> "SmtpSettings | None":
        host = env.get("HUBKIOSK_SMTP_HOST", "")
        if not host:
            return None
        return cls(host=host, sender=env.get("HUBKIOSK_SMTP_FROM", "kiosks@localhost"),
                   port=int(env.get("HUBKIOSK_SMTP_PORT", "25")), user=env.get("HUBKIOSK_SMTP_USER", ""),
                   password=env.get("HUBKIOSK_SMTP_PASSWORD", ""), starttls=env.get("HUBKIOSK_SMTP_STARTTLS") == "1",
                   sender_name=env.get("HUBKIOSK_SMTP_FROM_NAME", "").strip())


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Mailer(PollingWorker):
    name = "mailer"

    def __init__(self, engine, settings: SmtpSettings, poll_seconds: float = 1.0, timeout: float = 20.0) -> None:
        super().__init__(poll_seconds)
        self.engine = engine
        self.settings = settings
        self.timeout = timeout

    def run_once(self) -> int:
        return self.send_due()

    def _claim(self, limit: int = 20) -> list[dict]:
        now = _now()
        claimed = []
        with tables.begin(self.engine) as conn:
            due = conn.execute(select(tables.notifications.c.id).where(
                tables.notifications.c.state == "pending", tables.notifications.c.next_at <= now,
                or_(tables.notifications.c.claimed_until.is_(None), tables.notifications.c.claimed_until < now))
                .order_by(tables.notifications.c.next_at).limit(limit)).scalars().all()
            for note_id in due:
                taken = conn.execute(update(tables.notifications).where(
                    tables.notifications.c.id == note_id, tables.notifications.c.state == "pending",
                    or_(tables.notifications.c.claimed_until.is_(None), tables.notifications.c.claimed_until < now))
                    .values(claimed_until=now + timedelta(seconds=60)))
                if taken.rowcount == 1:
                    claimed.append(dict(conn.execute(select(tables.notifications).where(
                        tables.notifications.c.id == note_id)).mappings().one()))
        return claimed

    def _message(self, note: dict) -> EmailMessage:
        message = EmailMessage()
        message["From"] = formataddr((self.settings.display_name(), self.settings.sender))
        message["To"] = note["to_address"]
        message["Subject"] = note["subject"]
        message["Date"] = formatdate(usegmt=True)  # RFC 5322 requires it; some filters score its absence
        # The same id if it is ever resent (so a receiving server can drop the copy), in the
        # sender's own domain as RFC 5322 asks.
        message["Message-ID"] = f"<{note['id']}@{self.settings.sender.rpartition('@')[2] or 'localhost'}>"
        message.set_content(note["body"])
        if note["attachment"]:
            message.add_attachment(note["attachment"], maintype="image", subtype="png",
                                   filename=note["attachment_name"] or "attachment.png")
        return message

    def send_due(self) -> int:
        """One pass: send what is due; returns how many were sent."""
        notes = self._claim()
        if not notes:
            return 0
        sent = 0
        try:
            with smtplib.SMTP(self.settings.host, self.settings.port, timeout=self.timeout) as smtp:
                if self.settings.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.settings.user:
                    smtp.login(self.settings.user, self.settings.password)
                for note in notes:
                    try:
                        smtp.send_message(self._message(note))
                    except smtplib.SMTPException as exc:
                        self._failed(note, type(exc).__name__)
                    else:
                        self._done(note)
                        sent += 1
        except (OSError, smtplib.SMTPException) as exc:
            for note in notes[sent:]:
                self._failed(note, type(exc).__name__)
        return sent

    def _done(self, note: dict) -> None:
        with tables.begin(self.engine) as conn:
            conn.execute(update(tables.notifications).where(tables.notifications.c.id == note["id"]).values(
                state="sent", sent_at=_now(), claimed_until=None, attempts=note["attempts"] + 1))

    def _failed(self, note: dict, error: str) -> None:
        attempts = note["attempts"] + 1
        state = "failed" if attempts >= MAX_ATTEMPTS else "pending"
        log.warning("email %s not sent (attempt %d): %s", note["id"], attempts, error)
        with tables.begin(self.engine) as conn:
            conn.execute(update(tables.notifications).where(tables.notifications.c.id == note["id"]).values(
                state=state, attempts=attempts, error=error[:200], claimed_until=None,
                next_at=_now() + timedelta(seconds=min(3600, 15 * 2 ** attempts))))
