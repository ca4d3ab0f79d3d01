"""Forwarding reports to the council's back office over Open311 GeoReport v2.

A forwarder thread claims due reports (a claim lasts a few request timeouts, so with
several central workers each report is taken by one), POSTs each to `{base}/requests.json`
(or `.xml`, `HUBKIOSK_OPEN311_FORMAT`)
and records the back office's `service_request_id` (or its `token`, resolved later through
`{base}/tokens/{token}.json`). A report waits until its record is complete (its photo in).

Never a duplicate at the back office. Every answer falls in one of three kinds:

- created: a 2xx with a `service_request_id` or a `token`;
- not created: a definite error answer with a body (401/403/404/422: refused, kept as
  `failed` with the error until staff retry it; 429/500/503: busy, sent again later with
  backoff; 400, the spec's "general service error (e.g. CRM is down)": sent again after
  5 minutes, then every 30, as FixMyStreet does);
- unsure: no answer (timeout, connection dropped after sending), a 2xx that cannot be
  read, a 502/504 from a gateway or a 5xx with no body. The request may exist.

Before each send the report is marked `unsure` (committed), and a definite answer clears
the mark: so a crash in the middle of a send counts as unsure too. An unsure report is
never sent again blindly: central first searches `{base}/requests.json` by service code
over a window from its first send, for a request whose description or attributes carry
its kiosk reference; if one is found its id is recorded and nothing is resent.

The back office's own list of services (`services.json`) is read at start and hourly, with
the definition (`services/{code}.json`) of each service that has `metadata`. A kiosk
answer goes as the definition's attribute (matched by code, or by its description against
the question's English words) with the definition's value key (matched by key, or by its
name against the option's English words); answers it does not ask for are in the
description only. A `blackbox` service answers with no id and cannot be searched: its 2xx
is the request sent, once.

Settings come from the environment (so every worker process shares them):

    HUBKIOSK_OPEN311_URL           base URL, e.g. https://backoffice.example/open311/v2
    HUBKIOSK_OPEN311_KEY           api_key
    HUBKIOSK_OPEN311_JURISDICTION  jurisdiction_id (optional)
    HUBKIOSK_OPEN311_POLL          seconds between passes (5)
    HUBKIOSK_OPEN311_TIMEOUT       seconds to wait for the back office (20)
    HUBKIOSK_OPEN311_BACKOFF       first retry delay in seconds, doubled each time (30)
    HUBKIOSK_OPEN311_ATTEMPTS      tries before a report is marked failed (10)
    HUBKIOSK_OPEN311_DOWN_FIRST    seconds before the first retry after a 400 (300)
    HUBKIOSK_OPEN311_DOWN_EVERY    seconds between later retries after a 400 (1800)
    HUBKIOSK_OPEN311_DOWN_ATTEMPTS tries through 400s before failed (48: a day of them)
    HUBKIOSK_OPEN311_SERVICES_SECONDS  how often the service list and definitions are read
                                   again (3600)
    HUBKIOSK_OPEN311_FORMAT        json (the default) or xml, which every GeoReport v2 server
                                   speaks: the back office's paths end .json or .xml, and
                                   its answers, errors included, are read in that format
    HUBKIOSK_OPEN311_STATUS_SECONDS  how stale a back-office status may be before a
                                   tracking page view refreshes it (300)
    HUBKIOSK_PUBLIC_URL            central's public address: photos go as media_url
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

from urllib.parse import quote, urlencode, urljoin

import defusedxml.ElementTree as ET
import requests
from defusedxml import DefusedXmlException
from sqlalchemy import and_, exists, func, or_, select, update

from central import categories as cats
from central import db as tables
from central import notices, work
from central.db import aware
from central.reports import categories, clean_text
from central.workers import PollingWorker

log = logging.getLogger("central.open311")
USER_AGENT = "hubkiosk-central/0.1 (Open311 GeoReport v2)"
FORM_TYPE = "application/x-www-form-urlencoded; charset=utf-8"
MAX_REDIRECTS = 3
MAX_DESCRIPTION = 4000


@dataclass(frozen=True)
class Open311Settings:
    url: str
    api_key: str
    jurisdiction: str = ""
    poll_seconds: float = 5.0
    timeout: float = 20.0
    backoff_seconds: float = 30.0
    attempts: int = 10
    status_seconds: float = 300.0
    public_url: str = ""
    down_first: float = 300.0
    down_every: float = 1800.0
    down_attempts: int = 48
    services_seconds: float = 3600.0
    format: str = "json"          # "json" or "xml" (the spec's required one): this endpoint's

    @classmethod
    def from_env(cls, env=os.environ) -> "Open311Settings | None":
        url = env.get("HUBKIOSK_OPEN311_URL", "").strip().rstrip("/")
        if not url:
            return None
        return cls(url=url, api_key=env.get("HUBKIOSK_OPEN311_KEY", ""),
                   jurisdiction=env.get("HUBKIOSK_OPEN311_JURISDICTION", ""),
                   poll_seconds=float(env.get("HUBKIOSK_OPEN311_POLL", "5")),
                   timeout=float(env.get("HUBKIOSK_OPEN311_TIMEOUT", "20")),
                   backoff_seconds=float(env.get("HUBKIOSK_OPEN311_BACKOFF", "30")),
                   attempts=int(env.get("HUBKIOSK_OPEN311_ATTEMPTS", "10")),
                   status_seconds=float(env.get("HUBKIOSK_OPEN311_STATUS_SECONDS", "300")),
                   public_url=env.get("HUBKIOSK_PUBLIC_URL", "").strip().rstrip("/"),
                   down_first=float(env.get("HUBKIOSK_OPEN311_DOWN_FIRST", "300")),
                   down_every=float(env.get("HUBKIOSK_OPEN311_DOWN_EVERY", "1800")),
                   down_attempts=int(env.get("HUBKIOSK_OPEN311_DOWN_ATTEMPTS", "48")),
                   services_seconds=float(env.get("HUBKIOSK_OPEN311_SERVICES_SECONDS", "3600")),
                   format="xml" if env.get("HUBKIOSK_OPEN311_FORMAT", "").strip().lower() == "xml" else "json")

    @property
    def lease(self) -> timedelta:
        """How long a claim lasts: a look-up, a send and a token check, with room to spare."""
        return timedelta(seconds=4 * self.timeout + 30)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def w3c(moment: datetime) -> str:
    """A time as GeoReport v2 writes them (W3C, UTC)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ----- the exception tree ---------------------------------------------------------------------
