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
from kiosk.core.forms import Invalid
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


class FeedbackQuestions:
    """The feedback page's steps: one question at a time, any of them skipped.

    "Did you find what you needed?" (Yes / No), then "How was it today?" (one to five
    stars), then an optional comment and Send; then thanks. Nothing is sent before Send.

        >>> q = FeedbackQuestions("documents")
        >>> q.step, q.number, q.total
        ('found', 1, 3)
        >>> q.answer_found(True); q.answer_stars(5); q.step
        'comment'
        >>> q.finish(" Quick ").comment, q.step
        ('Quick', 'thanks')
    """

    STEPS = ("found", "stars", "comment")

    def __init__(self, journey: str) -> None:
        self.journey = journey
        self.step = self.STEPS[0]
        self.found: bool | None = None
        self.stars: int | None = None

    @property
    def number(self) -> int:
        return self.STEPS.index(self.step) + 1 if self.step in self.STEPS else len(self.STEPS)

    @property
    def total(self) -> int:
        return len(self.STEPS)

    def _next(self) -> None:
        self.step = self.STEPS[self.STEPS.index(self.step) + 1]

    def answer_found(self, found: bool | None) -> None:
        """Yes, No, or None to skip the question."""
        if self.step == "found":
            self.found = found
            self._next()

    def answer_stars(self, stars: int | None) -> None:
        """One to five, or None to skip the question."""
        if self.step == "stars":
            if stars is not None and (isinstance(stars, bool) or stars not in range(1, 6)):
                raise Invalid(_("Please choose from one to five stars."), "stars")
            self.stars = stars
            self._next()

    def back(self) -> bool:
        """One question back; False on the first (there is nothing before it)."""
        if self.step not in self.STEPS or self.step == self.STEPS[0]:
            return False
        self.step = self.STEPS[self.STEPS.index(self.step) - 1]
        return True

    def given(self, comment: str = "") -> bool:
        """Whether there is anything to send (skipping everything sends nothing, and is fine)."""
        return self.found is not None or self.stars is not None or bool(" ".join((comment or "").split()))

    def finish(self, comment: str = "") -> Feedback:
        """The answer to send (checked: `Invalid` if nothing at all was given); then thanks."""
        answer = Feedback(self.journey, found=self.found, stars=self.stars, comment=comment).checked()
        self.step = "thanks"
        return answer
