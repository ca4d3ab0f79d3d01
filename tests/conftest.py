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
