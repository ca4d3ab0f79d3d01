"""The device key: what the kiosk itself must read back is encrypted with it at rest.

Records for central are sealed to the council's public key and the kiosk cannot open them.
A few things the kiosk must read again (today's on-site visitor list for sign-out and the
fire roll-call, reference data naming people) are encrypted with this key instead
(XSalsa20-Poly1305, libsodium's secretbox). The key is 32 random bytes in `device.key`,
owner-only, made on first use; wiping the data folder makes everything unreadable.

    >>> vault = Vault.open(tmp)                        # doctest: +SKIP
    >>> vault.decrypt(vault.encrypt(b"Jo Bloggs"))     # doctest: +SKIP
    b'Jo Bloggs'
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path

import nacl.secret
import nacl.utils
from nacl.exceptions import CryptoError

from sync import SyncError

FILENAME = "device.key"


class VaultError(SyncError):
    """Encrypted data could not be opened with this device's key."""


class Vault:
    def __init__(self, key: bytes) -> None:
        self._box = nacl.secret.SecretBox(key)
        self._index_key = hashlib.blake2b(key, person=b"hubkiosk-index", digest_size=32).digest()

    @classmethod
    def open(cls, data_dir: Path) -> "Vault":
        """The vault of the device whose data folder is `data_dir` (making its key if new)."""
        path = Path(data_dir) / FILENAME
        try:
            key = path.read_bytes()
        except FileNotFoundError:
            Path(data_dir).mkdir(parents=True, exist_ok=True, mode=0o700)
            key = nacl.utils.random(nacl.secret.SecretBox.KEY_SIZE)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process made it first
                key = path.read_bytes()
            else:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(key)
                    fh.flush()
                    os.fsync(fh.fileno())
        if len(key) != nacl.secret.SecretBox.KEY_SIZE:
            raise VaultError(f"{path} is damaged")
        return cls(key)

    def encrypt(self, data: bytes) -> bytes:
        return bytes(self._box.encrypt(data))

    def decrypt(self, data: bytes) -> bytes:
        try:
            return self._box.decrypt(data)
        except CryptoError:
            raise VaultError("encrypted with another key, or damaged") from None

    def encrypt_json(self, value) -> bytes:
        return self.encrypt(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())

    def decrypt_json(self, data: bytes):
        return json.loads(self.decrypt(data))

    def index(self, text: str) -> str:
        """A keyed hash of `text` for looking things up without storing them readably."""
        return hmac.new(self._index_key, text.encode(), hashlib.sha256).hexdigest()
