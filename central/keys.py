"""The council's keys, kept in central's data folder with owner-only permissions."""

from __future__ import annotations

import os
from pathlib import Path

from sync.crypto import CouncilKeys


def private_dir(folder: Path) -> Path:
    """`folder`, made if need be, open to central's user alone (even if it already existed)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if folder.stat().st_mode & 0o077:
        folder.chmod(0o700)
    return folder


def load_or_create(data_dir: Path) -> CouncilKeys:
    """Read `council.key` and `signing.key`, creating both on first start."""
    data_dir = Path(data_dir)
    private_dir(data_dir)
    private, signing = data_dir / "council.key", data_dir / "signing.key"
    if private.exists() and signing.exists():
        return CouncilKeys.from_bytes(private.read_bytes(), signing.read_bytes())
    keys = CouncilKeys.generate()
    for path, secret in ((private, bytes(keys.private)), (signing, bytes(keys.signing))):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secret)
            fh.flush()
            os.fsync(fh.fileno())
    return keys
