"""The staff console at /console/: the council's side of every journey.

`routes(app, engine, keys, files, throttle)` adds its pages; the logic they show and change
lives in plain modules (central.staff, central.work, central.console.views). Pages are
GOV.UK Frontend, work without JavaScript, and record every view of personal data in the
audit log before they show it.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from datetime import datetime, timezone

from fastapi import Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from central import db as tables
from central import staff as accounts
from central.console import web
from central.console.pages import items, people, places
from central.throttle import client_of

__all__ = ["routes"]
LOGIN_COOKIE = "hubkiosk_console_form"


def routes(app, engine, keys, files, throttle) -> None:
    app.add_exception_handler(web.SignInNeeded, lambda _r, exc: web.to_sign_in(exc))
    app.add_exception_handler(web.Forbidden, _forbidden)
    _assets(app)
    _sign_in(app, engine, keys, throttle)
    _oidc(app, engine)
    items.routes(app, engine, keys, files)
    people.routes(app, engine, keys)
    places.routes(app, engine, keys)


def _forbidden(request: Request, _exc) -> Response:
    if request.url.path.startswith(f"{web.PREFIX}/api"):
        return Response('{"detail":"not allowed"}', 403, media_type="application/json")
    return web.render(request, "forbidden.html", status_code=403, title="You cannot see this page")


def _assets(app) -> None:
    """GOV.UK Frontend's files: its stylesheet asks for /assets/fonts and /assets/images."""
    types = {".css": "text/css", ".js": "text/javascript", ".mjs": "text/javascript", ".woff2": "font/woff2",
             ".woff": "font/woff", ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon"}
    own = web.HERE / "static"

    def serve(folder, name: str) -> Response:
        path = (folder / name).resolve()
        if not path.is_relative_to(folder.resolve()) or not path.is_file() or path.suffix not in types:
            return Response("not found", 404)
        return FileResponse(path, media_type=types[path.suffix],
                            headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"})

    @app.get("/assets/fonts/{name}", include_in_schema=False)
    def fonts(name: str) -> Response:
        return serve(web.FRONTEND / "assets" / "fonts", name)

    @app.get("/assets/images/{name}", include_in_schema=False)
    def images(name: str) -> Response:
        return serve(web.FRONTEND / "assets" / "images", name)

    @app.get("/assets/govuk-frontend.min.css", include_in_schema=False)
    def frontend_css() -> Response:   # the residents' pages (central.pages) use it too
        return serve(web.FRONTEND, "govuk-frontend.min.css")

    @app.get("/console/assets/{name}", include_in_schema=False)
    def console_assets(name: str) -> Response:
        if name in ("govuk-frontend.min.css", "govuk-frontend.min.js"):
            return serve(web.FRONTEND, name)
        return serve(own, name)


def _sign_in(app, engine, keys, throttle) -> None:
    @app.get("/console", include_in_schema=False)
    def bare() -> Response:
        return RedirectResponse("/console/", status_code=308)

    def sign_in_form(request: Request, next_path: str | None, email: str = "", refused: str = "") -> HTMLResponse:
        """The sign-in form with a fresh token for it (in its cookie too: there is no session
        yet); 400 with the reason after a refused try."""
        token = secrets.token_urlsafe(32)
        page = web.render(request, "sign_in.html", status_code=400 if refused else 200,
                          title="Sign in to the staff console", form_token=token, next=web.safe_next(next_path),
                          errors={"email": refused} if refused else {}, email=email,
                          oidc=app.state.oidc is not None)
        page.set_cookie(LOGIN_COOKIE, token, httponly=True, secure=web.secure(request), samesite="strict",
                        path=f"{web.PREFIX}/sign-in", max_age=3600)
        return page

    @app.get("/console/sign-in", include_in_schema=False)
    def sign_in_page(request: Request, next: str = "") -> HTMLResponse:
        return sign_in_form(request, next)

    @app.post("/console/sign-in", include_in_schema=False)
    async def sign_in(request: Request) -> Response:
        fields = await web.read_form(request)
        if fields is None or not accounts.csrf_ok(request.cookies.get(LOGIN_COOKIE, ""), fields.get("form_token")):
            return RedirectResponse("/console/sign-in", status_code=303)
        client = client_of(request)
        throttle.check("staff-sign-in", client)
        email = fields.get("email", "").strip()[:254]
        refused = None
        with tables.begin(engine) as conn:  # a wrong try is counted (committed) too
            try:
                who = accounts.sign_in(conn, keys, email, fields.get("password", ""), fields.get("code", ""))
                cookie_value, _csrf = accounts.start_session(conn, who.id)
            except accounts.SignInRefused as exc:
                refused = exc
        if refused is not None:
            throttle.count("staff-sign-in", client)
            return sign_in_form(request, fields.get("next"), email, str(refused))
        response = RedirectResponse(web.safe_next(fields.get("next")), status_code=303)
        web.set_cookie(response, request, cookie_value)
        response.delete_cookie(LOGIN_COOKIE, path=f"{web.PREFIX}/sign-in")
        return response

    @app.post("/console/sign-out", include_in_schema=False)
    async def sign_out(request: Request, who=Depends(web.signed_in(engine))) -> Response:
        await web.form(request, who)
        with tables.begin(engine) as conn:
            accounts.end_session(conn, who.key)
        response = web.back(request, "/console/sign-in")
        response.delete_cookie(web.COOKIE, path=web.PREFIX)
        return response

    @app.get("/console/set-up/{token}", include_in_schema=False)
    def set_up_page(request: Request, token: str) -> HTMLResponse:
        throttle.check("activate", client_of(request))
        with engine.connect() as conn:
            account = accounts.setup_account(conn, token)
        if account is None:
            throttle.count("activate", client_of(request))
            return web.render(request, "message.html", status_code=404, title="This set-up link does not work",
                              paragraphs=["It may have expired (links last 3 days) or been used already.",
                                          "Ask an administrator to reset your account: they will give you a new link."])
        return _set_up(request, account, token, {})

    @app.post("/console/set-up/{token}", include_in_schema=False)
    async def set_up(request: Request, token: str) -> Response:
        throttle.check("activate", client_of(request))
        fields = await web.read_form(request)
        if fields is None:
            return RedirectResponse(request.url.path, status_code=303)
        try:
            with tables.begin(engine) as conn:
                who = accounts.complete_setup(conn, keys, token, fields.get("password", ""),
                                              fields.get("again", ""), fields.get("code", ""))
                cookie_value, _csrf = accounts.start_session(conn, who.id)
        except accounts.StaffError as exc:
            throttle.count("activate", client_of(request))
            with engine.connect() as conn:
                account = accounts.setup_account(conn, token)
            if account is None:
                return RedirectResponse(request.url.path, status_code=303)
            return _set_up(request, account, token, {exc.field: str(exc)}, 400)
        response = web.back(request, "/console/", "Your account is set up. You are signed in.",
                            key=hashlib.sha256(cookie_value.encode()).hexdigest())
        web.set_cookie(response, request, cookie_value)
        return response

    def _set_up(request, account, token, errors, status=200) -> HTMLResponse:
        import segno

        uri = accounts.provisioning_uri(keys, account)
        qr = segno.make(uri, error="m").svg_inline(border=4, omitsize=True, title="QR code for your authenticator app")
        return web.render(request, "set_up.html", status_code=status, title="Set up your console account",
                          account=account, qr=qr, secret=accounts.secret_text(keys, account), errors=errors,
                          token=token)


OIDC_COOKIE = "hubkiosk_oidc"


def _oidc(app, engine) -> None:
    """Sign-in with the council's identity provider, when one is set up (central.oidc)."""
    from central import oidc

    settings = oidc.Settings.from_env()
    app.state.oidc = provider = oidc.Provider(settings) if settings else None
    if provider is None:
        return

    def callback_url(request: Request) -> str:
        from central.accounts import public_url

        base = public_url() if "HUBKIOSK_PUBLIC_URL" in os.environ else str(request.base_url).rstrip("/")
        return f"{base}/console/oidc/callback"

    @app.get("/console/oidc/start", include_in_schema=False)
    def start(request: Request, next: str = "") -> Response:
        try:
            with tables.begin(engine) as conn:
                url, state = provider.start(conn, callback_url(request), web.safe_next(next))
        except Exception:  # noqa: BLE001 - the provider unreachable: say so, offer the password way
            return web.render(request, "message.html", status_code=503, title="Council sign-in is not available",
                              paragraphs=["The council's sign-in service did not answer. Please try again in a "
                                          "minute, or sign in with your console password."])
        response = RedirectResponse(url, status_code=303)
        # Lax: the provider sends the browser back here from its own site
        response.set_cookie(OIDC_COOKIE, state, httponly=True, secure=web.secure(request), samesite="lax",
                            path="/console/oidc", max_age=oidc.STATE_MINUTES * 60)
        return response

    @app.get("/console/oidc/callback", include_in_schema=False)
    def callback(request: Request, code: str = "", state: str = "", error: str = "") -> Response:
        def refused(message: str, status: int = 400) -> Response:
            page = web.render(request, "message.html", status_code=status, title="You are not signed in",
                              paragraphs=[message], link=("/console/sign-in", "Back to sign in"))
            page.delete_cookie(OIDC_COOKIE, path="/console/oidc")
            return page

        if error or not code:
            return refused("The council's sign-in was cancelled or refused. You can try again.")
        try:
            with tables.begin(engine) as conn:
                email, next_path = provider.finish(conn, callback_url(request), code[:2000], state[:100],
                                                   request.cookies.get(OIDC_COOKIE))
        except oidc.SignInFailed as exc:
            return refused(str(exc))
        with tables.begin(engine) as conn:
            account = accounts.by_email(conn, email)
            if account is None or account["state"] != "active":
                return refused("Your council account has no staff console access. Ask an administrator to add "
                               "you (the console uses the email address your council account has).", 403)
            cookie_value, _csrf = accounts.start_session(conn, account["id"])
            conn.execute(tables.staff.update().where(tables.staff.c.id == account["id"]).values(
                signed_in_at=datetime.now(timezone.utc)))
        # A page, not a redirect: the session cookie is SameSite=Strict, so the browser sends
        # it only on a navigation that starts here, not on the provider's redirect chain.
        page = web.render(request, "message.html", title="You are signed in", paragraphs=[
            "Your council account signed you in to the staff console."], link=(next_path, "Continue"),
            refresh=next_path)
        web.set_cookie(page, request, cookie_value)
        page.delete_cookie(OIDC_COOKIE, path="/console/oidc")
        return page
