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


CENTRAL = ROOT / "central" / "translations"
CONSOLE = "console"  # the staff console's strings, in central's catalogues under this context


def template_messages(template: Path):
    """(lineno, function, message) of every _() and ngettext() in a central template, as
    Babel reads them with the templates' own settings."""
    from jinja2.ext import babel_extract

    with template.open("rb") as fh:
        for lineno, func, message, _comments in babel_extract(
                fh, ("_", "ngettext"), [], {"extensions": "jinja2.ext.i18n", "trim_blocks": "true",
                                            "lstrip_blocks": "true"}):
            yield lineno, func, message


def console_strings() -> list[tuple[str, str]]:
    """(message, where) for every _() in the console's templates (English first)."""
    found = {}
    for template in sorted((ROOT / "central" / "templates" / "console").glob("*.html")):
        for lineno, _func, message in template_messages(template):
            for text in (message if isinstance(message, tuple) else (message,)):
                if text:
                    found.setdefault(text, f"central/templates/console/{template.name}:{lineno}")
    return sorted(found.items())


def central_catalogues():
    """(path, catalogue) of central's .po in each language but English, as they are now."""
    for lang in LANGUAGES:
        if lang != SOURCE_LANGUAGE:
            path = CENTRAL / lang / "LC_MESSAGES" / "central.po"
            with path.open("rb") as fh:
                yield path, read_po(fh, locale=lang)


def console_catalogues(check: bool) -> list[str]:
    """Put every console string in each of central's catalogues (msgctxt "console"), new
    ones empty for the translators; with `check`, say which catalogues lack some."""
    stale = []
    strings = console_strings()
    for path, catalog in central_catalogues():
        wanted = {text for text, _where in strings}
        have = {m.id for m in catalog if m.context == CONSOLE}
        if check:
            if wanted - have or have - wanted:
                stale.append(f"{path.relative_to(ROOT)}: console strings out of date (run scripts/i18n.py)")
            continue
        for text, where in strings:
            if text not in have:
                catalog.add(text, "", [(where.rsplit(":", 1)[0], int(where.rsplit(":", 1)[1]))], context=CONSOLE)
        for message in [m for m in catalog if m.context == CONSOLE and m.id not in wanted]:
            catalog.delete(message.id, context=CONSOLE)
        path.write_bytes(render(catalog))
    return stale


RESIDENT = "resident"  # central's pages for residents (central.pages), which must be translated
RESIDENT_PYTHON = ("central/pages.py", "central/tracking.py", "central/account_pages.py", "central/passwords.py",
                   "central/notices.py", "central/letter_guides.py")


def resident_strings() -> list[tuple[object, str]]:
    """(message, where) for every resident page's text: `_()`/`ngettext()` in central's
    templates outside the console, `_()` and `view.gettext()` in the pages' Python. A plural
    is a (singular, plural) tuple."""
    from babel.messages.extract import extract_python

    found = {}
    templates = ROOT / "central" / "templates"
    for template in sorted(p for p in templates.rglob("*.html") if "console" not in p.relative_to(templates).parts):
        for lineno, func, message in template_messages(template):
            # a call with named values comes as (text, None, ...); a plural as (one, many, ...)
            parts = message if isinstance(message, tuple) else (message,)
            text = tuple(parts[:2]) if func == "ngettext" else parts[0]
            if text and (isinstance(text, str) or all(text)):
                found.setdefault(text, f"{template.relative_to(ROOT)}:{lineno}")
    for name in RESIDENT_PYTHON:
        with (ROOT / name).open("rb") as fh:
            for lineno, _func, message, _comments in extract_python(fh, {"_": None, "gettext": None}, [], {}):
                text = message[0] if isinstance(message, tuple) else message
                if isinstance(text, str) and text:
                    found.setdefault(text, f"{name}:{lineno}")
    return sorted(found.items(), key=lambda item: str(item[0]))


def resident_catalogues(check: bool) -> list[str]:
    """Put every resident page string in central's catalogues (msgctxt "resident"); with
    `check`, say which catalogues lack some or have some untranslated."""
    stale = []
    strings = resident_strings()
    wanted = {text if isinstance(text, str) else text[0]: text for text, _where in strings}
    for path, catalog in central_catalogues():
        lang = str(catalog.locale)
        have = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.context == RESIDENT}
        if check:
            untranslated = [key for key, m in have.items() if not m.string or m.fuzzy or
                            (isinstance(m.string, tuple) and not all(m.string))]
            if set(wanted) != set(have):
                stale.append(f"{path.relative_to(ROOT)}: resident page strings out of date (run scripts/i18n.py)")
            elif untranslated:
                stale.append(f"{lang}: {len(untranslated)} resident page strings untranslated, "
                             f"e.g. {untranslated[0]!r}")
            continue
        for text, where in strings:
            key = text if isinstance(text, str) else text[0]
            if key not in have:
                spot = where.rsplit(":", 1)
                catalog.add(text, "" if isinstance(text, str) else ("",) * catalog.num_plurals,
                            [(spot[0], int(spot[1]))], context=RESIDENT)
        for key in [key for key in have if key not in wanted]:
            catalog.delete(have[key].id, context=RESIDENT)
        path.write_bytes(render(catalog))
    return stale


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
    stale += console_catalogues(check)
    stale += resident_catalogues(check)
    if stale:
        print("\n".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
