"""Printers: a real CUPS server (cupsd on a loopback port, with the CUPS-PDF printer that
turns jobs into PDF files) receiving a badge through `lp`, and the folder printer."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from kiosk.core.printing import CupsPrinter, FolderPrinter, PrintError, open_printer
from kiosk.core.drawing import label_pdf
from kiosk.core.visitors.badge import Badge, render_badge
from tests.sync.conftest import free_port

CUPS_PDF_PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")


@pytest.fixture
def badge_job():
    png = render_badge(Badge("Jo Bloggs", "Acme Ltd", "Priya Patel", "Sunday 22 November 2026",
                             "Riverside Civic Centre", "HKS1:0190aaaa-bbbb-7ccc-8ddd-eeeeffff0000"))
    return label_pdf(png), png


@pytest.fixture
def cups():
    """A private cupsd (its own config, spool and logs) with a CUPS-PDF queue."""
    if not (shutil.which("cupsd") and shutil.which("lpadmin") and CUPS_PDF_PPD.exists() and os.geteuid() == 0):
        pytest.skip("needs CUPS and CUPS-PDF (installed by scripts/test.sh) and root to run cupsd")
    import tempfile

    # Filters run as the `lp` user: the folder must be reachable by it (pytest's is not).
    root = Path(tempfile.mkdtemp(prefix="hubkiosk-cups-"))
    root.chmod(0o755)
    for sub in ("spool", "cache", "state", "tmp", "log"):
        (root / sub).mkdir(parents=True)
    (root / "tmp").chmod(0o777)
    port = free_port()
    (root / "cupsd.conf").write_text(
        f"Listen 127.0.0.1:{port}\nLogLevel warn\nWebInterface No\nBrowsing No\nDefaultAuthType None\n"
        "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
        "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n")
    (root / "cups-files.conf").write_text("".join(f"{key} {root / value}\n" for key, value in (
        ("ServerRoot", ""), ("RequestRoot", "spool"), ("CacheDir", "cache"), ("StateDir", "state"),
        ("TempDir", "tmp"), ("ErrorLog", "log/error_log"), ("AccessLog", "log/access_log"),
        ("PageLog", "log/page_log"))))
    daemon = subprocess.Popen(["cupsd", "-f", "-c", str(root / "cupsd.conf"), "-s", str(root / "cups-files.conf")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while subprocess.run(["lpstat", "-h", server, "-r"], capture_output=True).returncode != 0:
            assert time.monotonic() < deadline, "cupsd did not start"
            time.sleep(0.2)
        while True:  # the scheduler can answer lpstat a moment before it takes new printers
            added = subprocess.run(["lpadmin", "-h", server, "-p", "Reception-Badges", "-E", "-v", "cups-pdf:/",
                                    "-P", str(CUPS_PDF_PPD)], capture_output=True, text=True)
            if added.returncode == 0:
                break
            assert time.monotonic() < deadline, f"lpadmin: {added.stderr}"
            time.sleep(0.2)
        yield server
    finally:
        daemon.terminate()
        daemon.wait(10)
        shutil.rmtree(root, ignore_errors=True)


def test_a_badge_goes_through_cups_and_comes_out_as_a_printed_page(cups, badge_job):
    pdf, png = badge_job
    answer = CupsPrinter("Reception-Badges", server=cups).print_pdf(pdf, "visitor-badge", png)
    job = answer.split("request id is ")[1].split()[0]  # "Reception-Badges-1"
    number = job.rsplit("-", 1)[1]
    out = Path(os.path.expanduser("~")) / "PDF"  # where CUPS-PDF puts the pages of root's jobs
    deadline = time.monotonic() + 30
    found = []
    while not found and time.monotonic() < deadline:
        found = list(out.glob(f"visitor-badge*job_{number}.pdf")) if out.exists() else []
        time.sleep(0.2)
    try:
        assert found, f"CUPS-PDF wrote nothing for {job}"
        assert found[0].read_bytes().startswith(b"%PDF") and found[0].stat().st_size > 10_000
    finally:
        for path in found:
            path.unlink()


def test_an_unknown_queue_is_a_clear_print_error(cups, badge_job):
    with pytest.raises(PrintError) as problem:
        CupsPrinter("No-Such-Printer", server=cups).print_pdf(badge_job[0], "visitor-badge")
    assert "lp:" in str(problem.value)


def test_folder_printer_writes_pdf_and_preview_owner_only(tmp_path, badge_job):
    pdf, png = badge_job
    printer = open_printer("folder", folder=str(tmp_path / "printed"))
    printer.print_pdf(pdf, "visitor-badge", png)
    files = sorted(p.suffix for p in (tmp_path / "printed").iterdir())
    assert files == [".pdf", ".png"]
    assert all((p.stat().st_mode & 0o777) == 0o600 for p in (tmp_path / "printed").iterdir())
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    with pytest.raises(PrintError):
        FolderPrinter(blocked / "sub").print_pdf(pdf, "visitor-badge")
    assert not open_printer("none").available
