"""HTTP to central: one `requests.Session`, and an exception tree to catch at any level.

    SyncError
     └── TransportError            nothing usable came back: try again later
          ├── Offline              no connection (refused, reset, DNS, timeout)
          ├── ServerBusy           5xx or 429; `retry_after` seconds when central said so
          └── NotCentral           a 2xx that is not central's (captive portal, truncated body)
     └── Unauthorised              401/403: the device token is wrong or revoked; pause
     └── Refused                   400/404/413/422: this request will never succeed as it is
"""

from __future__ import annotations

import email.utils
import time

import requests
from pydantic import BaseModel, ValidationError

from sync import SyncError
from sync.protocol import (
    APP_VERSION,
    API,
    EnrolRequest,
    EnrolResponse,
    Heartbeat,
    HeartbeatAck,
    LookupRequest,
    OnSite,
    Progress,
    ProgressRequest,
    ResendResult,
    ReturningVisitor,
    SignedDocument,
    SubmissionBatch,
    SubmissionResponse,
)


class TransportError(SyncError):
    """Nothing usable came back; the same request may work later."""


class Offline(TransportError):
    """No connection to central."""


class ServerBusy(TransportError):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class NotCentral(TransportError):
    """A success status without a body central would send: a portal page, a cut-off reply."""


class Unauthorised(SyncError):
    """Central refused the device token (401) or the device is revoked (403)."""


class Refused(SyncError):
    """Central refused the request itself; sending it again will not help."""


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class CentralClient(requests.Session):
    """A session bound to one central service and (once enrolled) one device token."""

    def __init__(self, base_url: str, token: str | None = None, timeout: float = 15.0) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.headers["User-Agent"] = f"hubkiosk/{APP_VERSION}"
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def copy(self) -> "CentralClient":
        """A new session to the same central with the same token (a session per thread)."""
        other = CentralClient(self.base_url, timeout=self.timeout)
        other.headers.update(self.headers)
        return other

    def call(self, method: str, path: str, body: BaseModel | None, answer: type[BaseModel]):
        """Send one request; return the parsed answer or raise from the tree above."""
        try:
            response = self.request(method, f"{self.base_url}{path}", timeout=self.timeout,
                                    data=body.model_dump_json() if body is not None else None,
                                    headers={"Content-Type": "application/json"} if body is not None else None)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise Offline(type(exc).__name__) from None
        except requests.RequestException as exc:
            raise TransportError(type(exc).__name__) from None
        status = response.status_code
        if status in (401, 403):
            raise Unauthorised(f"{status}: {self._detail(response)}")
        if status == 429 or status >= 500:
            raise ServerBusy(f"{status}", parse_retry_after(response.headers.get("Retry-After")))
        if status >= 400:
            raise Refused(f"{status}: {self._detail(response)}")
        if not 200 <= status < 300:
            raise NotCentral(f"unexpected status {status}")
        try:
            return answer.model_validate_json(response.content)
        except ValidationError:
            raise NotCentral("the reply is not from central (a Wi-Fi sign-in page, or cut off)") from None

    @staticmethod
    def _detail(response) -> str:
        try:
            return str(response.json().get("detail", ""))[:200]
        except ValueError:
            return ""

    def enrol(self, code: str, device_name: str) -> EnrolResponse:
        body = EnrolRequest(code=code, device_name=device_name, app_version=APP_VERSION)
        return self.call("POST", f"{API}/enrol", body, EnrolResponse)

    def submit(self, batch: SubmissionBatch) -> SubmissionResponse:
        return self.call("POST", f"{API}/submissions", batch, SubmissionResponse)

    def heartbeat(self, beat: Heartbeat) -> HeartbeatAck:
        return self.call("POST", f"{API}/heartbeat", beat, HeartbeatAck)

    def healthy(self) -> bool:
        """A cheap check that central answers (used to notice the network coming back)."""
        try:
            return self.get(f"{self.base_url}/healthz", timeout=min(5.0, self.timeout)).json().get("ok") is True
        except (requests.RequestException, ValueError, AttributeError):
            return False

    def reference(self, name: str) -> SignedDocument:
        return self.call("GET", f"{API}/reference/{name}", None, SignedDocument)

    def returning_visitor(self, email: str) -> ReturningVisitor | None:
        """A returning visitor's details by email (central remembers them), or None."""
        try:
            return self.call("POST", f"{API}/visitors/lookup", LookupRequest(email=email), ReturningVisitor)
        except Refused as exc:
            if str(exc).startswith("404"):
                return None
            raise

    def progress(self, reference: str, answer: str) -> Progress | None:
        """How something handed over is getting on, or None (unknown, or not the owner's answer)."""
        try:
            return self.call("POST", f"{API}/progress", ProgressRequest(reference=reference, answer=answer), Progress)
        except Refused as exc:
            if str(exc).startswith("404"):
                return None
            raise

    def resend_activation(self, reference: str, answer: str) -> bool:
        """A new activation email for the account, if it is not activated yet."""
        return self.call("POST", f"{API}/progress/resend", ProgressRequest(reference=reference, answer=answer),
                         ResendResult).sent

    def on_site(self) -> OnSite:
        """Who central thinks is on this kiosk's site now (every kiosk of the site)."""
        return self.call("GET", f"{API}/site/on-site", None, OnSite)
