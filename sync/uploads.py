"""Resumable attachment uploads to central (tus 1.0 core + creation).

Written on the kiosk's own `requests` session rather than with tuspy, because tuspy sends
its requests with no timeout: one stalled connection would hang the sync worker for good.
The upload URL of a file sent in several chunks is kept in the device database, so an
upload cut half way (or a kiosk restarted) goes on from the offset central reports instead
of starting again. A file that fits in one chunk keeps its URL in memory only: sparing a
disk write per file, at the cost of resending one chunk after a restart.
"""

from __future__ import annotations

import base64
from urllib.parse import urljoin

import requests

from sync.client import CentralClient, NotCentral, Offline, Refused, ServerBusy, TransportError, Unauthorised
from sync.outbox import Outbox
from sync.protocol import API

TUS = {"Tus-Resumable": "1.0.0"}


def _metadata(values: dict[str, str]) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


class AttachmentUploader:
    """Uploads one outbox record's sealed attachment files to central."""

    def __init__(self, client: CentralClient, outbox: Outbox, chunk_size: int = 4 * 2**20) -> None:
        self.client = client
        self.outbox = outbox
        self.chunk_size = chunk_size
        self._urls: dict[str, str] = {}

    @property
    def endpoint(self) -> str:
        return f"{self.client.base_url}{API}/uploads/"

    def _request(self, method: str, url: str, **kwargs) -> requests.Response:
        try:
            response = self.client.request(method, url, timeout=self.client.timeout, **kwargs)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise Offline(type(exc).__name__) from None
        except requests.RequestException as exc:
            raise TransportError(type(exc).__name__) from None
        if response.status_code in (401, 403):
            raise Unauthorised(str(response.status_code))
        if response.status_code == 429 or response.status_code >= 500:
            raise ServerBusy(str(response.status_code))
        return response

    def _state_key(self, record_id: str, name: str) -> str:
        return f"upload:{record_id}/{name}"

    def _saved_url(self, record_id: str, name: str) -> str | None:
        key = self._state_key(record_id, name)
        if key in self._urls:
            return self._urls[key]
        row = self.outbox.db.execute("SELECT value FROM sync_state WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def _save_url(self, record_id: str, name: str, url: str | None, durable: bool = True) -> None:
        key = self._state_key(record_id, name)
        if url is None:
            if self._urls.pop(key, None) is None or durable:
                self.outbox.db.execute("DELETE FROM sync_state WHERE key = ?", [key])
        elif durable:
            self.outbox.db.execute("INSERT OR REPLACE INTO sync_state (key, value) VALUES (?, ?)", [key, url])
        else:
            self._urls[key] = url

    def upload(self, record_id: str, name: str) -> None:
        """Send one attachment, resuming a previous attempt when central still has it."""
        data = self.outbox.attachment_path(record_id, name).read_bytes()
        url = self._saved_url(record_id, name)
        offset = None
        if url:
            head = self._request("HEAD", url, headers=TUS)
            if head.status_code in (200, 204) and head.headers.get("Upload-Offset", "").isdigit():
                offset = int(head.headers["Upload-Offset"])
            else:
                url = None  # expired or unknown at central: start again
        if url is None:
            created = self._request("POST", self.endpoint, headers={
                **TUS, "Upload-Length": str(len(data)),
                "Upload-Metadata": _metadata({"record_id": record_id, "name": name,
                                              "filetype": "application/octet-stream"})})
            if created.status_code != 201 or "Location" not in created.headers:
                if 400 <= created.status_code < 500:
                    raise Refused(f"{created.status_code}: upload refused")
                raise NotCentral(f"upload not created ({created.status_code})")
            url = urljoin(self.endpoint, created.headers["Location"])
            multi_chunk = len(data) > self.chunk_size
            self._save_url(record_id, name, url, durable=multi_chunk)
            offset = 0
        while offset < len(data):
            chunk = data[offset: offset + self.chunk_size]
            sent = self._request("PATCH", url, data=chunk, headers={
                **TUS, "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"})
            if sent.status_code == 409 or sent.status_code == 404:
                self._save_url(record_id, name, None)  # out of step: next attempt starts afresh
                raise TransportError(f"upload out of step ({sent.status_code})")
            if sent.status_code == 422:
                self._save_url(record_id, name, None)
                raise Refused("central found the upload damaged")
            if sent.status_code != 204 or not sent.headers.get("Upload-Offset", "").isdigit():
                raise NotCentral(f"unexpected upload answer ({sent.status_code})")
            reached = int(sent.headers["Upload-Offset"])
            if reached <= offset or reached > len(data):
                # A server that accepts a chunk without moving on (or claims more than was
                # sent) would keep this loop going for ever: stop, and try again next pass.
                self._save_url(record_id, name, None)
                raise TransportError(f"upload did not advance ({offset} -> {reached})")
            offset = reached
        self._save_url(record_id, name, None, durable=len(data) > self.chunk_size)
