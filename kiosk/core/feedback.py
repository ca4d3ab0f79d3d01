"""Feedback after a journey: "Did you find what you needed?", 1 to 5 stars, a comment.

Anonymous: the record says which journey, where and on which day, never who, and is not
linked to anything else the resident did. Giving feedback never stands between a resident
and leaving: "No thanks", Finish and the idle wipe all simply end the visit.

    >>> answer = Feedback("information", found=True, stars=4, comment=" Clear,  thanks ")
    >>> answer.checked().comment
    'Clear, thanks'
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from datetime import date

from kiosk.core.visitors.validation import Invalid

JOURNEYS = ("information", "visitors", "appointments", "documents", "signup", "report")
MAX_COMMENT = 500
# Invisible characters that are part of writing some languages and emoji (joiners); other
# format characters (bidirectional overrides among them) are removed from comments.
_KEEP_FORMAT = {"\u200c", "\u200d"}


def _(message: str) -> str:
    """Marks a message for translation; the screens translate it when they show it."""
    return message


def clean_comment(text: str | None) -> str:
    """The comment as it will be read: one paragraph, no control or direction-override
    characters, at most `MAX_COMMENT` characters (else `Invalid` asks to shorten it)."""
    text = "".join(" " if c.isspace() else c for c in unicodedata.normalize("NFC", text or ""))
    kept = "".join(c for c in text
                   if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co") or c in _KEEP_FORMAT)
    comment = " ".join(kept.split())
    if len(comment) > MAX_COMMENT:
        raise Invalid(_("Please keep your comment under 500 characters."), "comment")
    return comment


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
        payload = {"journey": answer.journey, "found": answer.found, "stars": answer.stars,
                   "comment": answer.comment, "language": language, "site": self.site,
                   "day": self.today().isoformat()}
        return self.outbox.enqueue("feedback", payload)
