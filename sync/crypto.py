"""Sealing to the council's key, and checking what central signs.

    >>> council = CouncilKeys.generate()
    >>> sealed = seal(b"name: Jo", council.public_b64)
    >>> council.open(sealed)
    b'name: Jo'

The kiosk holds only the council's *public* key: what it seals, a thief with the kiosk's
disk cannot open. Central's Ed25519 signatures (receipts, reference data) are checked with
the verify key the kiosk received at enrolment.
"""

from __future__ import annotations

import base64
import hashlib
import json

from nacl.exceptions import BadSignatureError, CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.signing import SigningKey, VerifyKey

from sync import SyncError


class CryptoFailure(SyncError):
    """A signature did not verify, or a sealed box could not be opened."""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as exc:
        raise CryptoFailure("not valid base64") from exc


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_json(value: object) -> bytes:
    """One byte-exact JSON form for signing: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def seal(plaintext: bytes, council_public_b64: str) -> bytes:
    """Encrypt so that only the holder of the council's private key can read it."""
    return SealedBox(PublicKey(unb64(council_public_b64))).encrypt(plaintext)


def verify(message: bytes, signature_b64: str, verify_key_b64: str) -> bool:
    """True when `signature_b64` is central's signature of `message`."""
    try:
        VerifyKey(unb64(verify_key_b64)).verify(message, unb64(signature_b64))
        return True
    except (BadSignatureError, CryptoFailure, ValueError, TypeError):
        return False


class CouncilKeys:
    """Central's secrets: the sealed-box private key and the signing key."""

    def __init__(self, private: PrivateKey, signing: SigningKey) -> None:
        self.private = private
        self.signing = signing

    @classmethod
    def generate(cls) -> "CouncilKeys":
        return cls(PrivateKey.generate(), SigningKey.generate())

    @classmethod
    def from_bytes(cls, private: bytes, signing: bytes) -> "CouncilKeys":
        return cls(PrivateKey(private), SigningKey(signing))

    @property
    def public_b64(self) -> str:
        return b64(bytes(self.private.public_key))

    @property
    def verify_b64(self) -> str:
        return b64(bytes(self.signing.verify_key))

    def open(self, sealed: bytes) -> bytes:
        try:
            return SealedBox(self.private).decrypt(sealed)
        except (CryptoError, ValueError, TypeError) as exc:
            raise CryptoFailure("the sealed payload cannot be opened") from exc

    def sign(self, message: bytes) -> str:
        return b64(self.signing.sign(message).signature)
