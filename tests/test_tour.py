"""`python -m kiosk --tour`: every screen in every language, rendered and fully translated."""

import json
import os
import re
import struct
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po

from kiosk.core.content import ContentPack, parse_body
from kiosk.core.i18n import LANGUAGES, SOURCE_LANGUAGE, po_path
from kiosk.core.paths import ROOT, TRANSLATIONS_DIR
from kiosk.ui.tour import STEPS

pytestmark = pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs a display (Xvfb)")


@pytest.fixture(scope="module")
def tour(tmp_path_factory):
    """The tour in English (the other languages' screens are laid out and read by the layout
    check, which runs beside the suite)."""
    out = tmp_path_factory.mktemp("tour")
    result = subprocess.run([sys.executable, "-m", "kiosk", "--tour", str(out), "--tour-languages", "en"],
                            cwd=ROOT, capture_output=True, text=True, timeout=800)
    assert result.returncode == 0, result.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def screen_texts():
    """The text on every screen in every language, as the layout check saw it."""
    from tests.conftest import layout_check_run

    _stdout, out, _code = layout_check_run()
    return json.loads((out / "texts.json").read_text(encoding="utf-8"))


def png_size(path):
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", head[16:24])


@pytest.mark.timeout(900)
def test_one_png_per_screen_and_a_sample_at_the_largest_text_and_in_high_contrast(tour):
    from kiosk.ui.tour import SAMPLE, VARIANTS

    for variant in VARIANTS:
        shown = {p.stem.split("-", 1)[1] for p in (tour / f"en-{variant}").glob("*.png")}
        assert shown == SAMPLE
    for lang in ["en"]:
        names = sorted(p.name for p in (tour / lang).glob("*.png"))
        assert names == [f"{i:02d}-{name}.png" for i, (name, _) in enumerate(STEPS, 1)]
        for path in (tour / lang).glob("*.png"):
            assert png_size(path) == (1280, 800)
            assert path.stat().st_size > 10_000  # a real picture, not a blank frame


def english_strings():
    """English text that must not appear on a screen in another language, per language."""
    pack = ContentPack.load()
    by_lang = {}
    for lang in LANGUAGES:
        if lang == SOURCE_LANGUAGE:
            continue
        with po_path(TRANSLATIONS_DIR, lang).open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        english = set()
        for m in catalog:
            ids = m.id if isinstance(m.id, tuple) else (m.id,)
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            if m.id and strings[0] != ids[0]:
                english.update(re.sub(r"\{\w+\}.*", "", i).strip() for i in ids)
        for item in list(pack.pages) + [t.id for t in pack.topics]:
            en, other = pack.text("en", item), pack.text(lang, item)
            for field in ("title", "summary", "link_label"):
                if getattr(en, field) and getattr(en, field) != getattr(other, field):
                    english.add(getattr(en, field))
            english.update(b.text for b in parse_body(en.body))
        by_lang[lang] = {e for e in english if len(e) > 2}
    return by_lang


def untranslated(texts, english_by_lang):
    """(language, screen, text) for every English string shown in another language."""
    endonyms = set(LANGUAGES.values())
    leftovers = []
    for lang, shown_by_screen in texts.items():
        english = english_by_lang.get(lang, set())
        for screen, shown in shown_by_screen.items():
            for text in shown:
                # The attract screen invites every language in its own words.
                if screen == "attract" and any(text.startswith(name + "\n") for name in endonyms):
                    continue
                first = text.split("\n")[0].strip()
                if text in english or first in english:
                    leftovers.append((lang, screen, text))
    return leftovers


def test_the_english_detector_detects():
    english = english_strings()
    assert "Back" in english["pl"] and "What goes in which bin" in english["bg"]
    shown = {"pl": {"home": ["Wstecz", "Back"]}, "bg": {"info-page": ["Brown caddy: food waste"]}}
    assert untranslated(shown, english) == [("pl", "home", "Back"), ("bg", "info-page", "Brown caddy: food waste")]


@pytest.mark.timeout(1500)
def test_nothing_english_on_other_language_screens(screen_texts):
    assert untranslated(screen_texts, english_strings()) == []


@pytest.mark.timeout(1500)
def test_screen_texts_cover_every_screen_in_every_language(screen_texts, tour):
    assert set(screen_texts) == set(LANGUAGES)
    for lang in LANGUAGES:
        assert set(screen_texts[lang]) == {name for name, _ in STEPS}
    assert "Dotknij, aby zacząć" in screen_texts["pl"]["attract"]
    assert any("Are you still there?" in t for t in screen_texts["en"]["idle-warning"])
    # The tour and the check see the same screens (but for the status line's clock and state).
    english = json.loads((tour / "texts.json").read_text(encoding="utf-8"))["en"]

    def steady(texts):
        return [t for t in texts if "  ·  " not in t]

    for step in ("home", "visit-purpose", "feedback-stars"):
        assert steady(english[step]) == steady(screen_texts["en"][step])