class Open311Error(Exception):
    """Any failure talking to the back office (`.status`: the HTTP status, if there was one)."""

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class Refused(Open311Error):
    """A definite 4xx: nothing was created, and sending again will not help until fixed."""


class Busy(Open311Error):
    """A definite 429/500/503 with a body: nothing was created; try again later."""


class ServiceDown(Busy):
    """A 400, GeoReport v2's "general service error" (the CRM behind it is down, say):
    nothing was created; try again after `down_first`, then every `down_every`."""


class Unsure(Open311Error):
    """No usable answer: the request may or may not exist at the back office."""


@dataclass(frozen=True)
class Created:
    service_request_id: str | None
    token: str | None


@dataclass(frozen=True)
class Attribute:
    """One attribute of a service definition (GeoReport v2 `GET services/{code}.json`)."""
    code: str
    description: str = ""
    datatype: str = "string"
    required: bool = False
    variable: bool = True
    values: tuple[tuple[str, str], ...] = ()   # (key, name) of a single/multivaluelist


@dataclass(frozen=True)
class Service:
    """One service of the back office's `services.json`; `attributes` is its definition,
    or None when it has none (no `metadata`) or it could not be read."""
    code: str
    type: str = "realtime"        # realtime, batch or blackbox
    metadata: bool = False
    attributes: tuple[Attribute, ...] | None = None

    @property
    def blackbox(self) -> bool:
        return self.type == "blackbox"


