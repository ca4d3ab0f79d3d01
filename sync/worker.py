"""The background sync worker: drains the outbox to central, whatever the network does.

One pass (`drain_once`) claims due records in batches and sends them. Per record:
- accepted or duplicate *with a receipt that verifies* -> acked (payload and files dropped);
- rejected -> dead-lettered, and the rest of the batch flows on;
- anything else -> back to the queue with full-jitter backoff.
Per batch: offline, 5xx, 429 (honouring Retry-After) or a reply that is not central's
-> the whole batch backs off; 401/403 -> the queue pauses (a revoked or wrong token will
not mend itself); 400/413/422 for the whole batch -> the batch is split in halves until the
one bad record is found and dead-lettered.

`SyncWorker.start()` runs passes on a thread. While offline it probes central every few
seconds and, when it answers, makes every waiting record due at once.
"""

from __future__ import annotations

import base64
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone

from sync import SyncError
from sync.client import CentralClient, NotCentral, Offline, Refused, ServerBusy, TransportError, Unauthorised
from sync.crypto import verify
from sync.outbox import Outbox, Outgoing
from sync.protocol import APP_VERSION, MAX_BATCH_RECORDS, Heartbeat, Record, SubmissionBatch, receipt_message
from sync.uploads import AttachmentUploader


# Records per request. Central takes up to MAX_BATCH_RECORDS; half that sends just as fast
# on loopback and holds half the memory while a batch is in flight.
DEFAULT_BATCH = MAX_BATCH_RECORDS // 2


@dataclass
class PassResult:
    sent: int = 0
    dead: int = 0
    retried: int = 0
    paused: bool = False
    offline: bool = False
    errors: list[str] = field(default_factory=list)
    problem: str | None = None  # offline | busy | portal | token | rejected
    uploaded: set[str] = field(default_factory=set)  # resubmitted at once after an upload
    leased_elsewhere: int = 0  # still being sent by another running process when the pass ended

    @property
    def all_sent(self) -> bool:
        return not (self.dead or self.retried or self.paused or self.offline or self.leased_elsewhere)


@dataclass(frozen=True)
class SyncStatus:
    """What the kiosk's status line and the staff panel show."""

    online: bool | None = None  # None: not tried yet
    waiting: int = 0
    last_success: float | None = None
    last_error: str | None = None
    problem: str | None = None  # a word the kiosk translates for staff (see PassResult)
    paused: bool = False


def to_wire(item: Outgoing) -> Record:
    return Record(id=item.id, kind=item.kind, schema_version=item.schema_version,
                  created_at=item.created_at, payload=base64.b64encode(item.payload).decode(),
                  payload_sha256=item.payload_sha256, attachments=item.attachments)


