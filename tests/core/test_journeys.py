"""Each journey's steps, in plain Python: what comes next, where Back goes, "Step n of m"."""

from __future__ import annotations

import pytest

from kiosk.core.content import ContentPack
from kiosk.core.journeys import (CAMERA, CATEGORIES, ENROLLED, JOURNEYS, LETTERS, Path, documents, offered, report,
                                  signup, staff, visitors)
from kiosk.core.journeys.information import InformationJourney
from sync.payloads import JOURNEY_NAMES, KINDS


def test_every_journey_is_written_once_and_matches_the_wire_list():
    assert tuple(JOURNEYS) == tuple(JOURNEY_NAMES)
    for journey in JOURNEYS.values():
        assert journey.title and journey.summary and journey.icon
        assert journey.record is None or journey.record in KINDS


def test_what_a_kiosk_offers_follows_what_it_has():
    everything = [j.name for j in offered(JOURNEY_NAMES, {ENROLLED, CAMERA, CATEGORIES, LETTERS})]
    assert everything == list(JOURNEY_NAMES)
    assert "letters" not in [j.name for j in offered(JOURNEY_NAMES, {ENROLLED, CAMERA, CATEGORIES})]
    assert [j.name for j in offered(JOURNEY_NAMES, set())] == ["information"]
    assert "documents" not in [j.name for j in offered(JOURNEY_NAMES, {ENROLLED, CATEGORIES})]
    assert "report" not in [j.name for j in offered(JOURNEY_NAMES, {ENROLLED, CAMERA})]
    # The kiosk's own order and choice stand.
    assert [j.name for j in offered(("report", "information"), {ENROLLED, CATEGORIES})] == ["report", "information"]


def test_a_path_skips_optional_steps_both_ways_and_numbers_only_those_shown():
    path = Path("a", "b", "c", "d", optional={"b", "c"}, variants={"c2": "c"}, unnumbered={"d"})
    none = lambda _s: False  # noqa: E731
    every = lambda _s: True  # noqa: E731
    assert path.after("a", none) == "d" and path.before("d", none) == "a"
    assert path.after("a", every) == "b" and path.before("d", every) == "c"
    assert path.after("d", every) is None and path.before("a", every) is None
    assert path.position("a", none) == (1, 1) and path.position("a", every) == (1, 3)
    assert path.position("d", every) is None
    assert path.before("c2", every) == "c" and path.after("c2", every) == "d" and path.position("c2", every) == (3, 3)
    assert "c2" in path and "x" not in path


@pytest.mark.parametrize("vehicle, photo", [(True, True), (True, False), (False, True), (False, False)])
def test_walk_in_visitor_steps(vehicle, photo):
    shows = {"vehicle": vehicle, "photo": photo}.get
    order = ["about", "host", "purpose"] + ["vehicle"] * vehicle + ["photo"] * photo + ["rules"]
    assert [visitors.position(s, shows) for s in order] == [(n, len(order)) for n in range(1, len(order) + 1)]
    assert [visitors.back(s, False, shows) for s in order] == ["start", *order[:-1]]
    assert [visitors.after(s, shows) for s in order[:-1]] == order[1:]   # one question a page
    for side in ("code", "confirm", "signout"):
        assert visitors.back(side, False, shows) == "start"
        assert visitors.position(side, shows) is None
    assert visitors.back("start", False, shows) is None
    # Once checked in, Back never reopens the form behind the welcome.
    assert visitors.back("rules", True, shows) is None
    assert visitors.back("welcome", False, shows) is None and visitors.back("goodbye", False, shows) is None
    # A problem found at the end sends them to the step that asks for it.
    assert [visitors.step_for(f) for f in ("email", "host", "purpose", "vehicle", "photo")] == [
        "about", "host", "purpose", "vehicle", "photo"]
    assert visitors.step_for("nonsense") is None


