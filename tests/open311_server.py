"""A recording Open311 GeoReport v2 back office on loopback, for central's forwarding tests.

    server = Open311Server().start()        # server.url: http://127.0.0.1:PORT/open311/v2
    server.fail_next = 2                    # the next two POSTs get a 500 (nothing created)
    server.drop_next = 1                    # the next POST is created, then the connection dropped
    server.delay_next = 1                   # ... created, then answered only after `delay_seconds`
    server.token_mode = True                # answer POSTs with a token; tokens/{t}.json gives the id
    server.down_next = 2                    # the CRM behind it is down: the next two POSTs get
                                            # a 400, GeoReport v2's general service error
    server.moved_to = "/v3"                 # POSTs get a 308 to there (GETs a 301), served the same
    server.blackbox = {"NOISE"}             # services whose POSTs answer with no id, and which
                                            # searches never list
    server.definitions["GRAFFITI"]          # service definitions (services/{code}.json), with
                                            # codes and value keys of the back office's own
    server.raw_next = (200, "text/xml", b"...")  # the next answer, exactly this
    server.formats = {"xml"}                # the formats it speaks (every path in either, .json
                                            # or .xml, answers and errors alike)
    server.posts_for("RPT-7KQ2-X9PM")       # every POST that carried this kiosk reference
    server.created_for("RPT-7KQ2-X9PM")     # the service requests that exist for it
    server.close_request("6001", "Cleared")  # the team closes a request

It serves services.json (`metadata` true for the services in `definitions`),
services/{code}.json, requests.json (POST creates; GET searches by service_code,
start_date, end_date), requests/{id}.json and tokens/{token}.json, checks the api_key and
jurisdiction_id, and records every call. GET search answers do not include attributes,
as many real back offices do not: central must find its reference in the description.
"""

from __future__ import annotations

import json
import socket
import xml.etree.ElementTree as ET
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, unquote, urlsplit

from tests.helpers import LoopbackServer

PREFIX = "/open311/v2"
SERVICES = ["FLYTIP", "ABANDVEH", "FLYPOST", "GRAFFITI", "LITTER", "DOGFOUL", "MISSEDBIN", "OVERGROWN",
            "GRASSCUT", "STREETLIGHT", "POTHOLE", "ROADMARK", "NOISE", "POLLUTION"]


# The back office's own codes and keys for the kiosk's graffiti questions ("offensive",
# yes/no; "surface": council, private, other), matched by their words.
GRAFFITI_DEFINITION = {"service_code": "GRAFFITI", "attributes": [
    {"variable": True, "code": "OFFENSIVE", "datatype": "singlevaluelist", "required": False, "order": 1,
     "description": "Is it offensive or racist?", "values": [{"key": "Y", "name": "Yes"}, {"key": "N", "name": "No"}]},
    {"variable": True, "code": "SURFACE_TYPE", "datatype": "singlevaluelist", "required": False, "order": 2,
     "description": "Where is it?", "values": [{"key": "C", "name": "On a council building, sign or bench"},
                                                {"key": "P", "name": "On a private wall or property"},
                                                {"key": "O", "name": "Somewhere else"}]},
    {"variable": False, "code": "ASSET_ID", "datatype": "string", "required": False, "order": 3,
     "description": "Set by the back office"}]}


