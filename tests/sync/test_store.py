"""The device database: its safety settings on every connection, and its schema."""

import sqlite3

from sync.store import PRAGMAS, migrations, open_db


def test_pragmas_are_set_and_checked(tmp_path):
    db = open_db(tmp_path / "kiosk.db")
    for name, wanted in PRAGMAS.items():
        assert str(db.execute(f"PRAGMA {name}").fetchone()[0]).lower() == str(wanted).lower()
    assert (tmp_path / "kiosk.db").stat().st_mode & 0o077 == 0


def test_reopening_keeps_data_and_applies_no_migration_twice(tmp_path):
    db = open_db(tmp_path / "kiosk.db")
    db.execute("INSERT INTO sync_state VALUES ('k', 'v')")
    again = open_db(tmp_path / "kiosk.db")
    assert again.execute("SELECT value FROM sync_state").fetchone() == ("v",)
    applied = sqlite3.connect(tmp_path / "kiosk.db").execute(
        "SELECT COUNT(*) FROM _sqlite_migrations").fetchone()[0]
    assert applied == len(migrations.applied(again)) == len(migrations._migrations)  # each once
    assert migrations.pending(again) == []
