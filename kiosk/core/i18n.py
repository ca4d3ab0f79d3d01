"""Languages and gettext catalogues, without Kivy.

Catalogues are kept as `.po` files under `assets/translations/<lang>/LC_MESSAGES/` (the
files translators edit). They are compiled in memory at start-up with Babel, so no
generated `.mo` file is needed in the source tree.

    >>> cat = Catalogues.load()
    >>> cat.gettext("pl", "Touch to start")
    'Dotknij, aby zacząć'
"""

from __future__ import annotations

import gettext
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "hubkiosk"
SOURCE_LANGUAGE = "en"

def date_words(day, lang: str, weekday: bool = False) -> str:
    """A date the way the language writes it (CLDR, by Babel): "1 December 2026",
    "2026 m. gruodžio 1 d.", "1 grudnia 2026"; with the day of the week if asked.

        >>> from datetime import date
        >>> date_words(date(2026, 12, 1), "lt", weekday=True)
        '2026 m. gruodžio 1 d., antradienis'
    """
    from babel.dates import format_date

    return format_date(day, "full" if weekday else "long", locale=_babel_locale(lang))


def date_time_words(moment, lang: str, weekday: bool = False) -> str:
    """A date and a 24-hour time: "Tuesday 1 December 2026, 19:05"."""
    from babel.dates import format_time

    return f"{date_words(moment, lang, weekday)}, {format_time(moment, 'HH:mm', locale=_babel_locale(lang))}"


def _babel_locale(lang: str) -> str:
    return "en_GB" if lang == SOURCE_LANGUAGE else lang   # British English, day before month


# Each language is shown in its own name, so a resident finds theirs whatever is on screen.
LANGUAGES: dict[str, str] = {
    "en": "English",
    "pl": "Polski",
    "ro": "Română",
    "lt": "Lietuvių",
    "bg": "Български",
}


def po_path(directory: Path, lang: str) -> Path:
    return Path(directory) / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_po(path: Path) -> gettext.GNUTranslations:
    """Read a `.po` file and return it as a ready gettext catalogue (fuzzy entries skipped)."""
    with open(path, "rb") as fh:
        catalog = read_po(fh, ignore_obsolete=True)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


class Catalogues:
    """The translations for every supported language, looked up by language code."""

    def __init__(self, translations: dict[str, gettext.NullTranslations]) -> None:
        self._translations = translations

    @classmethod
    def load(cls, directory: Path | None = None) -> "Catalogues":
        from kiosk.core.paths import TRANSLATIONS_DIR

        directory = Path(directory or TRANSLATIONS_DIR)
        translations: dict[str, gettext.NullTranslations] = {SOURCE_LANGUAGE: gettext.NullTranslations()}
        for lang in LANGUAGES:
            path = po_path(directory, lang)
            if lang != SOURCE_LANGUAGE and path.exists():
                translations[lang] = compile_po(path)
        return cls(translations)

    def gettext(self, lang: str, message: str) -> str:
        return self._translations.get(lang, self._translations[SOURCE_LANGUAGE]).gettext(message)

    def ngettext(self, lang: str, singular: str, plural: str, n: int) -> str:
        return self._translations.get(lang, self._translations[SOURCE_LANGUAGE]).ngettext(
            singular, plural, n
        )