def _w3c(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class Open311Server(LoopbackServer):
    name = "open311-server"

    def __init__(self, api_key: str = "test-api-key", jurisdiction: str = "riverside.gov.example") -> None:
        self.api_key = api_key
        self.jurisdiction = jurisdiction
        self.lock = threading.RLock()   # (answers are sent holding it, and read raw_next under it)
        self.posts: list[dict] = []      # every POST requests.json, as {field: value}
        self.gets: list[str] = []        # every GET path with its query
        self.requests: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.fail_next = 0
        self.fail_status = 500
        self.drop_next = 0
        self.delay_next = 0
        self.delay_seconds = 3.0
        self.token_mode = False
        self.down_next = 0
        self.moved_to = ""
        self.blackbox: set[str] = set()
        self.formats = {"json", "xml"}
        self.raw_next: tuple[int, str, bytes] | None = None
        self.definitions: dict[str, dict] = {"GRAFFITI": GRAFFITI_DEFINITION}
        self.post_times: list[float] = []    # when each POST arrived (time.monotonic)
        self.post_types: list[str] = []      # each POST's Content-Type
        self.token_polls = 1             # token look-ups that answer "no id yet" before the id
        self._next_id = 6001

    # ----- running ----------------------------------------------------------------------------
    def handler(self):
        return _handler(self)

    @property
    def url(self) -> str:
        return f"{self.base}{PREFIX}"

    # ----- what tests look at -------------------------------------------------------------------
    def posts_for(self, reference: str) -> list[dict]:
        with self.lock:
            return [p for p in self.posts if p.get("attribute[kiosk_reference]") == reference]

    def created_for(self, reference: str) -> list[dict]:
        with self.lock:
            return [r for r in self.requests.values() if r["attributes"].get("kiosk_reference") == reference]

    def close_request(self, request_id: str, notes: str) -> None:
        self.set_status(request_id, "closed", notes)

    def set_status(self, request_id: str, status: str, notes: str = "") -> None:
        """The back office's staff move a request on (open, in_progress, closed...)."""
        with self.lock:
            self.requests[request_id].update(status=status, status_notes=notes,
                                             updated_datetime=_w3c(datetime.now(timezone.utc)))

    # ----- the back office -------------------------------------------------------------------------
    def create(self, form: dict) -> dict:
        with self.lock:
            request_id = str(self._next_id)
            self._next_id += 1
            now = _w3c(datetime.now(timezone.utc))
            self.requests[request_id] = {
                "service_request_id": request_id, "service_code": form.get("service_code", ""),
                "description": form.get("description", ""), "lat": form.get("lat"), "long": form.get("long"),
                "address": form.get("address_string", ""), "address_id": form.get("address_id", ""),
                "media_url": form.get("media_url", ""), "status": "open", "status_notes": "",
                "requested_datetime": now, "updated_datetime": now,
                "attributes": {k[10:-1]: v for k, v in form.items() if k.startswith("attribute[")}}
            return self.requests[request_id]

    def public(self, request: dict) -> dict:
        return {k: v for k, v in request.items() if k != "attributes"}

    def search(self, query: dict) -> list[dict]:
        wanted = set(query.get("service_request_id", "").split(",")) - {""}
        if wanted:   # "overrides all other arguments" (GeoReport v2)
            with self.lock:
                return [self.public(r) for i, r in self.requests.items() if i in wanted]
        codes = set(query.get("service_code", "").split(",")) - {""}
        start, end = _parse(query.get("start_date", "")), _parse(query.get("end_date", ""))
        with self.lock:
            found = []
            for request in self.requests.values():
                when = _parse(request["requested_datetime"])
                if (codes and request["service_code"] not in codes) or request["service_code"] in self.blackbox:
                    continue
                if (start and when < start.replace(microsecond=0)) or (end and when > end):
                    continue
                found.append(self.public(request))
            return found


def _error(code: int, text: str) -> list[dict]:
    return [{"code": code, "description": text}]


SINGULAR = {"attributes": "attribute", "values": "value"}


def _xml_into(parent: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _xml_into(ET.SubElement(parent, key), inner)
    elif isinstance(value, list):
        for item in value:
            _xml_into(ET.SubElement(parent, SINGULAR.get(parent.tag, "item")), item)
    elif isinstance(value, bool):
        parent.text = "true" if value else "false"
    elif value is not None:
        parent.text = str(value)


def to_xml(path: str, status: int, body) -> bytes:
    """A JSON-format answer as GeoReport v2 writes it in XML."""
    if status >= 400:
        root, item = "errors", "error"
    elif path == "/services.json":
        root, item = "services", "service"
    elif path.startswith("/services/"):
        root, item = "service_definition", None
    else:
        root, item = "service_requests", "request"
    element = ET.Element(root)
    if item is None:
        _xml_into(element, body)
    else:
        for entry in body:
            _xml_into(ET.SubElement(element, item), entry)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(element, encoding="utf-8")


def _handler(server: Open311Server):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_args) -> None:  # quiet
            pass

        fmt = "json"
        route = ""

        def _send(self, status: int, body) -> None:
            with server.lock:
                raw, server.raw_next = server.raw_next, None
            if raw is not None:
                status, kind, data = raw
            elif self.fmt == "xml":
                data, kind = to_xml(self.route, status, body), "text/xml; charset=utf-8"
            else:
                data, kind = json.dumps(body).encode(), "application/json; charset=utf-8"
            try:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass  # the client has gone (it timed out)

        def _path(self) -> tuple[str, dict]:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
            path = unquote(parts.path.removeprefix(server.moved_to or PREFIX))
            # Either format, answered in it: the routes below are written for .json.
            stem, dot, ext = path.rpartition(".")
            self.fmt = ext if dot and ext in ("json", "xml") else "json"
            self.route = f"{stem}.json" if dot and ext in ("json", "xml") else path
            return self.route, query

        def _format_ok(self) -> bool:
            if self.fmt not in server.formats:
                self.fmt = sorted(server.formats)[0]
                self._send(404, _error(404, "this server does not speak that format"))
                return False
            return True

        def _moved(self, status: int) -> bool:
            """Send old addresses on to the new one, once the back office has moved."""
            if not server.moved_to or self.path.startswith(server.moved_to):
                return False
            self.send_response(status)
            self.send_header("Location", server.moved_to + self.path.removeprefix(PREFIX))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return True

        def _jurisdiction_ok(self, given: str | None) -> bool:
            if server.jurisdiction and given != server.jurisdiction:
                self._send(404, _error(404, "jurisdiction_id not found"))
                return False
            return True

        def do_GET(self) -> None:
            if self._moved(301):
                return
            path, query = self._path()
            with server.lock:
                server.gets.append(self.path)
            if not self._format_ok():
                return
            if not self._jurisdiction_ok(query.get("jurisdiction_id")):
                return
            if path == "/services.json":
                self._send(200, [{"service_code": c, "service_name": c.title(),
                                  "type": "blackbox" if c in server.blackbox else "realtime",
                                  "metadata": c in server.definitions, "keywords": "", "group": "street"}
                                 for c in SERVICES])
            elif path.startswith("/services/") and path.endswith(".json"):
                definition = server.definitions.get(path[len("/services/"):-len(".json")])
                if definition is None:
                    self._send(404, _error(404, "service_code not found"))
                else:
                    self._send(200, definition)
            elif path == "/requests.json":
                self._send(200, server.search(query))
            elif path.startswith("/requests/") and path.endswith(".json"):
                request = server.requests.get(path[len("/requests/"):-len(".json")])
                if request is None:
                    self._send(404, _error(404, "service_request_id not found"))
                else:
                    with server.lock:
                        self._send(200, [server.public(request)])
            elif path.startswith("/tokens/") and path.endswith(".json"):
                self._token(path[len("/tokens/"):-len(".json")])
            else:
                self._send(404, _error(404, "not found"))

        def _token(self, token: str) -> None:
            with server.lock:
                entry = server.tokens.get(token)
                if entry is not None and entry["polls"] > 0:
                    entry["polls"] -= 1
                    answer = [{"token": token}]
                elif entry is not None:
                    answer = [{"token": token, "service_request_id": entry["id"]}]
                else:
                    answer = None
            if answer is None:
                self._send(404, _error(404, "token not found"))
            else:
                self._send(200, answer)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            if self._moved(308):
                return
            path, _query = self._path()
            form = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
            if not self._format_ok():
                return
            if path != "/requests.json":
                self._send(404, _error(404, "not found"))
                return
            with server.lock:
                server.posts.append(form)
                server.post_times.append(time.monotonic())
                server.post_types.append(self.headers.get("Content-Type", ""))
            if form.get("api_key") != server.api_key:
                self._send(403, _error(403, "Invalid api_key"))
                return
            if not self._jurisdiction_ok(form.get("jurisdiction_id")):
                return
            if form.get("service_code") not in SERVICES:
                self._send(404, _error(404, "service_code not found"))
                return
            if server.down_next > 0:
                server.down_next -= 1
                self._send(400, _error(400, "The CRM is not answering") + _error(400, "Please try again later"))
                return
            if server.fail_next > 0:
                server.fail_next -= 1
                self._send(server.fail_status, _error(server.fail_status, "The back office is having a rest"))
                return
            request = server.create(form)
            if server.drop_next > 0:  # created, but the answer never gets back
                server.drop_next -= 1
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if server.delay_next > 0:
                server.delay_next -= 1
                time.sleep(server.delay_seconds)
            if form.get("service_code") in server.blackbox:
                self._send(201, [{"service_notice": "Thank you: your request has been passed on"}])
            elif server.token_mode:
                token = f"tok-{request['service_request_id']}-{int(time.time() * 1000) % 100000}"
                with server.lock:
                    server.tokens[token] = {"id": request["service_request_id"], "polls": server.token_polls}
                self._send(201, [{"token": token, "service_notice": "Thanks: your request is being processed"}])
            else:
                self._send(201, [{"service_request_id": request["service_request_id"],
                                  "service_notice": "Thank you for your report"}])

    return Handler
