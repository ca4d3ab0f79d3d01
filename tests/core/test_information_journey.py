"""The Find information journey as a state machine."""

import pytest

from kiosk.core.journeys.information import InformationJourney


@pytest.fixture
def journey(pack):
    return InformationJourney(pack)


def test_browse_and_back(journey):
    assert journey.step == "topics"
    journey.choose_topic("housing")
    journey.open_page("housing-bands")
    assert (journey.step, journey.current.topic_id, journey.current.page_id) == ("page", "housing", "housing-bands")
    assert journey.back() and journey.step == "topic"
    assert journey.back() and journey.step == "topics"
    assert journey.back() is False  # leaves the journey
    assert journey.pages_read == 1


def test_search_then_open_then_back_to_results(journey):
    found = journey.search("  bulky   waste ", "en")
    assert journey.step == "results" and journey.current.query == "bulky waste"
    journey.open_page(found[0].id)
    journey.back()
    assert journey.step == "results" and journey.current.results[0] == "bulky-waste"


def test_searching_again_replaces_results(journey):
    journey.search("bins", "en")
    journey.search("library", "en")
    journey.back()
    assert journey.step == "topics"


def test_no_results_is_a_step_too(journey):
    assert journey.search("xqzw", "en") == []
    assert journey.step == "results" and journey.current.results == ()


def test_unknown_ids_are_refused(journey):
    with pytest.raises(KeyError):
        journey.choose_topic("parking")
    with pytest.raises(KeyError):
        journey.open_page("nope")
    assert journey.step == "topics"


def test_long_query_is_trimmed(journey):
    journey.search("bin " * 500, "en")
    assert len(journey.current.query) <= 100