# ----- the client ------------------------------------------------------------------------------
class Open311Client:
    """GeoReport v2 over one `requests.Session` (no automatic retries: every resend is
    decided here, after a look-up when the last outcome was unsure)."""

    def __init__(self, settings: Open311Settings, session: requests.Session | None = None) -> None:
        self.settings = settings
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT

    def close(self) -> None:
        self.session.close()

    def _url(self, path: str) -> str:
        """`path` without its format (requests, tokens/t) as the endpoint's URL."""
        return f"{self.settings.url}/{path}.{self.settings.format}"

    def _params(self, **more) -> dict:
        params = {"jurisdiction_id": self.settings.jurisdiction} if self.settings.jurisdiction else {}
        return {**params, **{k: v for k, v in more.items() if v is not None}}

    def _get(self, path: str, **params) -> requests.Response:
        """A GET, following redirects (a back office that moved)."""
        try:
            return self.session.get(self._url(path), params=self._params(**params),
                                    timeout=self.settings.timeout, allow_redirects=True)
        except requests.RequestException as exc:
            raise Unsure(f"no answer ({type(exc).__name__})") from None

    def _post(self, url: str, body: bytes) -> requests.Response:
        """A POST, following only redirects that keep it a POST (307, 308): a 301, 302 or 303
        would turn it into a GET, whose list of requests is no answer to this one."""
        for _hop in range(MAX_REDIRECTS + 1):
            try:
                response = self.session.post(url, data=body, timeout=self.settings.timeout, allow_redirects=False,
                                             headers={"Content-Type": FORM_TYPE})
            except requests.RequestException as exc:
                raise Unsure(f"no answer ({type(exc).__name__})") from None
            if response.status_code not in (301, 302, 303, 307, 308):
                return response
            location = response.headers.get("Location", "")
            if response.status_code not in (307, 308) or not location:
                raise Refused(f"HTTP {response.status_code}: the back office moved; set HUBKIOSK_OPEN311_URL "
                              "to its new address", response.status_code)
            url = urljoin(url, location)
        raise Refused("too many redirects", response.status_code)

    def create(self, form: list[tuple[str, str]], blackbox: bool = False) -> Created:
        """POST one service request; Refused, Busy or Unsure when it is not plainly created.
        A `blackbox` service's 2xx is the request created, with no id to come."""
        response = self._post(self._url("requests"), urlencode(form).encode("ascii"))
        if 200 <= response.status_code < 300:
            if blackbox:
                return Created(None, None)
            first = _first(response)
            request_id, token = _text(first.get("service_request_id")), _text(first.get("token"))
            if not request_id and not token:
                raise Unsure("the answer had neither a service_request_id nor a token", response.status_code)
            return Created(request_id or None, token or None)
        raise _error(response)

    def services(self) -> dict[str, Service]:
        """The back office's services, each with its definition where it has `metadata`
        (None where that could not be read)."""
        response = self._get("services")
        if response.status_code != 200:
            raise _error(response)
        found = {}
        for item in _list(response):
            code = _text(item.get("service_code"))
            if not code:
                continue
            service = Service(code, str(item.get("type") or "realtime").strip().lower(), _truthy(item.get("metadata")))
            if service.metadata:
                try:
                    service = replace(service, attributes=self.definition(code))
                except Open311Error as exc:
                    log.info("definition of service %s not read (%s)", code, type(exc).__name__)
            found[code] = service
        return found

    def definition(self, code: str) -> tuple[Attribute, ...]:
        response = self._get(f"services/{quote(code, safe='')}")
        if response.status_code != 200:
            raise _error(response)
        data = _data(response)
        if isinstance(data, list) and data:
            data = data[0]
        items = data.get("attributes") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise Unsure("the definition has no list of attributes", response.status_code)
        attributes = []
        for item in items:
            if not isinstance(item, dict) or not _text(item.get("code")):
                continue
            values = tuple((str(v.get("key")), str(v.get("name") or v.get("key")))
                           for v in item.get("values") or [] if isinstance(v, dict) and v.get("key") is not None)
            attributes.append(Attribute(_text(item.get("code")), str(item.get("description") or ""),
                                        str(item.get("datatype") or "string").lower(), _truthy(item.get("required")),
                                        _truthy(item.get("variable"), default=True), values))
        return tuple(attributes)

    def find(self, service_code: str, reference: str, since: datetime) -> str | None:
        """The id of the request carrying `reference`, searched from `since` to now."""
        response = self._get("requests", service_code=service_code,
                             start_date=w3c(since - timedelta(minutes=10)),
                             end_date=w3c(_now() + timedelta(minutes=10)))
        if response.status_code != 200:
            raise _error(response)
        pattern = re.compile(rf"(?<![A-Z0-9-]){re.escape(reference)}(?![A-Z0-9-])")
        for item in _list(response):
            if pattern.search(str(item.get("description") or "")) or pattern.search(
                    json.dumps(item.get("attributes") or item.get("attribute") or "")):
                found = _text(item.get("service_request_id"))
                if found:
                    return found
        return None

    def token(self, token: str) -> str | None:
        """The service_request_id a token has become, or None while it is not known yet."""
        response = self._get(f"tokens/{quote(token, safe='')}")
        if response.status_code != 200:
            raise _error(response)
        return _text(_first(response).get("service_request_id")) or None

    def status(self, request_id: str) -> dict:
        """status, status_notes, updated_datetime of one request."""
        response = self._get(f"requests/{quote(request_id, safe='')}")
        if response.status_code != 200:
            raise _error(response)
        return _first(response)

    def statuses(self, request_ids: list[str]) -> dict[str, dict]:
        """Several requests at once (GeoReport v2: a comma-separated `service_request_id`
        overrides every other filter), by id; one the back office no longer lists is left out."""
        response = self._get("requests", service_request_id=",".join(request_ids))
        if response.status_code != 200:
            raise _error(response)
        return {_text(item.get("service_request_id")): item for item in _list(response)
                if _text(item.get("service_request_id")) in request_ids}


