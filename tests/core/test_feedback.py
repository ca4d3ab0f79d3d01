"""Feedback after a journey: answers checked, kept anonymous, queued sealed."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from central.keys import CouncilKeys
from kiosk.core.feedback import MAX_COMMENT, Feedback, FeedbackBox, clean_comment
from kiosk.core.forms import Invalid
from sync import payloads
from sync.outbox import Outbox
from sync.store import open_db
from tests.helpers import queued


@given(st.text(max_size=MAX_COMMENT))
def test_a_comment_comes_back_tidy_or_is_refused_kindly(text):
    try:
        comment = clean_comment(text)
    except Invalid as exc:
        assert exc.field == "comment" and "500" in exc.message
        return
    assert len(comment) <= MAX_COMMENT
    assert comment == comment.strip() and "  " not in comment
    assert not any(c in comment for c in "\n\r\t\x00\u202e\u202d\u2066\u2067")   # no controls or overrides
    assert clean_comment(comment) == comment                                   # tidying twice changes nothing


@pytest.mark.parametrize("typed, kept", [
    ("  Very   helpful,\nthank you ", "Very helpful, thank you"),
    ("Dziękuję 👍", "Dziękuję 👍"),                                # emoji are fine in a comment
    ("شكرا جزيلا", "شكرا جزيلا"),                                    # right-to-left text is kept
    ("evil \u202egnp.exe", "evil gnp.exe"),                          # a direction override is not
    ("'; DROP TABLE feedback; --", "'; DROP TABLE feedback; --"),   # just text
])
def test_comments(typed, kept):
    assert clean_comment(typed) == kept


def test_ten_thousand_characters_are_refused_kindly():
    with pytest.raises(Invalid) as caught:
        clean_comment("a" * 10_000)
    assert caught.value.message == "Please keep your comment under 500 characters."


@pytest.mark.parametrize("answer, field", [
    (Feedback("information"), "found"),                    # nothing chosen: send is not the way out
    (Feedback("visitors", stars=0), "stars"),
    (Feedback("visitors", stars=6), "stars"),
    (Feedback("visitors", stars=True), "stars"),
    (Feedback("documents", comment="   "), "found"),
])
def test_answers_that_cannot_be_sent(answer, field):
    with pytest.raises(Invalid) as caught:
        answer.checked()
    assert caught.value.field == field
    with pytest.raises(ValueError):
        Feedback("parking", found=True).checked()


def test_an_answer_is_queued_sealed_and_anonymous(tmp_path):
    keys = CouncilKeys.generate()
    outbox = Outbox(open_db(tmp_path / "kiosk.db"), tmp_path / "attachments", keys.public_b64)
    box = FeedbackBox(outbox, "Northfield Community Hub", today=lambda: date(2026, 11, 22))
    box.send(Feedback("documents", found=False, stars=2, comment="The camera was slow"), "ro")
    (record,) = outbox.claim(10)
    assert record.kind == "feedback" and b"camera" not in record.payload
    assert queued(keys, record) == payloads.Feedback(
        journey="documents", found=False, stars=2, comment="The camera was slow", language="ro",
        site="Northfield Community Hub", day=date(2026, 11, 22))
