"""The pages residents finish My Account with on their own phone or computer (no device
token: these are public). Small, plain-English, accessible HTML with no script.

    GET  /account/activate/{token}   choose a password (twice)
    POST /account/activate/{token}   set it: account active, link used up
    GET  /account/reset              ask for a new link by email address
    POST /account/reset              the same answer whether or not the address has an account

Forms carry a CSRF token that must match a cookie set with the form (and a request from
another site is refused by its Origin and Sec-Fetch-Site headers). Every page says no-store,
a same-origin referrer policy (the link's token never reaches another site) and cannot be
framed. Uvicorn's access log shows activation paths without their token. Links that open
nothing, and reset requests, are rate-limited (central.throttle); the reset page answers
before it looks the address up, so its timing does not tell whether an address is known.
"""

from __future__ import annotations

import hmac
import logging
import re
import secrets
from urllib.parse import parse_qs, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from central import accounts, pages, passwords
from central.throttle import client_of

MAX_FORM_BYTES = 16_384
CSRF_COOKIE = "hubkiosk_csrf"
_HEADERS = {
    **pages.HEADERS,
    # same-origin, not no-referrer: the link's token never leaves this site, and a browser
    # still names this site as the Origin of its own forms (under no-referrer it sends
    # "Origin: null", which is indistinguishable from a form on a sandboxed page elsewhere).
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
_TOKEN_IN_PATH = re.compile(r"(/account/activate/)[^/?\s\"]+")


class HideLinkTokens(logging.Filter):
    """Keeps activation tokens out of the access log: the path is logged as .../[token]."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_TOKEN_IN_PATH.sub(r"\1[token]", a) if isinstance(a, str) else a
                                for a in record.args)
        return True


def routes(app, engine, throttle) -> None:
    """Add the activation and reset pages to central's app. Links that open nothing count
    against the caller's limit (tokens cannot be guessed, and now cannot be tried either);
    every reset request counts, as each may send an email."""
    access_log = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, HideLinkTokens) for f in access_log.filters):
        access_log.addFilter(HideLinkTokens())

    @app.get("/account/activate/{token}", include_in_schema=False)
    async def activate_form(request: Request, token: str) -> HTMLResponse:
        account = await _account_limited(request, token)
        if account is None:
            return _link_not_working(pages.Page(request))
        return _password_form(request, token, account)

    @app.post("/account/activate/{token}", include_in_schema=False)
    async def activate(request: Request, token: str) -> HTMLResponse:
        form = await _form(request)
        if form is None:
            return _try_again(request)
        account = await _account_limited(request, token)
        if account is None:
            return _link_not_working(pages.Page(request))
        password, again = form.get("password", ""), form.get("again", "")
        problem = passwords.problem(password, again, account["email"])
        if problem:
            return _password_form(request, token, account, problem)
        stored = await run_in_threadpool(passwords.hash_password, password)
        before = await run_in_threadpool(accounts.set_password, engine, token, stored)
        if before is None:
            return _link_not_working(pages.Page(request, account["language"]))
        return _password_saved(pages.Page(request, account["language"]), changed=before["state"] == "active")

    @app.get("/account/reset", include_in_schema=False)
    async def reset_form(request: Request) -> HTMLResponse:
        return _reset_form(request)

    @app.post("/account/reset", include_in_schema=False)
    async def reset(request: Request) -> HTMLResponse:
        throttle.take("reset", client_of(request))
        form = await _form(request)
        if form is None:
            return _try_again(request)
        # The address is looked up only after the answer has gone: a known address and an
        # unknown one take the same time to answer, so timing tells nobody which it was.
        later = BackgroundTask(run_in_threadpool, accounts.request_link, engine, form.get("email", ""))
        view = pages.Page(request)
        return _page(view, "account/check_email.html", view.gettext("Check your email"), background=later,
                     days=accounts.LINK_DAYS)

    async def _account_limited(request: Request, token: str) -> dict | None:
        client = client_of(request)
        throttle.check("activate", client)
        account = await run_in_threadpool(_account, engine, token)
        if account is None:
            throttle.count("activate", client)
        return account


def _account(engine, token: str) -> dict | None:
    with engine.connect() as conn:
        return accounts.account_for_token(conn, token)


# ----- forms and their protection ------------------------------------------------------------------
async def _form(request: Request) -> dict[str, str] | None:
    """The posted fields, or None when the form is not one of ours (CSRF), too big or garbled."""
    if not _same_origin(request):
        return None
    length = request.headers.get("content-length", "")
    if length and (not length.isdigit() or int(length) > MAX_FORM_BYTES):
        return None
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return None
    try:
        fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=10)
    except ValueError:
        return None
    form = {name: values[0] for name, values in fields.items()}
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = form.get("csrf", "")
    if not cookie or not hmac.compare_digest(cookie.encode(), sent.encode()):
        return None
    return form


def _same_origin(request: Request) -> bool:
    """A browser names the page a form came from: it must be this service (or its public
    address). Requests without the headers (old browsers, scripts) rely on the CSRF token."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site in ("cross-site", "same-site"):
        return False
    origin = request.headers.get("origin")
    if not origin:
        return True
    if origin == "null":
        # An opaque origin: a privacy-minded browser on our own page (it then says
        # Sec-Fetch-Site: same-origin, which no page can forge), or a sandboxed frame or a
        # local file elsewhere (which cannot say it).
        return fetch_site == "same-origin"
    allowed = {request.headers.get("host", ""), urlsplit(accounts.public_url()).netloc}
    return urlsplit(origin).netloc in allowed


def _csrf(request: Request) -> str:
    """The token for this browser's forms: the one in its cookie if it has a good one."""
    current = request.cookies.get(CSRF_COOKIE, "")
    return current if re.fullmatch(r"[A-Za-z0-9_-]{32,64}", current) else secrets.token_urlsafe(32)


def _with_csrf(response: HTMLResponse, token: str) -> HTMLResponse:
    response.set_cookie(CSRF_COOKIE, token, max_age=2 * 3600, path="/account", httponly=True, samesite="strict",
                        secure=accounts.public_url().startswith("https://"))
    return response


# ----- pages ------------------------------------------------------------------------------------------
def too_many(request: Request, retry_after: int) -> HTMLResponse:
    """The page for a caller past a rate limit (central.throttle)."""
    view = pages.Page(request)
    return view.render("too_many.html", status_code=429, title=view.gettext("Please wait a moment"),
                       minutes=max(1, round(retry_after / 60)), headers={**_HEADERS, "Retry-After": str(retry_after)})


def _page(view: pages.Page, template: str, title: str, status_code: int = 200, background=None,
          **context) -> HTMLResponse:
    """A My Account page: its service name and this module's headers."""
    return view.render(template, status_code=status_code, headers=_HEADERS, background=background, title=title,
                       service=view.gettext("My Account"), **context)


def _password_form(request: Request, token: str, account: dict, problem: str | None = None) -> HTMLResponse:
    """Choose a password, in the language of the kiosk where the account was asked for;
    sent back with the problem (and "Error:" in its title, as GOV.UK does, since screen
    reader users hear the title first)."""
    csrf = _csrf(request)
    view = pages.Page(request, account["language"])
    new = account["state"] == "active"
    response = _page(
        view, "account/password.html", status_code=422 if problem else 200,
        title=view.gettext("Choose a new password") if new else view.gettext("Choose your password"),
        error=bool(problem), problem=problem or "",
        problem_text=passwords.message(problem, view.gettext) if problem else "", new=new,
        action=view.keep(f"/account/activate/{token}"), csrf=csrf, email=account["email"],
        min_length=passwords.MIN_LENGTH, max_length=passwords.MAX_LENGTH)
    return _with_csrf(response, csrf)


def _password_saved(view: pages.Page, changed: bool) -> HTMLResponse:
    title = view.gettext("Your password has been changed") if changed else view.gettext("Your account is ready")
    return _page(view, "account/saved.html", title, changed=changed)


def _link_not_working(view: pages.Page) -> HTMLResponse:
    return _page(view, "account/not_working.html", view.gettext("This link is not working"), status_code=404,
                 days=accounts.LINK_DAYS, reset=view.keep("/account/reset"))


def _reset_form(request: Request) -> HTMLResponse:
    csrf = _csrf(request)
    view = pages.Page(request)
    response = _page(view, "account/reset.html", view.gettext("Get a new link"), csrf=csrf,
                     action=view.keep("/account/reset"))
    return _with_csrf(response, csrf)


def _try_again(request: Request) -> HTMLResponse:
    view = pages.Page(request)
    path = request.url.path
    back = path if path.startswith("/account/") else "/account/reset"
    return _page(view, "account/try_again.html", view.gettext("Please try again"), status_code=400,
                 back=view.keep(back))
