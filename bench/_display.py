"""Re-run a benchmark on a virtual screen (Xvfb) when there is no display."""

import os
import shutil
import sys


def ensure_display() -> None:
    if os.environ.get("DISPLAY"):
        return
    if not shutil.which("xvfb-run"):
        sys.exit("No display and no xvfb-run: run scripts/setup.sh first.")
    os.execvp("xvfb-run", ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24 +extension GLX",
                           sys.executable, *sys.argv])
