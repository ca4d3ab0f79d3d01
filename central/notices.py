"""Progress notices: a resident who gave contact details is told, in the language they used
at the kiosk, when central has what they handed over and by when it will be dealt with, when
the team starts on it, and when it is closed.

    report_received(conn, report_row)          a street report is filed (its record's savepoint)
    report_status(conn, report_row, status)    the back office's status changed (the same transaction)
    item_closed(conn, item, actor)             staff closed a work item (console or back-office API)
    follow_up_received(conn, row, due_at)      a resident asked to be called back about their account

Each notice is one row of `notifications` with the unique key "<reference>:<event>" (events
`received`, `progress`, `closed`), written in the transaction of the change that causes it:
a change that rolls back sends nothing, and a change seen twice (a second worker, a retry,
the console and the back office closing the same report) sends one. The mailer
(central.notify) sends it by email, or by text message through GOV.UK Notify when the
resident gave only a mobile number.

A notice carries only what the resident gave or may see on the tracking page: their name
as they typed it, the reference, the kind of problem and the street (never the house, never
their words), the day, and the tracking link. Emails in another language are followed by
the English (as the account emails are); texts are in the resident's language alone.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timezone

from sqlalchemy import select

from central import db as tables
from central import pages

_ = pages.mark
EVENTS = ("received", "progress", "closed")
# Open311 statuses (GeoReport v2 has open and closed; back offices built for FixMyStreet say
# more) that mean the team has started, and those that mean it has finished.
STARTED = {"in_progress", "in progress", "investigating", "action_scheduled", "acknowledged", "confirmed"}
FINISHED = {"closed", "fixed", "not_councils_responsibility", "duplicate", "unable_to_fix", "no_further_action",
            "internal_referral", "resolved"}

WORDS = {
    "greeting": _("Hello %(name)s,"),
    "greeting_plain": _("Hello,"),
    "about_place": _("%(what)s near %(place)s"),
    "report_received_subject": _("We have your report %(reference)s"),
    "report_received": _("Thank you for your report: %(about)s. Your reference is %(reference)s.\n\n"
                         "We aim to pass it to the team that deals with it by %(day)s. We will tell you when "
                         "the team starts work on it and when it is closed."),
    "report_progress_subject": _("Work has started on your report %(reference)s"),
    "report_progress": _("The team has started work on your report %(reference)s: %(about)s."),
    "report_closed_subject": _("Your report %(reference)s is closed"),
    "report_closed": _("The team has closed your report %(reference)s: %(about)s. If the problem is still "
                       "there, please report it again and say it has come back."),
    "follow_up_received_subject": _("We will contact you about your %(council)s account"),
    "follow_up_received": _("You asked us to help you finish setting up your %(council)s account (reference "
                            "%(reference)s). Someone from the council will contact you by %(day)s."),
    "track": _("See how it is getting on: %(link)s"),
    "no_reply": _("This message was sent automatically. Please do not reply to it."),
    "no_reply_phone": _("This message was sent automatically. Please do not reply to it: to ask about it, "
                        "call %(phone)s."),
    "sms_report_received": _("%(council)s: we have your report %(reference)s and aim to pass it to the team by "
                             "%(day)s. %(link)s"),
    "sms_report_progress": _("%(council)s: the team has started work on your report %(reference)s. %(link)s"),
    "sms_report_closed": _("%(council)s: your report %(reference)s is closed. %(link)s"),
    "sms_follow_up_received": _("%(council)s: we will contact you by %(day)s to help with your account "
                                "(reference %(reference)s)."),
}


def _now() -> datetime:
    return datetime.now(timezone.utc)


def event_for(status: str) -> str | None:
    """The notice a back-office status calls for: progress, closed, or none (still open)."""
    status = (status or "").strip().lower()
    if status in FINISHED:
        return "closed"
    if status in STARTED:
        return "progress"
    return None


class _Values(dict):
    """A notice's values: one missing says nothing rather than stopping the change it is
    part of (a record being filed)."""

    def __missing__(self, key: str) -> str:
        return ""


def _say(language: str, key: str, **values) -> str:
    words = pages.translations(language).gettext(WORDS[key]) % _Values(values)
    return re.sub(r"(?<!\.)\.\.(?!\.)", ".", words)   # a date ending "2026 г." closes a sentence once


def render(kind: str, event: str, language: str, channel: str, values: dict) -> tuple[str, str]:
    """(subject, body) of one notice in `language` ("" subject for a text message)."""
    council = pages.council()
    values = dict(values, council=council["name"])

    def one(lang: str) -> tuple[str, str]:
        say = lambda key, **more: _say(lang, key, **{**values, **more})   # noqa: E731
        what = values.get("what_names", {}).get(lang) or values.get("what", "")
        if values.get("due_at") is not None:
            values["day"] = pages.long_date(values["due_at"], lang, weekday=True)
        about = say("about_place", what=what) if values.get("place") else what
        if channel == "sms":
            return "", say(f"sms_{kind}_{event}", about=about)
        greeting = say("greeting") if values.get("name") else say("greeting_plain")
        parts = [greeting, say(f"{kind}_{event}", about=about)]
        if values.get("link"):
            parts.append(say("track"))
        parts.append(say("no_reply_phone", phone=council["phone"]) if council["phone"] else say("no_reply"))
        return say(f"{kind}_{event}_subject"), "\n\n".join(parts)

    subject, body = one(language if language in pages.LANGUAGES else "en")
    if channel == "email" and language in pages.LANGUAGES and language != "en":
        _subject, english = one("en")
        body = f"{body}\n\n---\nIn English:\n\n{english}"
    return subject, body if channel == "sms" else body + "\n"


def queue(conn, reference: str, event: str, kind: str, *, language: str, email: str, phone: str,
          values: dict) -> bool:
    """Queue the notice `reference:event` once, by email if there is an address, else by text
    message; nothing without either. True if it was queued now (False: queued before, or no
    way to reach the resident)."""
    if event not in EVENTS or not (email or phone):
        return False
    key = f"{reference}:{event}"
    if conn.execute(select(tables.notifications.c.id).where(tables.notifications.c.notice_key == key)).first():
        return False
    channel = "email" if email else "sms"
    subject, body = render(kind, event, language, channel, values)
    insert = _insert(conn).values(
        id=str(uuid.uuid4()), record_id=reference, to_address=email or phone, subject=subject[:200], body=body,
        state="pending", attempts=0, next_at=_now(), notice_key=key, channel=channel)
    # Two workers seeing the same change at once: the unique key keeps one, the other is a no-op.
    insert = insert.on_conflict_do_nothing(index_elements=["notice_key"]).returning(tables.notifications.c.id)
    return conn.execute(insert).first() is not None


def _insert(conn):
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(tables.notifications)


# ----- what calls for a notice ------------------------------------------------------------------
def _report_values(conn, row: dict) -> dict:
    from central.reports import categories
    from central.tracking import where

    category = categories(conn).get(row["category"]) or {}
    names = category.get("name") if isinstance(category.get("name"), dict) else {}
    language = row.get("language") or "en"
    place = where(row, lambda text, **v: pages.gettext(language, text, **v)) if row["street"] else ""
    link = f"{pages.public_url()}/track/{row['reference']}"
    return {"name": row["contact_name"], "reference": row["reference"], "place": place, "link": link,
            "what": (names or {}).get("en") or pages.gettext(language, _("A problem")),
            "what_names": {k: str(v) for k, v in (names or {}).items()}}


def _report(conn, row: dict, event: str, due_at: datetime | None = None) -> bool:
    if row.get("contact_deleted_at") is not None:
        return False
    values = dict(_report_values(conn, row), due_at=due_at)
    return queue(conn, row["reference"], event, "report", language=row.get("language") or "en",
                 email=row["contact_email"], phone=row["contact_phone"], values=values)


def report_received(conn, row: dict) -> bool:
    """The acknowledgement of a report just filed, with the day its clock says."""
    due = conn.execute(select(tables.work_items.c.due_at).where(
        tables.work_items.c.kind == "street-report", tables.work_items.c.record_id == row["record_id"])).scalar()
    return _report(conn, row, "received", tables.aware(due) if due else None)


def report_status(conn, row: dict, status: str) -> bool:
    """The back office says `status`: a notice if it means started or closed."""
    event = event_for(status)
    return _report(conn, row, event) if event else False


def item_closed(conn, item: dict, actor: str) -> bool:
    """Staff closed a work item: a street report's resident is told (the back office
    accepting a report closes its item too, but the report is not dealt with yet)."""
    if item["kind"] != "street-report" or actor == "open311":
        return False
    row = conn.execute(select(tables.reports).where(tables.reports.c.record_id == item["record_id"])).mappings().first()
    return _report(conn, dict(row), "closed") if row is not None else False


def follow_up_received(conn, row: dict, due_at: datetime) -> bool:
    language = row.get("language") or "en"
    values = {"name": row["first_name"], "reference": row["reference"], "due_at": due_at}
    return queue(conn, row["reference"] or row["record_id"][:8].upper(), "received", "follow_up",
                 language=language, email=row["email"], phone=row["mobile"], values=values)
