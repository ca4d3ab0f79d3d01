"""Who is on site now: the only visitor data the kiosk keeps, for sign-out and the fire
roll-call. Each row's details are encrypted with the device key; a row goes when its
visitor signs out (or is signed out in the evening), and anything older than the configured
hours is purged whatever happened.

Changes are made inside the transaction that queues the matching record for central
(`Outbox.enqueue(..., also=register.adder(visit))`), so the two never disagree.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from kiosk.core.visitors import store
from kiosk.core.visitors.codes import normalise_code
from kiosk.core.visitors.directory import fold
from sync.payloads import normal_email
from sync.vault import Vault


@dataclass(frozen=True)
class Visit:
    visit_id: str
    name: str
    company: str
    host: str
    host_id: str
    kind: str  # "invite" | "walk-in"
    checked_in_at: float
    invite_code: str = ""
    safe_at: float | None = None
    printed: bool = False
    email_index: str = ""   # Vault.index of the address they signed in with, if they gave one


class OnSiteRegister:
    def __init__(self, db, vault: Vault, clock=time.time) -> None:
        store.prepare(db)
        self.db = db
        self.vault = vault
        self.clock = clock

    def _name_index(self, name: str) -> str:
        return self.vault.index(fold(name))

    # ----- changes, run inside an outbox transaction ------------------------------------
    def adder(self, visit: Visit):
        details = {k: v for k, v in asdict(visit).items() if k not in ("visit_id", "checked_in_at", "safe_at",
                                                                        "printed")}

        def add(db) -> None:
            db.execute("INSERT INTO register (visit_id, checked_in_at, details, name_index) VALUES (?, ?, ?, ?)",
                       [visit.visit_id, visit.checked_in_at, self.vault.encrypt_json(details),
                        self._name_index(visit.name)])
            if visit.invite_code:
                db.execute("INSERT OR REPLACE INTO sync_state (key, value) VALUES (?, ?)",
                           [f"invite-used:{visit.invite_code}", str(visit.checked_in_at)])
        return add

    def remover(self, visit_ids: list[str]):
        def remove(db) -> None:
            db.conn.executemany("DELETE FROM register WHERE visit_id = ?", [(v,) for v in visit_ids])
        return remove

    # ----- reading ----------------------------------------------------------------------
    def _visit(self, row) -> Visit:
        details = self.vault.decrypt_json(row[2])
        return Visit(visit_id=row[0], checked_in_at=row[1], safe_at=row[3], printed=bool(row[4]), **details)

    def _rows(self, where: str = "", params=()) -> list[Visit]:
        rows = self.db.execute(
            f"SELECT visit_id, checked_in_at, details, safe_at, printed FROM register {where}", params).fetchall()
        return [self._visit(r) for r in rows]

    def get(self, visit_id: str) -> Visit | None:
        found = self._rows("WHERE visit_id = ?", [visit_id])
        return found[0] if found else None

    def on_site(self) -> list[Visit]:
        return sorted(self._rows(), key=lambda v: fold(v.name))

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM register").fetchone()[0]

    def find(self, typed: str) -> list[Visit]:
        """Visitors on site whose name starts with what was typed (for staff, never residents)."""
        terms = fold(typed).split()
        if not terms or sum(len(t) for t in terms) < 2:
            return []
        return [v for v in self.on_site() if all(any(w.startswith(t) for w in fold(v.name).split())
                                                 for t in terms)]

    def email_index(self, email: str) -> str:
        """The keyed hash a visit keeps of the address given ("" for none or not an address)."""
        try:
            return self.vault.index(normal_email(email.strip())) if email.strip() else ""
        except ValueError:
            return ""

    def find_own(self, typed: str) -> list[Visit]:
        """Visitors on site who gave what was typed: the address they signed in with, or their
        invitation's code. Only the visitor knows either (sign-out without the badge)."""
        index = self.email_index(typed) if "@" in typed else ""
        code = normalise_code(typed) if "@" not in typed else ""
        return [v for v in self.on_site()
                if (index and v.email_index == index) or (code and v.invite_code and v.invite_code == code)]

    def already_here(self, name: str) -> Visit | None:
        row = self.db.execute("SELECT visit_id, checked_in_at, details, safe_at, printed FROM register "
                              "WHERE name_index = ?", [self._name_index(name)]).fetchone()
        return self._visit(row) if row else None

    def used_codes(self) -> set[str]:
        return {key.split(":", 1)[1] for (key,) in self.db.execute(
            "SELECT key FROM sync_state WHERE key LIKE 'invite-used:%'").fetchall()}

    # ----- roll-call and badges -----------------------------------------------------------
    def mark_safe(self, visit_id: str, safe: bool) -> None:
        self.db.execute("UPDATE register SET safe_at = ? WHERE visit_id = ?",
                        [self.clock() if safe else None, visit_id])

    def clear_roll_call(self) -> None:
        self.db.execute("UPDATE register SET safe_at = NULL")

    def claim_print(self, visit_id: str) -> bool:
        """True the first time only: a badge prints once however often it is asked for."""
        return self.db.execute("UPDATE register SET printed = 1 WHERE visit_id = ? AND printed = 0",
                               [visit_id]).rowcount == 1

    # ----- retention --------------------------------------------------------------------
    def purge(self, max_hours: float) -> int:
        """Drop every row older than `max_hours` (and old used-invite marks); how many went."""
        cutoff = self.clock() - max_hours * 3600
        gone = self.db.execute("DELETE FROM register WHERE checked_in_at < ?", [cutoff]).rowcount
        self.db.execute("DELETE FROM sync_state WHERE key LIKE 'invite-used:%' AND CAST(value AS REAL) < ?",
                        [cutoff])
        return gone
