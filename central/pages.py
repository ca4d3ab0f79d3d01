"""Central's pages for residents (tracking, My Account, privacy, accessibility), in the
five languages of the kiosks, from Jinja2 templates (central/templates/) in one GOV.UK
Frontend page shell (`public.html`): the council's name at the top, a language switcher,
and the council's contact details, privacy notice and accessibility statement at the foot.

    page = pages.Page(request, preferred="pl")           # the resident's language
    page.render("track/report.html", title=page.gettext("Your report"), info=...)

The language is the one asked for with `?lang=` (the switcher's links), else the one the
resident used at the kiosk (`preferred`), else the browser's Accept-Language, else English.
Every page says it in `<html lang>` and `Content-Language`.

The words are English in the templates (`_()` and `{% trans %}`), and in the other languages
in central's gettext catalogues under the context `resident`
(central/translations/<lang>/LC_MESSAGES/central.po, kept by scripts/i18n.py, whose --check
fails while any is untranslated; one that is shows in English). Everything is escaped by
Jinja2's autoescape; a page sets the headers it needs (no-store, never framed, a strict CSP).
"""

from __future__ import annotations

import io
import os
import re
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date, format_time
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
TRANSLATIONS = HERE / "translations"
STYLESHEET = (HERE / "static" / "central.css").read_bytes()
CONTEXT = "resident"   # the msgctxt of these pages' words in central.po
LANGUAGES = {"en": "English", "pl": "Polski", "ro": "Română", "lt": "Lietuvių", "bg": "Български"}
_BABEL = {"en": "en_GB", "pl": "pl", "ro": "ro", "lt": "lt", "bg": "bg"}
# This site's stylesheets and GOV.UK Frontend's fonts and images; no script; forms back to
# this site only; never framed.
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
HEADERS = {"Cache-Control": "no-store", "Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
           "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}


@lru_cache(maxsize=None)
def translations(language: str) -> Translations:
    """The `resident` words of central.po for `language`, as gettext translations (fuzzy or
    empty ones left out, so they stay English)."""
    words = Catalog(locale=_BABEL.get(language, "en_GB"), charset="utf-8")
    path = TRANSLATIONS / language / "LC_MESSAGES" / "central.po"
    if language != "en" and path.exists():
        with path.open("rb") as fh:
            for message in read_po(fh, locale=language):
                if message.context == CONTEXT and message.id and message.string and not message.fuzzy:
                    if not isinstance(message.string, tuple) or all(message.string):
                        words.add(message.id, message.string)
    buf = io.BytesIO()
    write_mo(buf, words)
    buf.seek(0)
    return Translations(fp=buf)


@lru_cache(maxsize=None)
def _environment(language: str) -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translations(language), newstyle=True)
    env.filters["day"] = lambda moment: long_date(moment, language)
    env.filters["day_and_time"] = lambda moment: date_and_time(moment, language)
    return env


def gettext(language: str, text: str, **values) -> str:
    """`text` in `language`, its %(name)s placeholders filled from `values`."""
    words = translations(language).gettext(text)
    return words % values if values else words


def mark(text: str) -> str:
    """Marks an English text for the catalogues (`_ = mark`, scripts/i18n.py); it is said in
    the resident's language where it is shown."""
    return text


def long_date(moment: date | datetime, language: str, weekday: bool = False) -> str:
    """"12 December 2026" ("Friday 12 December 2026"), as the language writes it."""
    if isinstance(moment, datetime):
        moment = _local(moment).date()
    return format_date(moment, "full" if weekday else "long", locale=_BABEL.get(language, "en_GB"))


def date_and_time(moment: datetime, language: str) -> str:
    local = _local(moment)
    return f"{long_date(local, language)}, {format_time(local, 'short', locale=_BABEL.get(language, 'en_GB'))}"


def _local(moment: datetime) -> datetime:
    from central.db import aware
    from central.service_levels import LONDON

    return aware(moment).astimezone(LONDON)


def accept_language(header: str) -> list[str]:
    """The languages a browser asks for, best first ("pl-PL,pl;q=0.9,en;q=0.5" -> pl, en)."""
    wanted = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        match = re.fullmatch(r"\s*q=([01](?:\.\d{0,3})?)\s*", params) if params else None
        if params and match is None:
            continue
        if match:
            quality = float(match.group(1))
        code = tag.strip().lower().split("-")[0]
        if quality > 0 and re.fullmatch(r"[a-z]{2,3}", code):
            wanted.append((-quality, position, code))
    return [code for _q, _p, code in sorted(wanted)]


