"""Sending the emails and text messages central queues: host notifications and invitations
over SMTP; residents' progress notices (central/notices.py) through GOV.UK Notify when it is
set up (text messages only go that way), else their emails over SMTP too.

Emails wait in the `notifications` table; a mailer thread claims due ones (a claim lasts a
minute, so with several central workers each email is taken by one), sends them over one
SMTP connection per pass, and marks them sent. A failure is retried with backoff, up to ten
times. Nothing personal is logged: emails are identified by their ids.

Settings come from the environment (so every worker process shares them):

    HUBKIOSK_SMTP_HOST, HUBKIOSK_SMTP_PORT (25), HUBKIOSK_SMTP_FROM,
    HUBKIOSK_SMTP_USER, HUBKIOSK_SMTP_PASSWORD, HUBKIOSK_SMTP_STARTTLS (1 to use STARTTLS),
    HUBKIOSK_SMTP_FROM_NAME (the name beside the address; default "<HUBKIOSK_COUNCIL_NAME> kiosks")

    HUBKIOSK_NOTIFY_API_KEY         a GOV.UK Notify API key (live or team)
    HUBKIOSK_NOTIFY_EMAIL_TEMPLATE  the id of an email template whose subject is ((subject))
                                    and whose body is ((body))
    HUBKIOSK_NOTIFY_SMS_TEMPLATE    the id of a text message template that is ((body))
    HUBKIOSK_NOTIFY_URL             Notify's API (its own by default; a stand-in's in tests)

A Notify send is marked as under way before the request; a notice found under way after a
crash is looked up at Notify by its reference before it is sent again, so a resident gets
one message whatever happened in between.
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


@dataclass(frozen=True)
class NotifySettings:
    api_key: str
    email_template: str
    sms_template: str
    url: str = "https://api.notifications.service.gov.uk"

    @classmethod
    def from_env(cls, env=os.environ) -> "NotifySettings | None":
        key = env.get("HUBKIOSK_NOTIFY_API_KEY", "").strip()
        if not key:
            return None
        return cls(api_key=key, email_template=env.get("HUBKIOSK_NOTIFY_EMAIL_TEMPLATE", "").strip(),
                   sms_template=env.get("HUBKIOSK_NOTIFY_SMS_TEMPLATE", "").strip(),
                   url=env.get("HUBKIOSK_NOTIFY_URL", "").strip().rstrip("/") or cls.url)


UNDER_WAY = "sending"   # provider_id while a Notify request is in flight


class NotifySender:
    """Notices through GOV.UK Notify (notifications-python-client)."""

    def __init__(self, settings: NotifySettings, timeout: float = 20.0) -> None:
        from notifications_python_client.notifications import NotificationsAPIClient

        self.settings = settings
        self.client = NotificationsAPIClient(settings.api_key, base_url=settings.url, timeout=timeout)

    def already_sent(self, reference: str) -> str | None:
        """Notify's id of a notice sent before under `reference`, if any."""
        found = self.client.get_all_notifications(reference=reference).get("notifications") or []
        return str(found[0]["id"]) if found else None

    def send(self, note: dict) -> str:
        if note["channel"] == "sms":
            if not self.settings.sms_template:
                raise LookupError("no text message template: set HUBKIOSK_NOTIFY_SMS_TEMPLATE")
            answer = self.client.send_sms_notification(note["to_address"], self.settings.sms_template,
                                                       personalisation={"body": note["body"]},
                                                       reference=note["notice_key"])
        else:
            if not self.settings.email_template:
                raise LookupError("no email template: set HUBKIOSK_NOTIFY_EMAIL_TEMPLATE")
            answer = self.client.send_email_notification(note["to_address"], self.settings.email_template,
                                                         personalisation={"subject": note["subject"],
                                                                          "body": note["body"]},
                                                         reference=note["notice_key"])
        return str(answer["id"])


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Mailer(PollingWorker):
    name = "mailer"

    def __init__(self, engine, settings: SmtpSettings | None, poll_seconds: float = 1.0, timeout: float = 20.0,
                 notify: NotifySettings | None = None) -> None:
        super().__init__(poll_seconds)
        self.engine = engine
        self.settings = settings
        self.timeout = timeout
        self.notify = NotifySender(notify, timeout) if notify else None

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
        by_notify = [n for n in notes if self._by_notify(n)]
        by_smtp = [n for n in notes if n not in by_notify]
        return sum(self._send_notify(n) for n in by_notify) + self._send_smtp(by_smtp)

    def _by_notify(self, note: dict) -> bool:
        """Text messages, and residents' notices when Notify is set up, go through Notify."""
        return note["channel"] == "sms" or (self.notify is not None and note["notice_key"] is not None)

    def _send_notify(self, note: dict) -> int:
        from notifications_python_client.errors import APIError

        if self.notify is None:
            self._failed(note, "no text message service: set HUBKIOSK_NOTIFY_API_KEY")
            return 0
        try:
            if note["provider_id"] == UNDER_WAY:   # a send that may have landed before a crash
                found = self.notify.already_sent(note["notice_key"])
                if found:
                    self._done(note, provider_id=found)
                    return 1
            with tables.begin(self.engine) as conn:
                conn.execute(update(tables.notifications).where(tables.notifications.c.id == note["id"])
                             .values(provider_id=UNDER_WAY))
            provider_id = self.notify.send(note)
        except LookupError as exc:
            self._failed(note, str(exc))
            return 0
        except APIError as exc:
            # 400: Notify will never take it (a number that is not a mobile, a team key's
            # stranger): kept as failed. Anything else (403 key, 429, 5xx, no answer) is retried.
            self._failed(note, f"Notify {exc.status_code}", final=exc.status_code == 400)
            if exc.status_code == 400:
                self._clear_under_way(note)
            return 0
        self._done(note, provider_id=provider_id)
        return 1

    def _clear_under_way(self, note: dict) -> None:
        with tables.begin(self.engine) as conn:
            conn.execute(update(tables.notifications).where(tables.notifications.c.id == note["id"])
                         .values(provider_id=None))

    def _send_smtp(self, notes: list[dict]) -> int:
        if not notes:
            return 0
        if self.settings is None:
            for note in notes:
                self._failed(note, "no email service: set HUBKIOSK_SMTP_HOST")
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

    def _done(self, note: dict, **values) -> None:
        with tables.begin(self.engine) as conn:
            conn.execute(update(tables.notifications).where(tables.notifications.c.id == note["id"]).values(
                state="sent", sent_at=_now(), claimed_until=None, attempts=note["attempts"] + 1, **values))

    def _failed(self, note: dict, error: str, final: bool = False) -> None:
        attempts = note["attempts"] + 1
        state = "failed" if final or attempts >= MAX_ATTEMPTS else "pending"
        log.warning("%s %s not sent (attempt %d): %s", note.get("channel") or "email", note["id"], attempts, error)
        with tables.begin(self.engine) as conn:
            conn.execute(update(tables.notifications).where(tables.notifications.c.id == note["id"]).values(
                state=state, attempts=attempts, error=error[:200], claimed_until=None,
                next_at=_now() + timedelta(seconds=min(3600, 15 * 2 ** attempts))))
