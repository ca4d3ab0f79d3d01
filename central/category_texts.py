"""Translations of the default report categories (central/categories.py).

Each English name, hint, question label and option label is a `msgid` with the context
`category` in central's catalogues, central/translations/<lang>/LC_MESSAGES/central.po:
Polish (pl, informal "ty"), Romanian (ro, polite "dumneavoastră"), Lithuanian (lt, polite
"Jūs") and Bulgarian (bg, polite "Вие"). `texts` builds the language mapping a category
carries; English text with no translation stays English only, so a kiosk falls back to
English for it.

Keep the words plain and short: residents read them standing at a kiosk.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
LANGUAGES = ("pl", "ro", "lt", "bg")


@lru_cache(maxsize=None)
def _catalogue(language: str) -> dict[str, str]:
    from babel.messages.pofile import read_po

    with (TRANSLATIONS_DIR / language / "LC_MESSAGES" / "central.po").open("rb") as fh:
        catalogue = read_po(fh, locale=language)
    return {m.id: m.string for m in catalogue if m.context == "category" and m.id and m.string and not m.fuzzy}


def texts(english: str) -> dict[str, str]:
    """The language -> text mapping for `english`: English first, then any translations."""
    found = {language: _catalogue(language).get(english) for language in LANGUAGES}
    return {"en": english, **{language: text for language, text in found.items() if text}}
