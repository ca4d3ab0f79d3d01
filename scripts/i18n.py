"""Refresh the translation catalogues after changing any user-visible string.

    python scripts/i18n.py          extract strings, update every .po (new ones empty)
    python scripts/i18n.py --check  exit 1 if any catalogue is out of date or incomplete

Translators edit `assets/translations/<lang>/LC_MESSAGES/hubkiosk.po`; the kiosk compiles
them in memory when it starts.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.core.i18n import DOMAIN, LANGUAGES, SOURCE_LANGUAGE, po_path  # noqa: E402

KEYWORDS = {"_": None, "n_": (1, 2)}
TRANSLATIONS = ROOT / "assets" / "translations"


def extract() -> Catalog:
    """Every translatable string in the kiosk's Python and kv files."""
    template = Catalog(project="hubkiosk", domain=DOMAIN, charset="utf-8")
    method_map = [("kiosk/**.py", "python"), ("assets/kv/**.kv", "python")]
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map=method_map, keywords=KEYWORDS, comment_tags=("Translators:",)
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def updated(lang: str, template: Catalog) -> Catalog:
    path = po_path(TRANSLATIONS, lang)
    if path.exists():
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
    else:
        catalog = Catalog(locale=lang, domain=DOMAIN, project="hubkiosk", charset="utf-8")
    catalog.update(template, no_fuzzy_matching=True)
    return catalog


def render(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_po(buf, catalog, width=100, omit_header=False, ignore_obsolete=True, sort_output=True)
    return buf.getvalue()


def main(argv: list[str]) -> int:
    check = "--check" in argv
    template = extract()
    stale = []
    for lang in LANGUAGES:
        if lang == SOURCE_LANGUAGE:
            continue
        path = po_path(TRANSLATIONS, lang)
        catalog = updated(lang, template)
        if check:
            missing = [m.id for m in catalog if m.id and (not m.string or m.fuzzy or
                       (isinstance(m.string, tuple) and not all(m.string)))]
            if missing:
                stale.append(f"{lang}: {len(missing)} untranslated, e.g. {missing[0]!r}")
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(render(catalog))
        print(f"updated {path.relative_to(ROOT)} ({len(template)} strings)")
    if stale:
        print("\n".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
