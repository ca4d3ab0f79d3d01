"""One resident's session: its scratch folder, and the wipe that ends it.

Every journey writes any temporary file into `Session.tmp_dir`; `wipe()` removes the
folder and everything in it. Folders left by a crash are swept at start-up.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path


class Session:
    """Scratch space for the current person, removed by `wipe()`."""

    def __init__(self, data_dir: Path) -> None:
        self.root = Path(data_dir) / "tmp"
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._dir: Path | None = None

    @property
    def tmp_dir(self) -> Path:
        """This session's folder, made on first use."""
        if self._dir is None:
            self._dir = self.root / f"session-{uuid.uuid4().hex}"
            self._dir.mkdir(mode=0o700)
        return self._dir

    def wipe(self) -> None:
        """Delete the session's folder and start afresh."""
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def sweep(self) -> int:
        """Remove every session folder left behind (for example by a power cut)."""
        removed = 0
        for child in self.root.iterdir():
            if child.is_dir() and child != self._dir:
                shutil.rmtree(child, ignore_errors=True)
                removed += 1
            elif child.is_file():
                child.unlink(missing_ok=True)
                removed += 1
        return removed
