"""One polling-worker class for central's background jobs: the mailer, the Open311
forwarder and housekeeping (expired uploads). Each runs on its own daemon thread, does one
pass every `poll_seconds`, and survives any failure of a pass (logged by type, never with
personal data). With several central processes each runs its own; the jobs claim their
rows with leases, so nothing is done twice.
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger("central.workers")


class PollingWorker:
    """Subclasses give `name` and `run_once()`; `start()` and `stop()` do the rest."""

    name = "worker"

    def __init__(self, poll_seconds: float = 1.0, stop_timeout: float = 5.0) -> None:
        self.poll_seconds = poll_seconds
        self.stop_timeout = stop_timeout
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> int:
        """One pass; returns how many things it did."""
        raise NotImplementedError

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(self.stop_timeout)
            self._thread = None
        self.close()

    def close(self) -> None:
        """Let go of what the worker holds (connections) once stopped."""

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception as exc:  # noqa: BLE001 - a background job must keep going
                log.warning("%s pass failed: %s", self.name, type(exc).__name__)
            self._stop.wait(self.poll_seconds)


class Housekeeping(PollingWorker):
    """Every ten minutes: purges tus uploads that expired or that no upload row names,
    documents past their retention (central.retention) and old console sessions."""

    name = "housekeeping"

    def __init__(self, engine, files, poll_seconds: float = 600.0) -> None:
        super().__init__(poll_seconds)
        self.engine = engine
        self.files = files

    def run_once(self) -> int:
        import asyncio

        from central.uploads import purge_expired

        from central import staff
        from central.db import begin
        from central.retention import purge_documents, purge_report_contacts

        done = asyncio.run(purge_expired(self.engine, self.files.tus))
        done += purge_documents(self.engine, self.files)
        done += purge_report_contacts(self.engine)
        with begin(self.engine) as conn:
            done += staff.purge_sessions(conn)
        return done
