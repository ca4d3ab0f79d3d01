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
    "Content-Security-Policy": pages.CSP,
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
            return _link_not_working()
        return _password_form(request, token, account)

    @app.post("/account/activate/{token}", include_in_schema=False)
    async def activate(request: Request, token: str) -> HTMLResponse:
        form = await _form(request)
        if form is None:
            return _try_again(request.url.path)
        account = await _account_limited(request, token)
        if account is None:
            return _link_not_working()
        password, again = form.get("password", ""), form.get("again", "")
        problem = passwords.problem(password, again, account["email"])
        if problem:
            return _password_form(request, token, account, problem)
        stored = await run_in_threadpool(passwords.hash_password, password)
        before = await run_in_threadpool(accounts.set_password, engine, token, stored)
        if before is None:
            return _link_not_working()
        return _password_saved(changed=before["state"] == "active")

    @app.get("/account/reset", include_in_schema=False)
    async def reset_form(request: Request) -> HTMLResponse:
        return _reset_form(request)

    @app.post("/account/reset", include_in_schema=False)
    async def reset(request: Request) -> HTMLResponse:
        throttle.take("reset", client_of(request))
        form = await _form(request)
        if form is None:
            return _try_again(request.url.path)
        # The address is looked up only after the answer has gone: a known address and an
        # unknown one take the same time to answer, so timing tells nobody which it was.
        later = BackgroundTask(run_in_threadpool, accounts.request_link, engine, form.get("email", ""))
        return _page("Check your email", [
            f"If there is a {accounts.council_name()} account for that email address, we have sent it a link to "
            f"choose a password. The link works for {accounts.LINK_DAYS} days.",
            "If nothing arrives within a few minutes, look in your spam or junk folder, or ask again, checking "
            "the address is typed correctly."], link={"href": "/account/reset", "text": "Ask again"},
            background=later)

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
def _page(title: str, paragraphs: list[str], status: int = 200, link: dict | None = None,
          background=None) -> HTMLResponse:
    """A page of plain paragraphs (and at most one link), from templates/message.html."""
    html = pages.render("message.html", title=title, paragraphs=paragraphs, link=link)
    return HTMLResponse(html, status_code=status, headers=_HEADERS, background=background)


def too_many(retry_after: int) -> HTMLResponse:
    """The page for a caller past a rate limit (central.throttle)."""
    minutes = max(1, round(retry_after / 60))
    response = _page("Please wait a moment", [
        "There have been too many tries from this connection in a short time, so we have paused it to keep "
        "residents' accounts and reports safe.",
        f"Please try again in {minutes} minute{'s' if minutes != 1 else ''}."], 429)
    response.headers["Retry-After"] = str(retry_after)
    return response


def _password_form(request: Request, token: str, account: dict, problem: str | None = None) -> HTMLResponse:
    """Choose a password; sent back with the problem (and "Error:" in its title, as GOV.UK
    does, since screen reader users hear the title first)."""
    csrf = _csrf(request)
    new = account["state"] == "active"
    html = pages.render(
        "account/password.html", title="Choose a new password" if new else "Choose your password",
        error=bool(problem), problem=passwords.MESSAGES[problem] if problem else "", new=new, token=token,
        csrf=csrf, email=account["email"], council=accounts.council_name(), min_length=passwords.MIN_LENGTH,
        max_length=passwords.MAX_LENGTH)
    return _with_csrf(HTMLResponse(html, status_code=422 if problem else 200, headers=_HEADERS), csrf)


def _password_saved(changed: bool) -> HTMLResponse:
    council = accounts.council_name()
    if changed:
        return _page("Your password has been changed", [
            f"You can now sign in to your {council} account with your email address and your new password.",
            "You can close this page."])
    return _page("Your account is ready", [
        f"Your {council} account is set up. Sign in with your email address and the password you just chose.",
        "You can close this page."])


def _link_not_working() -> HTMLResponse:
    return _page("This link is not working", [
        f"The link may have been used already, or it is more than {accounts.LINK_DAYS} days old. Links in our "
        "emails work once, for a week.",
        "We will never ask you for your password, by phone, by email or in person."], 404,
        link={"href": "/account/reset", "text": "Get a new link", "after": ": we will email it to you."})


def _reset_form(request: Request) -> HTMLResponse:
    csrf = _csrf(request)
    html = pages.render("account/reset.html", title="Get a new link", csrf=csrf, council=accounts.council_name())
    return _with_csrf(HTMLResponse(html, headers=_HEADERS), csrf)


def _try_again(path: str) -> HTMLResponse:
    back = path if path.startswith("/account/") else "/account/reset"
    return _page("Please try again", [
        "This page was open for too long, or the form came from another website, so nothing was changed."],
        400, link={"href": back, "text": "Start again", "after": "."})
