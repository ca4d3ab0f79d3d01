"""Shared fixtures. Kivy is configured here, before any test imports it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from kiosk.ui.boot import prepare_kivy

# One throwaway Kivy home for the whole run, so tests never touch ~/.kivy.
prepare_kivy(Path(tempfile.mkdtemp(prefix="hubkiosk-kivy-")))

from kiosk.core.content import ContentPack  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def pack() -> ContentPack:
    """The bundled content pack."""
    return ContentPack.load()


@pytest.fixture
def data_dir(tmp_path) -> Path:
    """A fresh device data folder."""
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


def needs_display():
    return pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs a display (run under xvfb-run)")


# ----- long checks that run in their own process, beside the rest of the suite ----------------
# `python -m kiosk layout-check` lays out every screen in every language, text size and contrast
# mode: minutes of work on one core. It starts as soon as the tests are collected, on the
# machine's other core; its tests (and the tour's check for untranslated text, which reads
# the text it saw on each screen) collect the result with `layout_check_run()`.
BACKGROUND: dict = {}
PANEL_INCHES = 10.1


def pytest_collection_finish(session):
    import subprocess
    import sys

    wanted = any("test_every_screen_passes" in item.nodeid or "test_tour.py" in item.nodeid
                 for item in session.items)
    if wanted and os.environ.get("DISPLAY") and "layout-check" not in BACKGROUND:
        out = Path(tempfile.mkdtemp(prefix="hubkiosk-layout-"))
        log = (out / "stdout.txt").open("w")
        errors = (out / "stderr.txt").open("w")
        BACKGROUND["layout-check"] = (subprocess.Popen(
            # On the panel kiosks have: 10.1 inches at 1280x800 (149 dpi), where 20 mm targets
            # take the most room.
            [sys.executable, "-m", "kiosk", "layout-check", "--json", "--diagonal", str(PANEL_INCHES),
             "--out", str(out / "failures"),
             "--texts", str(out / "texts.json")],
            cwd=ROOT, stdout=log, stderr=errors), out)


def pytest_sessionfinish(session):
    for proc, _out in BACKGROUND.values():
        if proc.poll() is None:
            proc.kill()


def layout_check_run(timeout: float = 1400):
    """(stdout, output folder, exit code) of the background layout check, once it has
    finished. A run that ended without its summary fails here with its exit code and the
    end of what it wrote to stderr, so a crash says why."""
    proc, out = BACKGROUND["layout-check"]
    proc.wait(timeout=timeout)
    stdout = (out / "stdout.txt").read_text(encoding="utf-8")
    if not stdout.strip() or not (out / "texts.json").exists():
        stderr = (out / "stderr.txt").read_text(encoding="utf-8", errors="replace")
        raise AssertionError(f"the layout check ended with code {proc.returncode} and no result:\n"
                             f"{stderr[-4000:]}")
    return stdout, out, proc.returncode
