"""Central's own texts (My Account emails) are complete in every kiosk language, with the
same placeholders as the English, in gettext catalogues like the kiosk's."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from central import account_emails

PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


@pytest.mark.parametrize("language", account_emails.TRANSLATED)
def test_every_email_text_is_translated_with_its_placeholders(language):
    path = account_emails.TRANSLATIONS / language / "LC_MESSAGES" / "central.po"
    with path.open("rb") as fh:
        catalogue = read_po(fh, locale=language)
    found = {m.context: m for m in catalogue if m.id}
    for key, english in account_emails.EN.items():
        message = found.get(f"email.{key}")
        assert message is not None and message.id == english, f"{language}: {key} missing or stale"
        assert message.string and not message.fuzzy, f"{language}: {key} untranslated"
        assert sorted(PLACEHOLDER.findall(message.string)) == sorted(PLACEHOLDER.findall(english)), key
    words = account_emails.LANGUAGES[language]  # what the emails use: the catalogue's words
    assert [key for key, english in account_emails.EN.items() if words[key] == english] == []


def test_an_email_in_another_language_carries_the_english_too():
    subject, body = account_emails.render("reset", "lt", council="Riverside", name="Jo", link="L", reset_link="R")
    assert subject != account_emails.render("reset", "en", council="Riverside", name="Jo", link="L")[0]
    assert "In English:" in body and body.count("L\n") >= 2


def test_every_default_category_text_is_in_all_five_languages():
    from central.categories import DEFAULT_CATEGORIES

    def all_texts(category):
        yield category["name"]
        yield category["hint"]
        for question in category["questions"]:
            yield question["label"]
            yield from (option["label"] for option in question.get("options", []))

    missing = [(texts["en"], language) for category in DEFAULT_CATEGORIES for texts in all_texts(category)
               for language in ("en", "pl", "ro", "lt", "bg") if not texts.get(language)]
    assert missing == []