def _truthy(value, default: bool = False) -> bool:
    if value is None:
        return default
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def _text(value) -> str:
    return str(value).strip()[:64] if isinstance(value, (str, int)) and not isinstance(value, bool) else ""


# The elements of GeoReport v2's XML that hold a list of the elements inside them.
XML_LISTS = {"service_requests", "services", "errors", "attributes", "values"}


def from_xml(element):
    """A GeoReport v2 XML element as the JSON format's data: lists for the list elements,
    mappings for the others, text for the leaves.

    >>> from_xml(ET.fromstring("<service_requests><request><service_request_id>6001</service_request_id>"
    ...          "<token/></request></service_requests>"))
    [{'service_request_id': '6001', 'token': ''}]
    """
    if element.tag in XML_LISTS:
        return [from_xml(child) for child in element]
    if len(element) == 0:
        return (element.text or "").strip()
    return {child.tag: from_xml(child) for child in element}


def _data(response: requests.Response):
    """The answer's body as data, in the endpoint's format (JSON or XML). XML is read with
    defusedxml: no entities, no external references, no bombs."""
    if response.url.split("?")[0].endswith(".xml") or "xml" in response.headers.get("Content-Type", ""):
        try:
            return from_xml(ET.fromstring(response.content))
        except (ET.ParseError, DefusedXmlException):
            raise Unsure("the answer is not XML", response.status_code) from None
    try:
        return response.json()
    except ValueError:
        raise Unsure("the answer is not JSON", response.status_code) from None


def _list(response: requests.Response) -> list[dict]:
    data = _data(response)
    if isinstance(data, dict):  # some servers wrap the list
        data = data.get("service_requests") or data.get("requests") or [data]
    if not isinstance(data, list):
        raise Unsure("the answer is not a list", response.status_code)
    return [item for item in data if isinstance(item, dict)]


def _first(response: requests.Response) -> dict:
    items = _list(response)
    if not items:
        raise Unsure("the answer is an empty list", response.status_code)
    return items[0]


def error_words(body) -> str:
    """Every error's description in a GeoReport v2 error answer (a list of `{code,
    description}`, or one of them), joined; not only the first.

    >>> error_words([{"code": 400, "description": "CRM down"}, {"code": 400, "description": "Try later"}])
    'CRM down; Try later'
    """
    items = body if isinstance(body, list) else [body]
    words = [clean_text(str(item.get("description") or ""), 150) for item in items if isinstance(item, dict)]
    return clean_text("; ".join(w for w in words if w), 190)


def _error(response: requests.Response) -> Open311Error:
    """The kind of a non-2xx answer, with the back office's own words (kept, never logged)."""
    status = response.status_code
    try:
        words = error_words(_data(response))
    except Unsure:
        words = ""
    message = f"HTTP {status}" + (f": {words}" if words else "")
    if status in (502, 504, 408) or (status >= 500 and not response.content):
        return Unsure(message, status)
    if status in (429, 500, 503):
        retry_after = response.headers.get("Retry-After", "")
        return Busy(message, status, float(retry_after) if retry_after.isdigit() else None)
    if status >= 500:
        return Busy(message, status)
    if status == 400:
        return ServiceDown(message, status)
    return Refused(message, status)