class SyncWorker:
    """Drains one outbox to one central service."""

    def __init__(self, outbox: Outbox, client: CentralClient, verify_key_b64: str, *,
                 batch_size: int = DEFAULT_BATCH, lease_seconds: float = 60.0,
                 probe_seconds: float = 5.0, heartbeat_seconds: float = 300.0,
                 upload_workers: int = 4, references=None, reference_names: tuple[str, ...] = (),
                 reference_seconds: float = 300.0) -> None:
        self.outbox = outbox
        self.client = client
        self.verify_key_b64 = verify_key_b64
        self.batch_size = batch_size
        self.lease_seconds = lease_seconds
        self.probe_seconds = probe_seconds
        self.heartbeat_seconds = heartbeat_seconds
        self._last_heartbeat = 0.0
        self.uploader = AttachmentUploader(client, outbox)
        # Several records' files go up at once: each upload waits on the network and on
        # central's disk for much of its time. Each upload thread has its own HTTP session
        # and its own database connection (a connection is never shared across threads).
        self.upload_workers = upload_workers
        self._pool: ThreadPoolExecutor | None = None
        self._local = threading.local()
        self._uploaders: list[AttachmentUploader] = []
        # Reference data (directory, invites...) is fetched when online, every few minutes.
        self.references = references  # a ReferenceStore on this worker's connection
        self.reference_names = reference_names
        self.reference_seconds = reference_seconds
        self._last_reference = 0.0
        self.status = SyncStatus()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._listeners: list = []

    # ----- one pass ---------------------------------------------------------------------
    def drain_once(self) -> PassResult:
        result = PassResult()
        while not self._stop.is_set():
            batch = self.outbox.claim(self.batch_size, self.lease_seconds)
            if not batch:
                break
            self._send(batch, result)
            if result.paused or result.offline:
                break
        result.leased_elsewhere = self.outbox.leased()  # this pass settled all of its own
        self._set_status(result)
        return result

    def _send(self, batch: list[Outgoing], result: PassResult) -> None:
        try:
            response = self.client.submit(SubmissionBatch(records=[to_wire(i) for i in batch]))
        except Unauthorised as exc:
            self.outbox.release([i.id for i in batch])
            result.paused = True
            result.problem = "token"
            result.errors.append(str(exc))
            return
        except ServerBusy as exc:
            self._retry_all(batch, f"central busy ({exc})", exc.retry_after, result)
            result.problem = "busy"
            return
        except (Offline, NotCentral, TransportError) as exc:
            self._retry_all(batch, str(exc) or type(exc).__name__, None, result)
            result.offline = isinstance(exc, Offline)
            result.problem = "portal" if isinstance(exc, NotCentral) else "offline"
            return
        except Refused as exc:
            if len(batch) == 1:
                self.outbox.dead(batch[0].id, str(exc))
                result.dead += 1
                result.problem = "rejected"
                return
            middle = len(batch) // 2
            for half in (batch[:middle], batch[middle:]):
                self._send(half, result)
            return
        by_id = {r.id: r for r in response.results}
        delivered: list[tuple[str, str]] = []
        incomplete: list[tuple[Outgoing, list[str]]] = []
        for item in batch:
            answer = by_id.get(item.id)
            if answer is None:
                self.outbox.retry(item.id, "central did not answer for this record")
                result.retried += 1
            elif answer.status in ("accepted", "duplicate") and answer.receipt and verify(
                    receipt_message(item.id, item.payload_sha256), answer.receipt, self.verify_key_b64):
                delivered.append((item.id, answer.receipt))
            elif answer.status == "rejected":
                self.outbox.dead(item.id, answer.error or "rejected by central")
                result.dead += 1
                result.problem = "rejected"
            elif answer.status == "retry":
                self.outbox.retry(item.id, answer.error or "central asked for it again later")
                result.retried += 1
            elif answer.status == "incomplete" and answer.missing_attachments:
                incomplete.append((item, answer.missing_attachments))
            else:
                self.outbox.retry(item.id, "receipt did not verify")
                result.retried += 1
        self.outbox.ack_many(delivered)
        result.sent += len(delivered)
        self._upload_all(incomplete, result)

    # ----- attachments ------------------------------------------------------------------
    def _upload_all(self, incomplete: list[tuple[Outgoing, list[str]]], result: PassResult) -> None:
        """Send the files central is missing (several records at once), then resubmit them."""
        if len(incomplete) <= 1 or self.upload_workers <= 1:
            outcomes = [self._upload_files(self.uploader, item, names) for item, names in incomplete]
        else:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.upload_workers, thread_name_prefix="sync-upload")
            outcomes = list(self._pool.map(lambda job: self._upload_files(self._thread_uploader(), *job),
                                           incomplete))
        again_now, again_later = [], []
        for (item, _names), error in zip(incomplete, outcomes, strict=True):
            if isinstance(error, Unauthorised):
                self.outbox.release([item.id])
                result.paused, result.problem = True, "token"
                result.errors.append(str(error))
            elif error is not None:
                self.outbox.retry(item.id, f"attachment upload: {error}")
                result.retried += 1
                result.errors.append(str(error))
            else:
                # Resubmit at once, but only once a pass: if central still wants more, back off.
                (again_later if item.id in result.uploaded else again_now).append(item.id)
                result.uploaded.add(item.id)
        if again_now:
            self.outbox.retry_many(again_now, "attachments uploaded", delay=0)
        if again_later:
            self.outbox.retry_many(again_later, "attachments uploaded")

    def _thread_uploader(self) -> AttachmentUploader:
        uploader = getattr(self._local, "uploader", None)
        if uploader is None:
            uploader = AttachmentUploader(self.client.copy(), self.outbox.reopen(), self.uploader.chunk_size)
            self._local.uploader = uploader
            self._uploaders.append(uploader)
        return uploader

    @staticmethod
    def _upload_files(uploader: AttachmentUploader, item: Outgoing, names: list[str]) -> SyncError | None:
        try:
            for name in names:
                if name not in {a["name"] for a in item.attachments}:
                    raise Refused(f"central asked for an unknown attachment {name!r}")
                uploader.upload(item.id, name)
        except SyncError as exc:
            return exc
        return None

    def _retry_all(self, batch, error, delay, result: PassResult) -> None:
        self.outbox.retry_many([item.id for item in batch], error, delay)
        result.retried += len(batch)
        result.errors.append(error)

    def _set_status(self, result: PassResult) -> None:
        online = not result.offline if (result.sent or result.errors or result.paused) else self.status.online
        self.status = replace(
            self.status, online=online, waiting=self.outbox.waiting(), paused=result.paused,
            last_error=result.errors[-1] if result.errors else self.status.last_error,
            problem=result.problem if (result.problem or result.sent) else self.status.problem,
            last_success=time.time() if result.sent else self.status.last_success)
        for listener in list(self._listeners):
            listener(self.status)

    # ----- background thread ------------------------------------------------------------
    def add_listener(self, callback) -> None:
        """`callback(status)` after every pass (called on the worker's thread)."""
        self._listeners.append(callback)

    def nudge(self) -> None:
        """Something was just queued: send it now."""
        self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="sync-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self.close()

    def close(self) -> None:
        """Let go of the upload threads and their connections."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        for uploader in self._uploaders:
            uploader.client.close()
            uploader.outbox.close()
        self._uploaders.clear()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                result = self.drain_once()
            except Exception as exc:  # never let the worker die; report and carry on
                result = PassResult(errors=[f"{type(exc).__name__}"])
                self.status = replace(self.status, last_error=result.errors[0])
            self._maybe_heartbeat()
            self._maybe_pull_references()
            if result.paused:
                self._wake.wait(300)
            elif self.status.online is False:
                self._wait_for_network()
            else:
                self._wake.wait(min(60.0, max(0.05, self.outbox.seconds_to_next_due())))
            self._wake.clear()

    def heartbeat(self) -> bool:
        """Tell central how this kiosk is doing (queue, disk, version); True if it heard."""
        oldest = self.outbox.oldest_unsent()
        age = None
        if oldest:
            age = max(0.0, (datetime.now(timezone.utc) - datetime.fromisoformat(oldest)).total_seconds())
        beat = Heartbeat(queue_depth=self.outbox.waiting(), oldest_unsent_seconds=age,
                         app_version=APP_VERSION,
                         disk_free_mb=shutil.disk_usage(self.outbox.attachments_dir).free // 2**20,
                         last_error=(self.status.last_error or "")[:200] or None)
        try:
            self.client.heartbeat(beat)
        except SyncError:
            return False
        self._last_heartbeat = time.monotonic()
        return True

    def pull_references(self) -> int:
        """Fetch every reference document; returns how many changed. Refused or missing ones
        are skipped (the kiosk keeps what it has)."""
        changed = 0
        self._last_reference = time.monotonic()
        for name in self.reference_names:
            try:
                changed += bool(self.references.pull(self.client, name))
            except Offline:
                self.status = replace(self.status, online=False)
                break
            except SyncError:
                continue
            if self.status.online is None:
                self.status = replace(self.status, online=True)
        return changed

    def _maybe_pull_references(self) -> None:
        if (self.references is not None and self.status.online is not False
                and time.monotonic() - self._last_reference >= self.reference_seconds):
            if self.pull_references():
                for listener in list(self._listeners):
                    listener(self.status)

    def _maybe_heartbeat(self) -> None:
        if self.status.online and time.monotonic() - self._last_heartbeat >= self.heartbeat_seconds:
            self.heartbeat()

    def _wait_for_network(self) -> None:
        while not self._stop.is_set() and not self._wake.is_set():
            if self.client.healthy():
                self.status = replace(self.status, online=True)
                self._last_reference = 0.0  # fetch anything that changed while offline
                self.outbox.wake()
                return
            self._wake.wait(self.probe_seconds)
