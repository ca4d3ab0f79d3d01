"""What a done screen and a slip promise: the charter's day, in the resident's language;
nothing said to be sent while the kiosk is offline; no day guessed without the charter."""

from __future__ import annotations

from datetime import date, datetime

from kiosk.core import acknowledge
from kiosk.core.i18n import Catalogues
from sync.charter import LONDON, Charter

CHARTER = Charter.from_document({
    "timescales": {"document": {"working_days": 5, "warn_days": 1}, "street-report": {"working_days": 2},
                   "follow-up": {"working_days": 2}},
    "bank_holidays": ["2026-12-25", "2026-12-28", "2027-01-01", "2027-12-27"], "closes": "17:00"})
CHRISTMAS_EVE = datetime(2026, 12, 24, 15, 0, tzinfo=LONDON)


def english(sentences) -> list[str]:
    return [s.say(lambda t: t, "en") for s in sentences]


def test_online_a_report_names_the_day_and_the_confirmation_on_its_way():
    said = english(acknowledge.report(CHARTER, CHRISTMAS_EVE, "j•••@example.com", offline=False))
    assert said == ["We aim to pass it to the team that deals with it by Wednesday, 30 December 2026.",
                    "We are sending a confirmation to j•••@example.com, and will tell you when the team starts "
                    "work and when it is closed."]


def test_offline_nothing_is_said_to_be_sent_yet():
    said = english(acknowledge.report(CHARTER, CHRISTMAS_EVE, "•••• 123", offline=True))
    assert said[0].endswith("by Wednesday, 30 December 2026.")
    assert "as soon as it is back online, and we will then send a confirmation to •••• 123" in said[1]
    assert "sending" not in " ".join(said)
    anonymous = english(acknowledge.report(CHARTER, CHRISTMAS_EVE, "", offline=True))
    assert "You do not need to do anything" in anonymous[1]
    assert english(acknowledge.report(CHARTER, CHRISTMAS_EVE, "", offline=False)) == said[:1]


def test_without_the_charter_or_past_its_holidays_no_day_is_guessed():
    assert english(acknowledge.report(None, CHRISTMAS_EVE, "", offline=False)) == [
        "We pass it on to the team that deals with it."]
    assert english(acknowledge.documents(None, CHRISTMAS_EVE, False)) == [
        "We will look at your documents and contact you if we need anything more."]
    assert acknowledge.follow_up(None, CHRISTMAS_EVE) is None
    assert CHARTER.due("document", datetime(2027, 12, 29, 10, tzinfo=LONDON)) is None   # 2028 not known
    assert Charter.from_document({"timescales": "nonsense"}) is None


def test_every_language_writes_the_day_its_own_way():
    catalogues = Catalogues.load()
    [sentence] = acknowledge.documents(CHARTER, datetime(2026, 12, 1, 10, tzinfo=LONDON), False)
    assert sentence.due.date() == date(2026, 12, 8)
    said = {lang: sentence.say(lambda t, lang=lang: catalogues.gettext(lang, t), lang)
            for lang in ("en", "pl", "ro", "lt", "bg")}
    assert said["en"] == "We aim to look at your documents by Tuesday, 8 December 2026."
    assert "wtorek, 8 grudnia 2026" in said["pl"] and "marți, 8 decembrie 2026" in said["ro"]
    assert "gruodžio 8" in said["lt"] and "8 декември 2026" in said["bg"]
    assert len(set(said.values())) == 5   # each in its own words
    assert said["bg"].endswith("2026\u202fг.") and ".." not in said["bg"]   # the date's own full stop ends it
