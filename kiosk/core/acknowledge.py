"""What happens next, and by when: the sentences a done screen and a slip give a resident
who handed something to the council, from the charter's timescales and working days
central publishes (`service-levels`, read by `sync.charter.Charter`), offline too.

The day is the one central will count for the same item (the same rules, from the moment
it was handed over), so the screen, the slip, the first email and the staff console agree.
Without the document (a kiosk never connected) or past the holidays it knows, no day is
named: the sentence says what happens without a date rather than guess one.

Offline, nothing is said to have been sent: the kiosk says it will send it once it is back
online, and that the confirmation comes then.

    >>> from datetime import datetime
    >>> from sync.charter import LONDON, Charter
    >>> charter = Charter.from_document({"timescales": {"document": {"working_days": 5}},
    ...                                  "bank_holidays": ["2026-12-25", "2026-12-28"]})
    >>> [s.template for s in documents(charter, datetime(2026, 12, 1, 10, tzinfo=LONDON), False)]
    ['We aim to look at your documents by {day}.']
    >>> documents(charter, datetime(2026, 12, 1, 10, tzinfo=LONDON), False)[0].due.date().isoformat()
    '2026-12-08'

Sentences are English templates marked for the catalogues; the screens say them in the
resident's language (`Sentence.say`), the day written as the language writes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sync.charter import Charter


def _(message: str) -> str:
    return message


@dataclass(frozen=True)
class Sentence:
    template: str
    due: datetime | None = None
    contact: str = ""

    def say(self, gettext, lang: str) -> str:
        from kiosk.core.i18n import date_words

        day = date_words(self.due, lang, weekday=True) if self.due is not None else ""
        # a date that ends in its own full stop ("2026 г.") closes the sentence once
        return re.sub(r"(?<!\.)\.\.(?!\.)", ".", gettext(self.template).format(day=day, contact=self.contact))


def _due(charter: Charter | None, kind: str, now: datetime) -> datetime | None:
    return charter.due(kind, now) if charter is not None else None


def report(charter: Charter | None, now: datetime, contact: str, offline: bool) -> list[Sentence]:
    """A street report just queued; `contact` the (masked) address or number for updates."""
    due = _due(charter, "street-report", now)
    out = [Sentence(_("We aim to pass it to the team that deals with it by {day}."), due) if due
           else Sentence(_("We pass it on to the team that deals with it."))]
    if offline and contact:
        out.append(Sentence(_("This kiosk is offline just now. It will send your report as soon as it is back "
                              "online, and we will then send a confirmation to {contact}."), contact=contact))
    elif offline:
        out.append(Sentence(_("This kiosk is offline just now. It will send your report as soon as it is back "
                              "online. You do not need to do anything.")))
    elif contact:
        out.append(Sentence(_("We are sending a confirmation to {contact}, and will tell you when the team starts "
                              "work and when it is closed."), contact=contact))
    return out


def documents(charter: Charter | None, now: datetime, offline: bool) -> list[Sentence]:
    """Documents just queued (the done screen says itself whether they have gone yet)."""
    due = _due(charter, "document", now)
    return [Sentence(_("We aim to look at your documents by {day}."), due) if due
            else Sentence(_("We will look at your documents and contact you if we need anything more."))]


def follow_up(charter: Charter | None, now: datetime) -> Sentence | None:
    """The promise made to a resident who asks to be contacted to finish their signup."""
    due = _due(charter, "follow-up", now)
    return Sentence(_("If you ask us to, someone from the council will contact you by {day}."), due) if due else None