def retry_delay(error: Open311Error, attempts: int, settings: Open311Settings) -> float:
    """Seconds before trying again after `attempts` tries that ended in `error`.

    >>> s = Open311Settings(url="x", api_key="k")
    >>> [retry_delay(ServiceDown("HTTP 400"), n, s) for n in (1, 2, 3)]   # as FixMyStreet
    [300.0, 1800.0, 1800.0]
    >>> [retry_delay(Busy("HTTP 503"), n, s) for n in (1, 2, 3)], retry_delay(Busy("", 429, 90), 1, s)
    ([30.0, 60.0, 120.0], 90)
    """
    if error.retry_after:
        return error.retry_after
    if isinstance(error, ServiceDown):
        return settings.down_first if attempts <= 1 else settings.down_every
    return min(3600.0, settings.backoff_seconds * 2 ** (attempts - 1))


def gives_up(error: Open311Error, attempts: int, settings: Open311Settings) -> bool:
    """Whether `attempts` tries are enough: through 400s, a day of them by default."""
    return attempts >= (settings.down_attempts if isinstance(error, ServiceDown) else settings.attempts)


# ----- what a report becomes ---------------------------------------------------------------------
def _answer_text(question: dict | None, value) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if question and question.get("kind") == "choice":
        for option in question.get("options") or []:
            if option.get("value") == value:
                return cats.english(option.get("label"))
    return str(value)


def description(row: dict, category: dict | None) -> str:
    """The plain-text description the back office's team reads."""
    questions = {q.get("code"): q for q in (category or {}).get("questions") or []}
    answers = json.loads(row["answers"] or "{}")
    place = row["location_text"] or row["postcode"]
    lines = [f"Where: {place}" if place else "", f"Landmark: {row['landmark']}" if row["landmark"] else ""]
    for code, value in answers.items():
        label = cats.english(questions[code].get("label")) if code in questions else code
        lines.append(f"{label} {_answer_text(questions.get(code), value)}")
    lines.append(f"Reported at a kiosk at {row['site']} on {aware(row['reported_at']):%d %b %Y %H:%M} UTC.")
    lines.append(f"Kiosk reference {row['reference']}")
    tail = "\n".join(line for line in lines if line)
    room = MAX_DESCRIPTION - len(tail) - 2
    text = row["description"][:room] if room > 0 else ""
    return f"{text}\n\n{tail}" if text else tail


