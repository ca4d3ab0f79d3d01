"""Translations: every string in every language, placeholders intact, nothing left out."""

import re
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po

from kiosk.core.i18n import LANGUAGES, SOURCE_LANGUAGE, Catalogues, po_path
from kiosk.core.paths import KV_DIR, ROOT, TRANSLATIONS_DIR

OTHER = [lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE]
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def entries(lang):
    with po_path(TRANSLATIONS_DIR, lang).open("rb") as fh:
        return [m for m in read_po(fh, locale=lang) if m.id]


def test_catalogues_match_the_source():
    """Every string in the code is in the catalogues (run scripts/i18n.py after changes)."""
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "i18n.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("lang", OTHER)
def test_every_string_is_translated(lang):
    untranslated = []
    for message in entries(lang):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(s.strip() for s in strings):
            untranslated.append(message.id)
    assert untranslated == []


@pytest.mark.parametrize("lang", OTHER)
def test_placeholders_survive_translation(lang):
    for message in entries(lang):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[0]))
        for s in strings:
            assert set(PLACEHOLDER.findall(s)) == wanted, (message.id, s)


@pytest.mark.parametrize("lang", OTHER)
def test_most_strings_differ_from_english(lang):
    same = [m.id for m in entries(lang) if m.string == m.id]
    assert len(same) <= 3, same  # a few words such as "PIN" are the same


def test_romanian_uses_comma_below_letters():
    text = po_path(TRANSLATIONS_DIR, "ro").read_text(encoding="utf-8")
    assert "ş" not in text and "ţ" not in text


def test_catalogues_load():
    catalogues = Catalogues.load()
    for lang in OTHER:
        assert catalogues.gettext(lang, "Touch to start") != "Touch to start"
    assert catalogues.gettext("en", "Touch to start") == "Touch to start"
    assert catalogues.gettext("xx", "Touch to start") == "Touch to start"


def test_kv_files_have_no_bare_text():
    """Visible text in kv goes through tr._ so it can be translated."""
    bare = []
    for path in KV_DIR.glob("*.kv"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = re.match(r"\s*(text|label|hint_text|title|message):\s*(.+)", line)
            # Icon names and URL tidying are not words a person reads.
            expression = re.sub(r"""icon_markup\(["'][\w-]+["']\)|\.replace\([^)]*\)""", "", match.group(2)) if match else ""
            if re.search(r"""["'][A-Za-z]{2,}""", expression) and "tr._(" not in expression \
                    and "tr.n_(" not in expression:
                bare.append(f"{path.name}:{number}: {line.strip()}")
    assert bare == []
