"""Reference data from central (content packs, host directory, categories...): signed and
versioned. The kiosk keeps a document only if central's signature verifies and its version
is newer than the one it has, so neither a tampered nor a replayed older copy gets in.
Documents are kept encrypted with the device key (some name people: hosts, invited visitors).

Site-specific documents are named `<name>.<site slug>` (`site_document("invites", site)`);
central serves them only to kiosks of that site.
"""

from __future__ import annotations

import sqlite_utils

from sync import SyncError
from sync.client import CentralClient
from sync.crypto import canonical_json, verify
from sync.protocol import SignedDocument, signed_body
from sync.store import transaction
from sync.vault import Vault


class ReferenceRefused(SyncError):
    """A document was unsigned, wrongly signed, or not newer than the one kept."""


def check(doc: SignedDocument, verify_key_b64: str) -> None:
    body = canonical_json(signed_body(doc.name, doc.version, doc.issued_at, doc.data))
    if not verify(body, doc.signature, verify_key_b64):
        raise ReferenceRefused(f"{doc.name}: the signature does not verify")


class ReferenceStore:
    """The newest verified version of each reference document, in the device database."""

    def __init__(self, db: sqlite_utils.Database, verify_key_b64: str, vault: Vault) -> None:
        self.db = db
        self.verify_key_b64 = verify_key_b64
        self.vault = vault
        self._cache: dict[str, tuple[int, dict]] = {}

    def version(self, name: str) -> int:
        row = self.db.execute("SELECT version FROM reference WHERE name = ?", [name]).fetchone()
        return row[0] if row else 0

    def get(self, name: str) -> dict | None:
        """The data of the newest kept version of `name`, or None."""
        row = self.db.execute("SELECT version, document FROM reference WHERE name = ?", [name]).fetchone()
        if row is None:
            return None
        cached = self._cache.get(name)
        if cached is None or cached[0] != row[0]:
            doc = SignedDocument.model_validate_json(self.vault.decrypt(row[1]))
            cached = self._cache[name] = (row[0], doc.data)
        return cached[1]

    def accept(self, doc: SignedDocument) -> bool:
        """Keep `doc` if it verifies and is newer; False when it is the version already kept."""
        check(doc, self.verify_key_b64)
        with transaction(self.db):
            current = self.version(doc.name)
            if doc.version < current:
                raise ReferenceRefused(f"{doc.name}: version {doc.version} is older than {current}")
            if doc.version == current:
                return False
            self.db.execute("INSERT OR REPLACE INTO reference (name, version, document) VALUES (?, ?, ?)",
                            [doc.name, doc.version, self.vault.encrypt(doc.model_dump_json().encode())])
        return True

    def pull(self, client: CentralClient, name: str) -> bool:
        """Fetch `name` from central and keep it if newer; True when something changed."""
        return self.accept(client.reference(name))
