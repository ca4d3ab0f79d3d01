"""The console's plumbing, shared by its pages: GOV.UK Frontend's assets, templates, the
signed-in person (a FastAPI dependency that also checks the role), CSRF, and headers.

Every console page is served with no-store, a strict CSP (this site's own styles, scripts,
fonts and images only; never framed) and the person's session kept alive by the request.
A request without a live session is sent to /console/sign-in (a page) or answered 401 (an
asset or a download); a signed-in person without the role gets 403.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from central import db as tables
from central import staff as accounts
from central.pages import council_name

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PREFIX = "/console"
COOKIE = "hubkiosk_console"
# GOV.UK Frontend as npm installs it (scripts/setup.sh): its CSS, JS, fonts and images.
FRONTEND = Path(os.environ.get("HUBKIOSK_GOVUK_FRONTEND", ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk"))
CSP = ("default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; font-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
NO_STORE = {"Cache-Control": "no-store", "Content-Security-Policy": CSP, "X-Frame-Options": "DENY"}

_env = Environment(loader=FileSystemLoader(ROOT / "central" / "templates"), autoescape=select_autoescape(["html"]),
                   trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.i18n"])
# English first: the templates mark every string with _() for the gettext catalogues.
_env.install_null_translations(newstyle=True)


def _london(moment) -> str:
    """A time as staff read it: London time, e.g. "Tue 1 Dec 2026, 15:30"."""
    from central.service_levels import LONDON

    local = tables.aware(moment).astimezone(LONDON)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


def _qs(query: dict, **changes) -> str:
    from urllib.parse import urlencode

    merged = {**{k: v for k, v in query.items() if v}, **{k: v for k, v in changes.items()}}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "")})


def _who(actor: str) -> str:
    return actor.removeprefix("staff:")


def _duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{max(minutes, 1)} min"
    hours = minutes // 60
    return f"{hours} h" if hours < 48 else f"{hours // 24} days"


LANGUAGES = {"en": "English", "pl": "Polish", "ro": "Romanian", "lt": "Lithuanian", "bg": "Bulgarian"}
ROLE_NAMES = {"reception": "Reception", "host": "Host", "officer": "Service officer", "coordinator": "Hub coordinator",
              "manager": "Manager", "admin": "Administrator"}
ACTIONS = {"document.open": "Opened a scanned document", "document.download": "Downloaded a document's PDF",
           "street-report.open": "Opened a street report", "follow-up.open": "Opened a follow-up call",
           "items.export": "Downloaded the work queue", "visitors.list": "Looked at the visitor lists",
           "visitors.roll-call": "Opened the fire roll-call", "visitors.badge": "Reprinted a visitor's badge", "feedback.comments": "Read residents' comments",
           "staff.list": "Looked at staff accounts", "audit.export": "Downloaded the audit log",
           "documents.purge": "Deleted a document (retention)",
           "reports.contact-purge": "Deleted a report's contact details (retention)", "staff.add": "Added a staff account",
           "staff.reset": "Reset a person's sign-in", "staff.disable": "Disabled a staff account",
           "staff.unlock": "Unlocked a staff account", "staff.role": "Gave a person a role",
           "service-levels.set": "Changed a service level", "kiosk.revoke": "Revoked a kiosk",
           "kiosk.enrol-code": "Made an enrolment code", "documents": "Listed documents (command line)",
           "documents.export": "Exported documents (command line)", "accounts.full": "Listed accounts in full",
           "follow-ups": "Listed follow-up requests (command line)", "reports.contact": "Listed reports with contacts"}


def _role(text) -> str:
    """ "officer@*/benefits" as staff read it: "Service officer, Benefits, every site"."""
    from central.staff import Role
    from central.work import SERVICES

    role = text if isinstance(text, Role) else Role.parse(str(text))
    parts = [ROLE_NAMES.get(role.role, role.role)]
    if role.service != "*":
        parts.append(SERVICES.get(role.service, role.service))
    parts.append("every site" if role.site == "*" else role.site)
    return ", ".join(parts)


def _phone(number: str) -> str:
    """A UK mobile as people write it (07700 900321); others in international form."""
    import phonenumbers

    try:
        parsed = phonenumbers.parse(number, "GB")
    except phonenumbers.NumberParseException:
        return number
    kind = phonenumbers.PhoneNumberFormat.NATIONAL if parsed.country_code == 44 else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(parsed, kind)


def _day(text: str) -> str:
    from datetime import date

    day = date.fromisoformat(text)
    return f"{day:%a} {day.day} {day:%b %Y}"


_env.filters.update(day=_day, london=_london, qs=_qs, who=_who, aware=tables.aware, duration=_duration, role=_role,
                    phone=_phone, language=lambda code: LANGUAGES.get(code, code or "Not known"),
                    action=lambda code: ACTIONS.get(code, code))
_env.globals.update(now=lambda: datetime.now(timezone.utc))


class SignInNeeded(Exception):
    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


class Forbidden(Exception):
    pass


def render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    who = getattr(request.state, "console", None)
    if who is not None and who.flash and not context.get("done"):
        context["done"] = who.flash
    html = _env.get_template(f"console/{template}").render(
        request=request, me=who.staff if who else None, csrf=who.csrf if who else "", nav=navigation(who),
        path=request.url.path, council=council_name(), **context)
    return HTMLResponse(html, status_code=status_code, headers=NO_STORE)


# (path, label, roles that see it)
NAV = (
    ("/console/", "Home", None),
    ("/console/items", "Work queue", ("officer", "coordinator", "manager")),
    ("/console/visitors", "Visitors", ("reception", "host")),
    ("/console/feedback", "Feedback", ("manager", "admin")),
    ("/console/fleet", "Kiosks", ("coordinator", "admin")),
    ("/console/staff", "Staff", ("admin",)),
    ("/console/service-levels", "Service levels", ("admin",)),
    ("/console/audit", "Audit log", ("admin",)),
)


def navigation(who) -> list[dict]:
    if who is None:
        return []
    return [{"path": path, "label": label} for path, label, roles in NAV if roles is None or who.staff.has(*roles)]


def secure(request: Request) -> bool:
    """Secure cookies everywhere but plain HTTP on loopback (the demo and the tests)."""
    host = request.url.hostname or ""
    return request.url.scheme == "https" or host not in ("127.0.0.1", "localhost", "::1", "testserver")


def set_cookie(response: Response, request: Request, value: str) -> None:
    response.set_cookie(COOKIE, value, httponly=True, secure=secure(request), samesite="strict", path=PREFIX)


def signed_in(engine, *roles: str, page: bool = True):
    """A dependency: the live session of someone with one of `roles` (any role if none)."""

    def dependency(request: Request):
        with tables.begin(engine) as conn:
            who = accounts.session(conn, request.cookies.get(COOKIE))
        if who is None:
            if page:
                raise SignInNeeded(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
            raise Forbidden()
        request.state.console = who
        if roles and not who.staff.has(*roles):
            raise Forbidden()
        return who

    return dependency


def check_csrf(who, token: str | None) -> None:
    if not accounts.csrf_ok(who.csrf, token):
        raise Forbidden()


def to_sign_in(exc: SignInNeeded) -> RedirectResponse:
    return RedirectResponse(f"{PREFIX}/sign-in?next={quote(exc.next_path, safe='/')}", status_code=303,
                            headers={"Cache-Control": "no-store"})


def back(request: Request, path: str, flash: str = "", key: str | None = None) -> RedirectResponse:
    """After a form: Post/Redirect/Get, with a short message for the next page kept in the
    session (never in the address, where anyone could write one or a browser keep it)."""
    who = getattr(request.state, "console", None)
    key = key or (who.key if who else None)
    if flash and key:
        with tables.begin(request.app.state.engine) as conn:
            accounts.set_flash(conn, key, flash)
    return RedirectResponse(path, status_code=303)


def safe_next(path: str | None) -> str:
    """Only a path on the console itself (no //host, no scheme): never an open redirect."""
    if path and path.startswith(f"{PREFIX}/") and not path.startswith("//") and "\\" not in path and "://" not in path:
        return path
    return f"{PREFIX}/"


MAX_FORM_BYTES = 16_384


class Form(dict):
    """A posted form's fields (first value of each; `all(name)` for checkboxes)."""

    def __init__(self, fields: dict[str, list[str]]) -> None:
        super().__init__({k: v[0] for k, v in fields.items()})
        self._all = fields

    def all(self, name: str) -> list[str]:
        return self._all.get(name, [])

    def text(self, name: str) -> str:
        return self.get(name, "").strip()


async def read_form(request: Request) -> Form | None:
    """The posted fields, if the form came from this site and is of a sane size; else None.
    Forms before a session (sign-in, set-up) check their own token."""
    from urllib.parse import parse_qs

    from central.account_pages import _same_origin

    body = await request.body()
    if len(body) > MAX_FORM_BYTES or not _same_origin(request):
        return None
    try:
        return Form(parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=60))
    except ValueError:
        return None


async def form(request: Request, who) -> Form:
    """The posted fields of a console form, once its origin and the session's CSRF token are
    checked (Forbidden otherwise: a form from anywhere else does nothing)."""
    posted = await read_form(request)
    if posted is None:
        raise Forbidden()
    check_csrf(who, posted.get("csrf"))
    return posted


def date_from(posted, name: str):
    """A date from GOV.UK's date input (NAME-day, NAME-month, NAME-year), or None."""
    from datetime import date

    try:
        return date(int(posted.get(f"{name}-year", "")), int(posted.get(f"{name}-month", "")),
                    int(posted.get(f"{name}-day", "")))
    except ValueError:
        return None
