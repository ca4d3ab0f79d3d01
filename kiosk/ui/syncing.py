"""The kiosk's link to central: starts the sync worker and words its status for people."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from babel.dates import format_time
from kivy.clock import mainthread

from kiosk.ui.i18n import tr
from sync.charter import DOCUMENT as CHARTER, Charter
from sync.client import CentralClient
from sync.device import DeviceIdentity, NotEnrolled, open_outbox
from sync.protocol import site_document
from sync.reference import ReferenceStore
from sync.store import StorageFailed
from sync.vault import Vault
from sync.worker import SyncStatus, SyncWorker


class KioskSync:
    """Owns the sync worker of an enrolled kiosk; `None`-safe for one that is not enrolled."""

    def __init__(self, data_dir: Path, on_change) -> None:
        self.identity: DeviceIdentity | None = None
        self.worker: SyncWorker | None = None
        self.references: ReferenceStore | None = None
        self.client: CentralClient | None = None
        self.status = SyncStatus()
        self._on_change = on_change
        self._open_failed = False
        try:
            self.identity, outbox = open_outbox(data_dir)
        except NotEnrolled:
            return
        except StorageFailed:  # a full or failing disk: the kiosk still informs, and says so
            self._open_failed = True
            return
        outbox.sweep_orphans()
        # Journeys queue records on Kivy's thread while the worker sends on its own: each
        # thread has its own connection to the device database.
        self._outbox = outbox
        self.vault = Vault.open(data_dir)
        self.references = ReferenceStore(outbox.db, self.identity.signing_key, self.vault)
        client = CentralClient(self.identity.central_url, self.identity.device_token)
        worker_outbox = outbox.reopen()
        names = ("directory", "gazetteer", "report-categories", CHARTER, "letter-guides",
                 site_document("invites", self.identity.site),
                 site_document("appointments", self.identity.site))
        self.worker = SyncWorker(worker_outbox, client, self.identity.signing_key,
                                 references=ReferenceStore(worker_outbox.db, self.identity.signing_key, self.vault),
                                 reference_names=names)
        # A second session for the screens' own questions (returning visitor, roll-call).
        self.client = client.copy()
        self.client.timeout = 5.0
        self.worker.add_listener(self._from_worker)
        self.status = SyncStatus(waiting=outbox.waiting())

    def charter(self) -> Charter | None:
        """The council's timescales and working days as central last published them (None
        before the first sync, or if unreadable: screens then name no day)."""
        refs = getattr(self, "references", None)
        try:
            data = refs.get(CHARTER) if refs is not None else None
        except Exception:  # noqa: BLE001 - unreadable reference data: no day named
            return None
        cached = getattr(self, "_charter", None)
        if cached is None or cached[0] is not data:
            cached = self._charter = (data, Charter.from_document(data))
        return cached[1]

    @property
    def enrolled(self) -> bool:
        return self.worker is not None

    @property
    def outbox(self):
        """The outbox for Kivy's thread (journeys queue their records here)."""
        return self._outbox if self.worker else None

    def start(self) -> None:
        if self.worker:
            self.worker.start()

    def stop(self) -> None:
        if self.worker:
            self.worker.stop()

    def nudge(self) -> None:
        """Something was just queued: send it now rather than at the next pass."""
        if self.worker:
            self.worker.nudge()

    @mainthread
    def _from_worker(self, status: SyncStatus) -> None:
        """Called on the worker's thread; runs on Kivy's."""
        self.status = status
        self._on_change()

    def storage_changed(self) -> None:
        """A journey's record could not be saved (or now could): refresh the status line."""
        self._on_change()

    @property
    def storage_failing(self) -> bool:
        """The latest write to this kiosk's storage was refused (disk full or failing)."""
        return self._open_failed or bool(self.worker and self._outbox.storage_error)

    def short_status(self) -> str:
        """For the status line: 'Online', 'Offline, 3 waiting to send', ..."""
        s = self.status
        if self.storage_failing:
            return tr._("Cannot save: please tell a member of staff")
        if not self.enrolled:
            return tr._("Not connected to central yet")
        if s.paused:
            return tr._("Sending paused: please tell a member of staff")
        waiting = tr.n_("{n} waiting to send", "{n} waiting to send", s.waiting).format(n=s.waiting)
        if s.online is False:
            return tr._("Offline") + (f", {waiting}" if s.waiting else "")
        if s.online is None:
            return tr._("Connecting") + (f", {waiting}" if s.waiting else "")
        return tr._("Online") + (f", {waiting}" if s.waiting else "")

    def panel_lines(self) -> list[tuple[str, str]]:
        """For the staff panel."""
        s = self.status
        if self._open_failed:
            return [(tr._("Connection"), self.short_status()), (tr._("Last problem"), self.problem_text("disk"))]
        if not self.enrolled:
            return [(tr._("Connection"), tr._("Not connected to central yet"))]
        last = (format_time(datetime.fromtimestamp(s.last_success), "HH:mm", locale=tr.lang)
                if s.last_success else tr._("not yet"))
        return [
            (tr._("Connection"), self.short_status()),
            (tr._("Waiting to send"), str(s.waiting)),
            (tr._("Last successful sync"), last),
            (tr._("Last problem"), self.problem_text("disk" if self.storage_failing else s.problem)),
        ]

    @staticmethod
    def problem_text(problem: str | None) -> str:
        return {
            None: tr._("none"),
            "offline": tr._("no connection to central"),
            "busy": tr._("central was busy; trying again"),
            "portal": tr._("the network showed a Wi-Fi sign-in page"),
            "token": tr._("central refused this kiosk: enrol it again"),
            "rejected": tr._("central refused a record (see python -m sync status)"),
            "disk": tr._("the kiosk's storage is full or failing: nothing new can be saved"),
        }.get(problem, problem)
