"""A recording stand-in for GOV.UK Notify's API (v2) on loopback, for tests and the demo.

GOV.UK Notify cannot run here, so this answers the parts of its REST API central uses, as
its documentation (docs.notifications.service.gov.uk/rest-api.html) describes them, to the
real client (notifications-python-client):

    POST /v2/notifications/email   {email_address, template_id, personalisation, reference}
    POST /v2/notifications/sms     {phone_number, template_id, personalisation, reference}
    GET  /v2/notifications?reference=...   {"notifications": [...], "links": {...}}
    GET  /v2/notifications/{id}

Requests must carry `Authorization: Bearer <JWT>` signed (HS256) with the API key's secret,
its `iss` the service id and its `iat` within 30 seconds, checked by the client library's
own `decode_jwt_token`. Templates are filled as Notify fills them: every ((placeholder))
needs a value. Errors have Notify's shape ({"status_code", "errors": [{"error", "message"}]}):
403 for a bad token, 400 for a missing value, a bad address or a number that is not a UK
mobile, and `fail_next` answers with 429 or 500. `drop_next` takes a message and then drops
the connection before answering, as a network failure after Notify has it would.

`sent` holds every message taken, with its subject and body as the resident would get them.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from tests.helpers import LoopbackServer

SERVICE_ID = "2d1ae0a3-4f4c-4a41-9c7e-1b5b3b0f6c11"
SECRET = "5b2b7c7e-0b4e-4b77-8c44-9f6f1d2e3a4b"
EMAIL_TEMPLATE = "a1b2c3d4-0000-4000-8000-000000000001"
SMS_TEMPLATE = "a1b2c3d4-0000-4000-8000-000000000002"
UK_MOBILE = re.compile(r"^(?:\+44|0044|0)7\d{9}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def api_key(name: str = "hubkiosk_test") -> str:
    """A key in Notify's format: <name>-<service id>-<secret>."""
    return f"{name}-{SERVICE_ID}-{SECRET}"


class NotifyServer(LoopbackServer):
    name = "notify-server"

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.templates = {
            EMAIL_TEMPLATE: {"type": "email", "subject": "((subject))", "body": "((body))"},
            SMS_TEMPLATE: {"type": "sms", "body": "((body))"},
        }
        self.sent: list[dict] = []
        self.fail_next = 0
        self.fail_status = 500
        self.drop_next = 0
        self.refused: list[tuple[int, str]] = []   # (status, message) of every error answered

    def handler(self):
        return _handler(self)

    @property
    def url(self) -> str:
        return f"{self.base}"

    def env(self) -> dict:
        """Central's settings for this server."""
        return {"HUBKIOSK_NOTIFY_API_KEY": api_key(), "HUBKIOSK_NOTIFY_URL": self.url,
                "HUBKIOSK_NOTIFY_EMAIL_TEMPLATE": EMAIL_TEMPLATE, "HUBKIOSK_NOTIFY_SMS_TEMPLATE": SMS_TEMPLATE}

    def sent_to(self, address: str) -> list[dict]:
        with self.lock:
            return [m for m in self.sent if m["to"] == address]

    def with_reference(self, reference: str) -> list[dict]:
        with self.lock:
            return [m for m in self.sent if m["reference"] == reference]

    # ----- Notify's behaviour -------------------------------------------------------------------
    def take(self, kind: str, body: dict) -> tuple[int, dict]:
        template = self.templates.get(str(body.get("template_id")))
        if template is None or template["type"] != kind:
            return _error(400, "BadRequestError", "Template not found")
        to_field = "email_address" if kind == "email" else "phone_number"
        to = str(body.get(to_field) or "")
        if kind == "email" and not EMAIL.match(to):
            return _error(400, "ValidationError", "email_address Not a valid email address")
        if kind == "sms" and not UK_MOBILE.match(re.sub(r"[\s()-]", "", to)):
            return _error(400, "ValidationError", "phone_number Not a UK mobile number")
        values = body.get("personalisation") or {}
        filled = {}
        for part in ("subject", "body"):
            if part not in template:
                continue
            missing = [name for name in re.findall(r"\(\(([^)]+)\)\)", template[part]) if name not in values]
            if missing:
                return _error(400, "BadRequestError", f"Missing personalisation: {', '.join(missing)}")
            filled[part] = re.sub(r"\(\(([^)]+)\)\)", lambda m: str(values[m.group(1)]), template[part])
        message = {"id": str(uuid.uuid4()), "type": kind, "to": to, "reference": body.get("reference"),
                   "template_id": body["template_id"], "subject": filled.get("subject", ""),
                   "body": filled["body"], "created_at": datetime.now(timezone.utc).isoformat()}
        with self.lock:
            self.sent.append(message)
        content = {"body": message["body"]}
        if kind == "email":
            content.update(subject=message["subject"], from_email="council.kiosks@notifications.service.gov.uk")
        else:
            content["from_number"] = "COUNCIL"
        return 201, {"id": message["id"], "reference": message["reference"], "content": content,
                     "uri": f"{self.url}/v2/notifications/{message['id']}",
                     "template": {"id": message["template_id"], "version": 1,
                                  "uri": f"{self.url}/v2/template/{message['template_id']}"}}

    def public(self, message: dict) -> dict:
        out = {"id": message["id"], "reference": message["reference"], "type": message["type"],
               "status": "delivered", "body": message["body"], "created_at": message["created_at"],
               "template": {"id": message["template_id"], "version": 1}}
        out["email_address" if message["type"] == "email" else "phone_number"] = message["to"]
        if message["type"] == "email":
            out["subject"] = message["subject"]
        return out


