"""Offline-first delivery of everything the kiosk records to the council's central service.

- `sync.protocol`: the wire schema, shared with `central` (the only module it shares).
- `sync.crypto`: sealing payloads to the council's public key, signed receipts.
- `sync.store`: the device's SQLite database, its settings checked on every connection.
- `sync.outbox`: the durable queue: enqueue in one transaction, claim with a lease, ack.
- `sync.client`: HTTP to central, with an exception tree callers can catch at any level.
- `sync.worker`: the background loop that drains the outbox with backoff.

Nothing here imports Kivy.
"""


class SyncError(Exception):
    """Base of every error raised by `sync`."""