def _attribute(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _same(a: str, b: str) -> bool:
    """Two labels that say the same thing (case, spaces and end punctuation aside)."""
    def norm(text: str) -> str:
        return " ".join(str(text).casefold().split()).rstrip("?.:! ")
    return bool(norm(a)) and norm(a) == norm(b)


YES = ("true", "yes", "y", "1")
NO = ("false", "no", "n", "0")


def _value_key(attribute: Attribute, question: dict | None, value) -> str | None:
    """The definition's value for a kiosk answer, or None when it has none that fits."""
    if attribute.datatype not in ("singlevaluelist", "multivaluelist"):
        return _attribute(value) if attribute.datatype != "number" or str(value).replace(".", "", 1).isdigit() else None
    if isinstance(value, bool):
        words = YES if value else NO
        return next((key for key, name in attribute.values
                     if key.casefold() in words or name.casefold() in words), None)
    option = next((o for o in (question or {}).get("options") or [] if o.get("value") == value), None)
    label = cats.english(option.get("label")) if option else ""
    return next((key for key, name in attribute.values if key == str(value)), None) or next(
        (key for key, name in attribute.values if _same(name, label)), None)


def defined_attributes(answers: dict, questions: list[dict], attributes) -> list[tuple[str, str]]:
    """A report's answers as the service definition's attributes: each matched by code or
    by description, with the definition's value key. Answers it does not ask for, and
    values it has no key for, go in the description only.

    >>> attrs = (Attribute("AMT", "How much is there", "singlevaluelist", values=(("1", "One or two bags"),
    ...          ("2", "A car boot load"))), Attribute("danger", "", "singlevaluelist", values=(("Y", "Yes"), ("N", "No"))))
    >>> qs = [{"code": "amount", "label": {"en": "How much is there?"}, "options": [{"value": "car",
    ...        "label": {"en": "A car boot load"}}]}, {"code": "DANGER", "label": {"en": "Is it dangerous?"}}]
    >>> defined_attributes({"amount": "car", "danger": False, "other": "x"}, qs, attrs)
    [('attribute[AMT]', '2'), ('attribute[danger]', 'N')]
    """
    by_code = {q.get("code"): q for q in questions}
    fields = []
    for code, value in answers.items():
        question = by_code.get(code)
        label = cats.english(question.get("label")) if question else ""
        attribute = next((a for a in attributes if a.variable and a.code.casefold() == str(code).casefold()), None) \
            or next((a for a in attributes if a.variable and _same(a.description, label)), None)
        key = _value_key(attribute, question, value) if attribute else None
        if key is not None:
            fields.append((f"attribute[{attribute.code}]", key))
    return fields


def form(row: dict, settings: Open311Settings, category: dict | None,
         service: Service | None = None) -> list[tuple[str, str]]:
    """The form fields of the POST requests.json for one report (`service`: the back
    office's own definition of its service, when it has one)."""
    fields = [("api_key", settings.api_key), ("service_code", row["service_code"])]
    if settings.jurisdiction:
        fields.append(("jurisdiction_id", settings.jurisdiction))
    if row["lat"] is not None and row["lon"] is not None:
        fields += [("lat", f"{row['lat']:.6f}"), ("long", f"{row['lon']:.6f}")]
    else:
        fields.append(("address_string", row["location_text"] or row["postcode"] or row["site"]))
    if row["uprn"]:
        # GeoReport v2's address_id, and the attribute UK back offices built for FixMyStreet read.
        fields += [("address_id", row["uprn"]), ("attribute[uprn]", row["uprn"])]
    fields.append(("description", description(row, category)))
    answers = json.loads(row["answers"] or "{}")
    if service is not None and service.attributes is not None:
        fields += defined_attributes(answers, (category or {}).get("questions") or [], service.attributes)
    else:
        fields += [(f"attribute[{code}]", _attribute(value)) for code, value in answers.items()]
    fields.append(("attribute[kiosk_reference]", row["reference"]))
    if row["contact_email"]:
        fields.append(("email", row["contact_email"]))
    if row["contact_name"]:
        first, _sep, last = row["contact_name"].rpartition(" ")
        fields += [("first_name", first or last)] + ([("last_name", last)] if first else [])
    if row["contact_phone"]:
        fields.append(("phone", row["contact_phone"]))
    if settings.public_url and row["has_photo"]:
        fields.append(("media_url", media_url(settings.public_url, row)))
    return fields


def media_url(public_url: str, row: dict) -> str:
    """The photo's unguessable public address (served by central/tracking.py)."""
    return f"{public_url}/media/{row['reference']}/{row['media_secret']}.jpg"


# ----- the forwarder thread -----------------------------------------------------------------------
class Forwarder(PollingWorker):
    """Claims due reports and forwards them; resolves tokens to request ids."""

    name = "open311"

    def __init__(self, engine, settings: Open311Settings, client: Open311Client | None = None) -> None:
        super().__init__(settings.poll_seconds, stop_timeout=settings.timeout + 5)
        self.engine = engine
        self.settings = settings
        self.client = client or Open311Client(settings)
        self._services: dict[str, Service] = {}
        self._services_due = 0.0   # time.monotonic() when the list is read again

    def service(self, code: str) -> Service | None:
        """The back office's own account of a service, read at most every `services_seconds`
        (a minute after a failed read; the last good list is kept meanwhile)."""
        if time.monotonic() >= self._services_due:
            try:
                self._services = self.client.services()
                self._services_due = time.monotonic() + self.settings.services_seconds
            except Open311Error as exc:
                log.info("service list not read (%s)", type(exc).__name__)
                self._services_due = time.monotonic() + min(60.0, self.settings.services_seconds)
        return self._services.get(code)

    def run_once(self) -> int:
        return self.forward_due() + self.poll_statuses()

    def close(self) -> None:
        self.client.close()

    # claiming
    def _claim(self, condition, limit: int = 10) -> list[dict]:
        r = tables.reports.c
        now = _now()
        free = or_(r.claimed_until.is_(None), r.claimed_until < now)
        claimed = []
        with tables.begin(self.engine) as conn:
            due = conn.execute(select(r.reference).where(condition, r.next_at <= now, free)
                               .order_by(r.next_at).limit(limit)).scalars().all()
            for reference in due:
                taken = conn.execute(update(tables.reports).where(r.reference == reference, condition, free)
                                     .values(claimed_until=now + self.settings.lease))
                if taken.rowcount == 1:
                    claimed.append(dict(conn.execute(select(tables.reports).where(
                        r.reference == reference)).mappings().one()))
        return claimed

    def _ready(self):
        """Pending reports whose record is complete (every attachment received)."""
        r, a = tables.reports.c, tables.attachments.c
        waiting = exists(select(a.name).where(a.record_id == r.record_id, a.received.is_(False)))
        return and_(r.state == "pending", ~waiting)

    def _tokens(self):
        r = tables.reports.c
        return and_(r.state == "sent", r.service_request_id.is_(None), r.token.is_not(None))

    # recording outcomes
    def _save(self, row: dict, **values) -> None:
        with tables.begin(self.engine) as conn:
            conn.execute(update(tables.reports).where(tables.reports.c.reference == row["reference"])
                         .values(claimed_until=None, **values))
            if values.get("service_request_id"):  # the back office has it: nobody need chase it now
                work.close_for_record(conn, "street-report", row["record_id"], "open311",
                                      f"Accepted by the back office as request {values['service_request_id']}")
            elif values.get("state") == "sent" and not values.get("token"):   # a blackbox: no id to come
                work.close_for_record(conn, "street-report", row["record_id"], "open311",
                                      "Accepted by the back office (it gives no request id)")

    def _later(self, row: dict, error: Open311Error, unsure: bool) -> None:
        attempts = row["attempts"] + 1
        failed = gives_up(error, attempts, self.settings)
        delay = retry_delay(error, attempts, self.settings)
        log.warning("report %s not forwarded (attempt %d, %s)%s", row["reference"], attempts,
                    type(error).__name__ if error.status is None else f"HTTP {error.status}",
                    ": given up" if failed else "")
        self._save(row, state="failed" if failed else "pending", attempts=attempts, unsure=unsure,
                   last_error=str(error)[:200], next_at=_now() + timedelta(seconds=delay))

    def _refused(self, row: dict, error: Open311Error) -> None:
        log.warning("report %s refused by the back office (HTTP %s): kept as failed", row["reference"], error.status)
        self._save(row, state="failed", attempts=row["attempts"] + 1, unsure=False, last_error=str(error)[:200])

    def _sent(self, row: dict, created: Created) -> None:
        log.info("report %s forwarded: %s", row["reference"],
                 f"request {created.service_request_id}" if created.service_request_id
                 else ("token" if created.token else "no id (a blackbox service)"))
        self._save(row, state="sent", attempts=row["attempts"] + 1, unsure=False, last_error=None,
                   service_request_id=created.service_request_id, token=created.token, forwarded_at=_now(),
                   next_at=_now() + timedelta(seconds=self.settings.poll_seconds))

    def _mark_sending(self, row: dict) -> None:
        """Committed before the POST: if central dies mid-send, the next try looks first."""
        with tables.begin(self.engine) as conn:
            conn.execute(update(tables.reports).where(tables.reports.c.reference == row["reference"]).values(
                unsure=True, first_sent_at=func.coalesce(tables.reports.c.first_sent_at, _now())))

    # one report
    def forward(self, row: dict) -> None:
        """Forward one claimed report (looking it up first if an earlier send was unsure)."""
        if not row["service_code"]:
            self._refused(row, Refused("no Open311 service code for this category"))
            return
        with self.engine.connect() as conn:
            category = categories(conn).get(row["category"])
        service = self.service(row["service_code"])
        if row["unsure"] and not (service and service.blackbox):   # a blackbox cannot be searched
            since = aware(row["first_sent_at"]) or _now() - timedelta(days=1)
            try:
                found = self.client.find(row["service_code"], row["reference"], since)
            except Open311Error as exc:
                self._later(row, exc, unsure=True)
                return
            if found:
                log.info("report %s was already at the back office", row["reference"])
                self._sent(row, Created(found, None))
                return
        self._mark_sending(row)
        try:
            created = self.client.create(form(row, self.settings, category, service),
                                         blackbox=bool(service and service.blackbox))
        except Refused as exc:
            self._refused(row, exc)
        except Busy as exc:
            self._later(row, exc, unsure=False)
        except Unsure as exc:
            self._later(row, exc, unsure=True)
        else:
            self._sent(row, created)

    def resolve(self, row: dict) -> None:
        """Turn a token into the back office's request id, when it has one."""
        try:
            found = self.client.token(row["token"])
        except Refused:
            found = self._find_quietly(row)
        except Open311Error:
            found = None
        if found:
            log.info("report %s has request %s", row["reference"], found)
            self._save(row, service_request_id=found)
            return
        waits = row["attempts"] + 1
        self._save(row, attempts=waits, next_at=_now() + timedelta(
            seconds=min(3600.0, self.settings.backoff_seconds * 2 ** min(waits, 12))))

    def _find_quietly(self, row: dict) -> str | None:
        """A token the back office no longer knows: find the request by its reference."""
        try:
            return self.client.find(row["service_code"], row["reference"],
                                    aware(row["first_sent_at"]) or _now() - timedelta(days=1))
        except Open311Error:
            return None

    # passes
    def poll_statuses(self) -> int:
        """How the back office is getting on with reports it has (every `status_seconds`)."""
        return poll_statuses(self.engine, self.settings, self.client)

    def forward_due(self) -> int:
        """One pass: forward what is due and resolve tokens; returns how many were handled."""
        rows = self._claim(self._ready())
        for row in rows:
            self.forward(row)
        tokens = self._claim(self._tokens())
        for row in tokens:
            self.resolve(row)
        return len(rows) + len(tokens)


# ----- the back office's progress ------------------------------------------------------------------
STATUS_BATCH = 50


def _stale(settings: Open311Settings, now: datetime):
    r = tables.reports.c
    return or_(r.status_checked_at.is_(None), r.status_checked_at < now - timedelta(seconds=settings.status_seconds))


def apply_status(conn, reference: str, found: dict) -> bool:
    """Record what the back office says of a report, and queue the resident's notice if
    that is news (in the caller's transaction); True when the status changed."""
    r = tables.reports.c
    row = conn.execute(select(tables.reports).where(r.reference == reference)).mappings().first()
    if row is None:
        return False
    status = clean_text(str(found.get("status") or ""), 20).lower()
    try:
        updated = aware(datetime.fromisoformat(str(found.get("updated_datetime") or "")))
    except ValueError:
        updated = None
    conn.execute(update(tables.reports).where(r.reference == reference).values(
        status=status, status_notes=clean_text(found.get("status_notes"), 500, lines=True),
        status_updated_at=updated))
    if status == row["status"]:
        return False
    notices.report_status(conn, dict(row), status)
    return True


def refresh_status(engine, settings: Open311Settings, reference: str, timeout: float = 5.0) -> bool:
    """Ask the back office how a forwarded report is getting on, if its status is older than
    `settings.status_seconds` (one asker at a time); True when the row changed."""
    r = tables.reports.c
    with tables.begin(engine) as conn:
        now = _now()
        taken = conn.execute(update(tables.reports).where(
            r.reference == reference, r.service_request_id.is_not(None), _stale(settings, now))
            .values(status_checked_at=now))
        if taken.rowcount != 1:
            return False
        request_id = conn.execute(select(r.service_request_id).where(r.reference == reference)).scalar()
    client = Open311Client(replace(settings, timeout=min(timeout, settings.timeout)))
    try:
        found = client.status(request_id)
    except Open311Error as exc:
        log.info("status of report %s not refreshed (%s)", reference, type(exc).__name__)
        return False
    finally:
        client.close()
    with tables.begin(engine) as conn:
        apply_status(conn, reference, found)
    return True


def poll_statuses(engine, settings: Open311Settings, client: Open311Client, limit: int = STATUS_BATCH) -> int:
    """One batch of the reports the back office has and has not finished, whose status is
    older than `settings.status_seconds`, asked for in one GET; returns how many changed.
    A batch is claimed by stamping it checked first, so two centrals never ask twice."""
    r = tables.reports.c
    with tables.begin(engine) as conn:
        now = _now()
        due = conn.execute(select(r.reference, r.service_request_id).where(
            r.service_request_id.is_not(None), r.status.not_in(sorted(notices.FINISHED)), _stale(settings, now))
            .order_by(r.status_checked_at.is_not(None), r.status_checked_at).limit(limit)).all()
        if not due:
            return 0
        conn.execute(update(tables.reports).where(r.reference.in_([d.reference for d in due]))
                     .values(status_checked_at=now))
    try:
        found = client.statuses([d.service_request_id for d in due])
    except Open311Error as exc:
        log.info("statuses of %d reports not read (%s)", len(due), type(exc).__name__)
        return 0
    changed = 0
    with tables.begin(engine) as conn:
        for reference, request_id in due:
            if request_id in found:
                changed += apply_status(conn, reference, found[request_id])
    return changed
