"""Settings Kivy must see before it is first imported."""

from __future__ import annotations

import os
from pathlib import Path


def prepare_kivy(data_dir: Path, width: int = 1280, height: int = 800, fullscreen: bool = False,
                 dpi: float | None = None) -> None:
    """Point Kivy at the device's data folder and configure the window.

    `dpi` is the panel's real density (from the device's configured diagonal): Kivy's
    millimetres then measure true on the glass.

    Kivy's own log files are switched off: a shared terminal keeps no log that could
    hold what a resident typed.
    """
    kivy_home = Path(data_dir) / "kivy"
    kivy_home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("KIVY_HOME", str(kivy_home))
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    os.environ.setdefault("KIVY_CLIPBOARD", "sdl2")
    if dpi:
        os.environ["KIVY_DPI"] = f"{dpi:.2f}"
    import logging

    # Kivy reports missing optional helpers (X11 cut-buffer tools and the like) as noisy
    # tracebacks; only its real errors are worth a kiosk's console.
    logging.getLogger("kivy").setLevel(
        logging.DEBUG if os.environ.get("HUBKIOSK_DEBUG") else logging.CRITICAL
    )
    import kivy
    from kivy.config import Config

    # No X11 cut buffer (xclip/xsel): text a resident selects must not leave the kiosk's
    # window through the desktop's primary selection.
    kivy.kivy_options["cutbuffer"] = ()

    Config.set("kivy", "log_enable", "0")
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "keyboard_mode", "system")
    Config.set("input", "mouse", "mouse,disable_multitouch")
    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    Config.set("graphics", "resizable", "0")
    Config.set("graphics", "fullscreen", "auto" if fullscreen else "0")
    Config.set("graphics", "borderless", "1" if fullscreen else "0")
    Config.set("graphics", "show_cursor", "1")
    # No multisampling: it doubles the fill work on software renderers (hub PCs without a
    # GPU driver), and the flat shapes of the kiosk do not need it.
    Config.set("graphics", "multisamples", "0")
