"""Feedback after a journey: "Did you find what you needed?", 1 to 5 stars, a comment.

Anonymous: the record says which journey, where and on which day, never who, and is not
linked to anything else the resident did. Giving feedback never stands between a resident
and leaving: "No thanks", Finish and the idle wipe all simply end the visit.

    >>> answer = Feedback("information", found=True, stars=4, comment=" Clear,  thanks ")
    >>> answer.checked().comment
    'Clear, thanks'
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from kiosk.core.residents.validate import clean_text
from kiosk.core.visitors.validation import Invalid
from sync import payloads
from sync.payloads import JOURNEYS, MAX_COMMENT


def _(message: str) -> str:
    """Marks a message for translation; the screens translate it when they show it."""
    return message


def clean_comment(text: str | None) -> str:
    """The comment as it will be read: one paragraph, no control or direction-override
    characters, at most `MAX_COMMENT` characters (else `Invalid` asks to shorten it)."""
    return clean_text(text, MAX_COMMENT, "comment", _("Please keep your comment under 500 characters."))


@dataclass(frozen=True)
class Feedback:
    journey: str
    found: bool | None = None     # "Did you find what you needed?"
    stars: int | None = None      # 1 to 5
    comment: str = ""

    def checked(self) -> "Feedback":
        if self.journey not in JOURNEYS:
            raise ValueError(f"unknown journey {self.journey!r}")
        if self.stars is not None and (isinstance(self.stars, bool) or self.stars not in range(1, 6)):
            raise Invalid(_("Please choose from one to five stars."), "stars")
        if self.found not in (True, False, None):
            raise Invalid(_("Please answer yes or no."), "found")
        answer = replace(self, comment=clean_comment(self.comment))
        if answer.found is None and answer.stars is None and not answer.comment:
            raise Invalid(_("Please choose an answer first, or touch “No thanks”."), "found")
        return answer


class FeedbackBox:
    """Queues answers for central (sealed, through the outbox; works offline)."""

    def __init__(self, outbox, site: str, today=date.today) -> None:
        self.outbox = outbox
        self.site = site
        self.today = today

    def send(self, answer: Feedback, language: str) -> str:
        answer = answer.checked()
        return self.outbox.enqueue(payloads.Feedback(
            journey=answer.journey, found=answer.found, stars=answer.stars, comment=answer.comment,
            language=language, site=self.site, day=self.today()))
