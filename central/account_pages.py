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

import base64
import hashlib
import hmac
import logging
import re
import secrets
from html import escape
from urllib.parse import parse_qs, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from central import accounts, passwords
from central.throttle import client_of

MAX_FORM_BYTES = 16_384
CSRF_COOKIE = "hubkiosk_csrf"
_STYLE = (
    "body{font:1.25rem/1.5 system-ui,-apple-system,'Segoe UI',Arial,sans-serif;margin:0;padding:1rem;"
    "color:#0b0c0c;background:#fff}main{max-width:34rem;margin:0 auto}h1{font-size:2rem;line-height:1.2}"
    "label{display:block;font-weight:700;margin-top:1.5rem}.hint{display:block;color:#484949}"
    "input{display:block;width:100%;box-sizing:border-box;font-size:1.25rem;padding:.6rem;margin-top:.4rem;"
    "border:2px solid #0b0c0c;border-radius:0}input[readonly]{background:#f3f2f1}"
    "button{margin-top:1.75rem;font-size:1.25rem;padding:.75rem 1.5rem;color:#fff;background:#00703c;"
    "border:0;box-shadow:0 3px 0 #002d18;cursor:pointer}a{color:#1d70b8}"
    "a:focus,input:focus,button:focus{outline:4px solid #fd0;outline-offset:0;box-shadow:inset 0 0 0 2px}"
    ".error{border-left:6px solid #d4351c;padding:.25rem 1rem;margin:1.5rem 0}"
    ".error h2{font-size:1.25rem;margin:.5rem 0}"
)
_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'sha256-"
                               + base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()
                               + "'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
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
        return _page("Check your email", (
            f"<p>If there is a {escape(accounts.council_name())} account for that email address, we have sent "
            f"it a link to choose a password. The link works for {accounts.LINK_DAYS} days.</p>"
            "<p>If nothing arrives within a few minutes, look in your spam or junk folder, or "
            '<a href="/account/reset">ask again</a>, checking the address is typed correctly.</p>'),
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
def _page(title: str, body: str, status: int = 200, error: bool = False, background=None) -> HTMLResponse:
    """A page; with `error` the title (not the heading) starts "Error:", as screen reader
    users hear the title first (GOV.UK's pattern for a form sent back with a problem)."""
    html = (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="robots" content="noindex"><title>{"Error: " if error else ""}{escape(title)}</title>'
            f'<style>{_STYLE}</style></head>'
            f'<body><main><h1>{escape(title)}</h1>{body}</main></body></html>')
    return HTMLResponse(html, status_code=status, headers=_HEADERS, background=background)


def too_many(retry_after: int) -> HTMLResponse:
    """The page for a caller past a rate limit (central.throttle)."""
    minutes = max(1, round(retry_after / 60))
    response = _page("Please wait a moment", (
        "<p>There have been too many tries from this connection in a short time, so we have paused "
        f"it to keep residents' accounts and reports safe.</p><p>Please try again in {minutes} "
        f"minute{'s' if minutes != 1 else ''}.</p>"), 429)
    response.headers["Retry-After"] = str(retry_after)
    return response


def _password_form(request: Request, token: str, account: dict, problem: str | None = None) -> HTMLResponse:
    csrf = _csrf(request)
    new = account["state"] == "active"
    error = (f'<div class="error" role="alert"><h2>There is a problem</h2>'
             f'<p><a href="#password">{escape(passwords.MESSAGES[problem])}</a></p></div>') if problem else ""
    invalid = ' aria-invalid="true"' if problem else ""
    body = (
        f"{error}<p>This is for your {escape(accounts.council_name())} account. You will sign in with your "
        "email address and this password.</p>"
        f'<form method="post" action="/account/activate/{escape(token)}">'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        '<label for="username">Email address</label>'
        f'<input id="username" name="username" type="email" autocomplete="username" readonly '
        f'value="{escape(account["email"])}">'
        f'<label for="password">{"New password" if new else "Password"}</label><span class="hint" id="password-hint">'
        f"At least {passwords.MIN_LENGTH} characters. Three random words together are easy to remember and hard "
        "to guess. Do not use a password you use anywhere else.</span>"
        f'<input id="password" name="password" type="password" autocomplete="new-password" required '
        f'minlength="{passwords.MIN_LENGTH}" maxlength="{passwords.MAX_LENGTH}" '
        f'aria-describedby="password-hint"{invalid}>'
        '<label for="again">Type the password again</label>'
        f'<input id="again" name="again" type="password" autocomplete="new-password" required{invalid}>'
        '<button type="submit">Save password</button></form>')
    title = "Choose a new password" if new else "Choose your password"
    return _with_csrf(_page(title, body, 422 if problem else 200, error=bool(problem)), csrf)


def _password_saved(changed: bool) -> HTMLResponse:
    council = escape(accounts.council_name())
    if changed:
        return _page("Your password has been changed", (
            f"<p>You can now sign in to your {council} account with your email address and your new "
            "password.</p><p>You can close this page.</p>"))
    return _page("Your account is ready", (
        f"<p>Your {council} account is set up. Sign in with your email address and the password you "
        "just chose.</p><p>You can close this page.</p>"))


def _link_not_working() -> HTMLResponse:
    return _page("This link is not working", (
        f"<p>The link may have been used already, or it is more than {accounts.LINK_DAYS} days old. Links in "
        "our emails work once, for a week.</p>"
        '<p><a href="/account/reset">Get a new link</a>: we will email it to you.</p>'
        "<p>We will never ask you for your password, by phone, by email or in person.</p>"), 404)


def _reset_form(request: Request) -> HTMLResponse:
    csrf = _csrf(request)
    body = (
        f"<p>Type the email address you use for your {escape(accounts.council_name())} account. We will email "
        "you a link to choose a password. It works for a week.</p>"
        '<form method="post" action="/account/reset">'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        '<label for="email">Email address</label>'
        '<input id="email" name="email" type="email" autocomplete="email" spellcheck="false" required '
        'maxlength="254">'
        '<button type="submit">Send me a link</button></form>')
    return _with_csrf(_page("Get a new link", body), csrf)


def _try_again(path: str) -> HTMLResponse:
    back = path if path.startswith("/account/") else "/account/reset"
    return _page("Please try again", (
        "<p>This page was open for too long, or the form came from another website, so nothing was "
        f'changed.</p><p><a href="{escape(back)}">Start again</a>.</p>'), 400)