def test_document_steps():
    assert [documents.position(s) for s in ("start", "kind", "reference", "person", "camera", "review", "adjust")] == [
        (1, 5), (2, 5), (3, 5), (3, 5), (4, 5), (5, 5), (5, 5)]
    assert documents.back("kind", 0, "", False) == "start"
    assert documents.back("reference", 0, "", False) == "kind"
    assert documents.back("person", 0, "", False) == "reference"
    assert documents.back("adjust", 1, "reference", False) == "review"
    # Back from the camera: to the pages taken, else to how the case was named.
    assert documents.back("camera", 2, "reference", False) == "review"
    assert documents.back("camera", 0, "reference", False) == "reference"
    assert documents.back("camera", 0, "person", False) == "person"
    assert documents.back("camera", 0, "", False) == "kind"   # another document for the same case
    # The review keeps its pages: Back stays (the screen says how to send or leave).
    assert documents.back("review", 3, "reference", False) == "review"
    assert documents.back("start", 0, "", False) is None
    assert documents.back("camera", 1, "reference", True) is None and documents.back("sent", 1, "", True) is None


def test_signup_steps():
    asked = ["name", "email", "mobile", "address", "dob", "contact", "terms"]
    assert [signup.position(s) for s in asked] == [(n, 7) for n in range(1, 8)]
    assert signup.position("manual") == (4, 7)
    assert signup.position("start") is None and signup.position("check") is None
    assert signup.back("name") == "start" and signup.back("dob") == "address" and signup.back("manual") == "address"
    assert signup.back("check") == "terms"
    assert signup.back("start") is None and signup.back("done") is None and signup.back("volunteer") is None


@pytest.mark.parametrize("questions, camera, numbered", [
    (False, False, ["category", "where", "details", "contact"]),
    (True, False, ["category", "questions", "where", "details", "contact"]),
    (False, True, ["category", "where", "details", "photo", "contact"]),
    (True, True, ["category", "questions", "where", "details", "photo", "contact"]),
])
def test_report_steps_count_only_the_pages_shown(questions, camera, numbered):
    shows = {"questions": questions, "photo": camera}.get
    positions = [report.position(s, shows) for s in numbered]
    assert positions == [(n, len(numbered)) for n in range(1, len(numbered) + 1)]   # never "Step 3" twice
    assert report.position("check", shows) is None
    walked, step = [], "category"
    while step is not None:
        walked.append(step)
        step = report.PATH.after(step, shows)
    assert walked == numbered + ["check"]
    back = [report.back(s, shows) for s in reversed(walked)]
    assert back == list(reversed(walked))[1:] + [None]
    assert report.back("done", shows) is None


def test_report_questions_are_one_a_page_and_a_change_returns_to_the_check():
    asked, index = [], 0
    while index is not None:
        asked.append(index)
        index = report.after_question(index, 3)
    assert asked == [0, 1, 2]
    back, index = [], 2
    while index is not None:
        back.append(index)
        index = report.before_question(index)
    assert back == [2, 1, 0]
    assert report.after_question(1, 3, changing=True) is None      # straight back to the check
    assert report.before_question(1, changing=True) is None
    assert report.after_question(0, 1) is None and report.after_question(0, 0) is None


def test_staff_steps():
    for tool in ("visitors", "rollcall", "volunteer"):
        assert staff.back(tool, unlocked=True) == "panel"
        assert staff.back(tool, unlocked=False) is None   # locked again: nothing to go back to
    assert staff.back("panel", unlocked=True) is None and staff.back("pin", unlocked=False) is None


def test_information_steps():
    journey = InformationJourney(ContentPack.load())
    assert journey.step == "topics"
    topic = journey.pack.topics[0]
    journey.choose_topic(topic.id)
    journey.open_page(topic.pages[0])
    assert journey.step == "page" and journey.pages_read == 1
    assert journey.back() and journey.step == "topic"
    assert journey.back() and journey.step == "topics"
    assert not journey.back()
    journey.search("bins", "en")
    journey.search("council tax", "en")  # a new search replaces the results, not stacks them
    assert journey.step == "results" and journey.current.query == "council tax"
    assert journey.back() and journey.step == "topics"
    with pytest.raises(KeyError):
        journey.choose_topic("no-such-topic")
