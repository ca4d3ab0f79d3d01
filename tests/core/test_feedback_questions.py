"""The feedback page's steps (kiosk.core.feedback.FeedbackQuestions), without a window."""

import pytest

from kiosk.core.feedback import FeedbackQuestions
from kiosk.core.forms import Invalid


def test_one_question_at_a_time_then_thanks():
    q = FeedbackQuestions("documents")
    assert (q.step, q.number, q.total) == ("found", 1, 3)
    q.answer_found(False)
    assert (q.step, q.number) == ("stars", 2)
    q.answer_stars(2)
    assert (q.step, q.number) == ("comment", 3)
    answer = q.finish("  The queue   was long ")
    assert (answer.journey, answer.found, answer.stars, answer.comment) == ("documents", False, 2,
                                                                            "The queue was long")
    assert q.step == "thanks"


def test_every_question_can_be_skipped_but_an_empty_answer_is_not_sent():
    q = FeedbackQuestions("information")
    q.answer_found(None)
    q.answer_stars(None)
    assert not q.given("") and not q.given("  \n ")   # the screen then just lets them go
    assert q.given("Clear")
    with pytest.raises(Invalid) as problem:
        q.finish("")
    assert problem.value.field == "found"
    assert q.step == "comment"          # still on the last question, nothing lost
    assert q.finish("Clear").comment == "Clear"


def test_any_answer_is_something_to_send():
    q = FeedbackQuestions("report")
    q.answer_found(False)
    assert q.given("")
    q = FeedbackQuestions("report")
    q.answer_found(None)
    q.answer_stars(3)
    assert q.given("")


def test_back_goes_to_the_question_before_and_keeps_the_answers():
    q = FeedbackQuestions("report")
    assert not q.back()                 # nothing before the first question
    q.answer_found(True)
    q.answer_stars(5)
    assert q.back() and q.step == "stars"
    assert q.back() and q.step == "found"
    assert (q.found, q.stars) == (True, 5)
    q.answer_found(True)
    q.answer_stars(4)
    assert q.finish().stars == 4


def test_answers_out_of_turn_or_out_of_range_change_nothing():
    q = FeedbackQuestions("visitors")
    q.answer_stars(3)                   # not the question on screen
    assert (q.step, q.stars) == ("found", None)
    q.answer_found(True)
    for wrong in (0, 6, True):
        with pytest.raises(Invalid):
            q.answer_stars(wrong)
    assert q.step == "stars"
