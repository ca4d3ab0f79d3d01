"""Keyboard layouts for each kind of field, and what each field accepts."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.core import keyboards as kb


@pytest.mark.parametrize("kind", kb.KINDS)
@pytest.mark.parametrize("lang", ["en", "pl", "ro", "lt", "bg"])
def test_every_layout_can_finish_and_delete(kind, lang):
    keys = [k for row in kb.layout(kind, lang) for k in row]
    assert kb.BACKSPACE in keys
    if kind != "phone":
        assert kb.DONE in keys


def test_layouts_fit_the_field():
    assert [len(r) for r in kb.layout("pin", "en")] == [3, 3, 3, 3]
    email = [k for row in kb.layout("email", "en") for k in row]
    assert "@" in email and ".co.uk" in email and kb.SPACE not in email
    assert set("ąćęłńóśźż") <= {k for row in kb.layout("text", "pl") for k in row}
    assert {"ș", "ț"} <= {k for row in kb.layout("text", "ro") for k in row}
    bg = {k for row in kb.layout("text", "bg") for k in row}
    assert "ж" in bg and kb.ALPHABET in bg
    assert "q" in {k for row in kb.layout("text", "bg", cyrillic=False) for k in row}


def test_unknown_kind():
    with pytest.raises(ValueError):
        kb.layout("colour", "en")


@pytest.mark.parametrize(
    "kind, raw, cleaned",
    [
        ("postcode", "sw1a  1aa", "SW1A 1AA"),
        ("postcode", "e1-6an!", "E16AN"),
        ("phone", "+44 (7700) 900-123", "+44 7700 900123"),
        ("pin", "12a34", "1234"),
        ("email", "Jo Bloggs@example.com", "JoBloggs@example.com"),
        ("text", "line\nbreak", "linebreak"),
    ],
)
def test_clean(kind, raw, cleaned):
    assert kb.clean(kind, raw) == cleaned


@given(kind=st.sampled_from(kb.KINDS), text=st.text())
def test_clean_is_idempotent_and_bounded(kind, text):
    once = kb.clean(kind, text)
    assert kb.clean(kind, once) == once
    assert len(once) <= kb.MAX_LENGTH[kind]
    assert all(kb.accepts(kind, c) for c in once)