def choose_language(asked: str | None, preferred: str | None, header: str) -> str:
    """The switcher's choice, else the kiosk's, else the browser's first we speak, else English."""
    for code in (asked, preferred, *accept_language(header or "")):
        if code in LANGUAGES:
            return code
    return "en"


def council() -> dict:
    """The council as the pages' header and footer name it (operations.md: the environment)."""
    return {"name": council_name(),
            "website": _https(os.environ.get("HUBKIOSK_COUNCIL_WEBSITE", "")),
            "phone": os.environ.get("HUBKIOSK_COUNCIL_PHONE", "").strip()[:40],
            "privacy": _https(os.environ.get("HUBKIOSK_PRIVACY_URL", "")) or "/privacy",
            "accessibility": _https(os.environ.get("HUBKIOSK_ACCESSIBILITY_URL", "")) or "/accessibility",
            "sign_in": _https(os.environ.get("HUBKIOSK_ACCOUNT_SIGN_IN_URL", ""))}


def public_url() -> str:
    """Central's address as residents reach it (links in emails and on slips)."""
    return os.environ.get("HUBKIOSK_PUBLIC_URL", "http://127.0.0.1:8765").rstrip("/")


def council_name() -> str:
    """The council's name as a page's heading shows it ("Council" when none is set)."""
    return os.environ.get("HUBKIOSK_COUNCIL_NAME", "").strip() or "Council"


def _https(url: str) -> str:
    url = url.strip()
    return url if re.match(r"https?://[^\s\"'<>]+$", url) else ""


def tel(phone: str) -> str:
    return "tel:" + re.sub(r"[^0-9+]", "", phone)


class Page:
    """One resident page's language and rendering (see the module's docstring)."""

    def __init__(self, request, preferred: str | None = None) -> None:
        self.request = request
        self.language = choose_language(request.query_params.get("lang"), preferred,
                                        request.headers.get("accept-language", ""))

    def gettext(self, text: str, **values) -> str:
        return gettext(self.language, text, **values)

    def switcher(self) -> list[dict]:
        """A link to this page in each other language (the query kept, `lang` changed)."""
        from urllib.parse import urlencode

        query = [(k, v) for k, v in self.request.query_params.multi_items() if k != "lang"]
        path = self.request.url.path
        return [{"code": code, "name": name, "current": code == self.language,
                 "href": f"{path}?{urlencode([*query, ('lang', code)])}"} for code, name in LANGUAGES.items()]

    def keep(self, path: str) -> str:
        """A path of this site with this page's language kept when the resident chose it
        (another site's address as it is)."""
        asked = self.request.query_params.get("lang")
        if asked not in LANGUAGES or not path.startswith("/"):
            return path
        return f"{path}{'&' if '?' in path else '?'}lang={asked}"

    def html(self, template: str, **context) -> str:
        return _environment(self.language).get_template(template).render(
            lang=self.language, languages=self.switcher(), council=council(), tel=tel, keep=self.keep, **context)

    def render(self, template: str, status_code: int = 200, headers: dict | None = None, background=None,
               **context) -> HTMLResponse:
        html = self.html(template, **context)
        return HTMLResponse(html, status_code=status_code, background=background,
                            headers={**HEADERS, **(headers or {}), "Content-Language": self.language,
                                     "Vary": "Accept-Language"})


def assets() -> APIRouter:
    """The public pages' own stylesheet (GOV.UK Frontend's is served with the console's),
    and the privacy notice and accessibility statement every page links to."""
    router = APIRouter()

    @router.get("/privacy", include_in_schema=False)
    def privacy(request: Request) -> HTMLResponse:
        from central.retention import retention_days

        view = Page(request)
        return view.render("privacy.html", title=view.gettext("How we use your information"),
                           document_days=retention_days())

    @router.get("/accessibility", include_in_schema=False)
    def accessibility(request: Request) -> HTMLResponse:
        view = Page(request)
        return view.render("accessibility.html", title=view.gettext("Accessibility statement"))

    @router.get("/assets/central.css", include_in_schema=False)
    def stylesheet() -> Response:
        return Response(STYLESHEET, media_type="text/css",
                        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"})

    return router
