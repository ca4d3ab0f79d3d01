"""Where the project's bundled assets live, and small file helpers."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from sync.store import fsync_dir

ROOT = Path(__file__).resolve().parents[2]
ASSETS = ROOT / "assets"
KV_DIR = ASSETS / "kv"
CONTENT_DIR = ASSETS / "content"
TRANSLATIONS_DIR = ASSETS / "translations"
IMAGES_DIR = ASSETS / "images"
DEMO_CONFIG = ASSETS / "demo" / "kiosk.toml"


def atomic_write_bytes(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write `data` to `path` so a power cut leaves either the old or the new file.

    Temp file in the same folder, fsync, rename, then fsync the folder.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(path.parent)


def atomic_write_json(path: Path, value: object) -> None:
    """Write `value` as JSON with `atomic_write_bytes`."""
    atomic_write_bytes(path, json.dumps(value, indent=2, sort_keys=True).encode("utf-8"))


def read_json(path: Path, default: object) -> object:
    """Read JSON from `path`; `default` when the file is missing or unreadable."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError, UnicodeDecodeError):
        return default
