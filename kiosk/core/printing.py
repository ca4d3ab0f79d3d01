"""Printers for badges, receipts and roll-call lists. Printing is optional per site.

    [printer]
    kind = "cups"            # "none" (default), "cups" or "folder"
    queue = "Reception-Badges"   # cups: the CUPS queue name (lpstat -p lists them)
    server = ""              # cups: a print server (host:port); empty for this machine's CUPS
    folder = "/var/spool/hubkiosk"  # folder: where PDFs (and PNG previews) are written

`cups` sends the PDF with `lp` (CUPS' own client), so any printer CUPS drives works. `folder`
writes each job as a file: a stand-in where no printer is attached (demos, tests), or for a
print server that watches a folder.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from kiosk.core import KioskError

log = logging.getLogger("kiosk.printing")


class PrintError(KioskError):
    """The job did not reach the printer."""


class Printer:
    kind = "none"

    def print_pdf(self, pdf: bytes, title: str, png: bytes | None = None) -> str:
        """Send one job; returns a job reference for the log (never personal)."""
        raise PrintError("no printer is configured")

    @property
    def available(self) -> bool:
        return False


class FolderPrinter(Printer):
    kind = "folder"

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    @property
    def available(self) -> bool:
        return True

    def print_pdf(self, pdf: bytes, title: str, png: bytes | None = None) -> str:
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            stem = f"{time.strftime('%Y%m%d-%H%M%S')}-{title}-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"
            for suffix, data in ((".pdf", pdf), (".png", png)):
                if data is None:
                    continue
                tmp = self.folder / f".{stem}{suffix}.tmp"
                tmp.write_bytes(data)
                os.chmod(tmp, 0o600)
                os.replace(tmp, self.folder / f"{stem}{suffix}")
        except OSError as exc:
            raise PrintError(f"cannot write to {self.folder}: {exc.strerror}") from None
        return stem


class CupsPrinter(Printer):
    kind = "cups"

    def __init__(self, queue: str, server: str = "", lp: str = "lp", timeout: float = 20.0) -> None:
        self.queue = queue
        self.server = server
        self.lp = lp
        self.timeout = timeout

    @property
    def available(self) -> bool:
        return shutil.which(self.lp) is not None

    def print_pdf(self, pdf: bytes, title: str, png: bytes | None = None) -> str:
        if not self.available:
            raise PrintError("the CUPS client (lp) is not installed")
        with tempfile.NamedTemporaryFile(suffix=".pdf") as job:
            job.write(pdf)
            job.flush()
            try:
                where = ["-h", self.server] if self.server else []
                done = subprocess.run([self.lp, *where, "-d", self.queue, "-t", title, job.name],
                                      capture_output=True, text=True, timeout=self.timeout)
            except subprocess.TimeoutExpired:
                raise PrintError("the printer did not answer in time") from None
        if done.returncode != 0:
            raise PrintError(f"lp: {done.stderr.strip() or done.returncode}")
        return done.stdout.strip()  # "request id is Reception-Badges-12 (1 file(s))"


def open_printer(kind: str, queue: str = "", folder: str = "", server: str = "") -> Printer:
    if kind == "cups":
        return CupsPrinter(queue, server)
    if kind == "folder":
        return FolderPrinter(Path(folder))
    return Printer()


# How printing went, as every journey's last screen says it.
PRINTED = "printed"          # the job reached the printer
NO_PRINTER = "no printer"    # nothing to print on at this kiosk
NOT_PRINTED = "not printed"  # the printer did not take it


def print_outcome(job) -> str:
    """Run `job()` (True: printed, False: no printer) and say how it went: `PRINTED`,
    `NO_PRINTER` or `NOT_PRINTED` (a `PrintError`, logged without its content)."""
    try:
        return PRINTED if job() else NO_PRINTER
    except PrintError as exc:
        log.warning("not printed: %s", exc)
        return NOT_PRINTED