def _error(status: int, error: str, message: str) -> tuple[int, dict]:
    return status, {"status_code": status, "errors": [{"error": error, "message": message}]}


def _handler(server: NotifyServer):
    from notifications_python_client.authentication import decode_jwt_token, get_token_issuer
    from notifications_python_client.errors import TokenError

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_args) -> None:  # quiet
            pass

        def _send(self, status: int, body: dict) -> None:
            if status >= 400:
                with server.lock:
                    server.refused.append((status, body["errors"][0]["message"]))
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self) -> bool:
            header = self.headers.get("Authorization", "")
            token = header.removeprefix("Bearer ").strip()
            try:
                if not header.startswith("Bearer ") or get_token_issuer(token) != SERVICE_ID:
                    raise TokenError("Invalid token: service not found")
                decode_jwt_token(token, SECRET)
            except TokenError as exc:
                self._send(*_error(403, "AuthError", exc.message.split(". ")[0]))
                return False
            return True

        def _faulty(self) -> bool:
            with server.lock:
                if server.fail_next > 0:
                    server.fail_next -= 1
                    status = server.fail_status
                else:
                    return False
            words = "Exceeded rate limit" if status == 429 else "Internal server error"
            self._send(*_error(status, "RateLimitError" if status == 429 else "Exception", words))
            return True

        def do_GET(self) -> None:
            if not self._authorised():
                return
            url = urlsplit(self.path)
            with server.lock:
                messages = list(server.sent)
            if url.path == "/v2/notifications":
                reference = parse_qs(url.query).get("reference", [None])[0]
                found = [server.public(m) for m in reversed(messages) if reference in (None, m["reference"])]
                self._send(200, {"notifications": found, "links": {"current": f"{server.url}{self.path}"}})
            elif url.path.startswith("/v2/notifications/"):
                wanted = url.path.rsplit("/", 1)[1]
                found = [server.public(m) for m in messages if m["id"] == wanted]
                if found:
                    self._send(200, found[0])
                else:
                    self._send(*_error(404, "NoResultFound", "No result found"))
            else:
                self._send(*_error(404, "NotFound", "Not found"))

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if not self._authorised() or self._faulty():
                return
            kind = {"/v2/notifications/email": "email", "/v2/notifications/sms": "sms"}.get(urlsplit(self.path).path)
            if kind is None:
                self._send(*_error(404, "NotFound", "Not found"))
                return
            try:
                body = json.loads(raw)
            except ValueError:
                self._send(*_error(400, "BadRequestError", "Invalid JSON supplied in POST data"))
                return
            status, answer = server.take(kind, body)
            with server.lock:
                drop = status == 201 and server.drop_next > 0
                if drop:
                    server.drop_next -= 1
            if drop:   # Notify has it; the answer is lost on the way back
                self.close_connection = True
                self.connection.shutdown(2)
                return
            self._send(status, answer)

    return Handler
