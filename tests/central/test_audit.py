"""Every view of personal data through `python -m central` leaves an audit row, and nobody,
central included, can change or delete one, on SQLite or PostgreSQL."""

from __future__ import annotations

import csv
import getpass
import io
import json
import os

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import DatabaseError

from central import audit
from central import db as tables
from central.__main__ import main


def cli(capsys, data, *args: str) -> str:
    assert main([args[0], "--data", str(data), *args[1:]]) == 0
    return capsys.readouterr().out


def test_each_view_of_personal_data_is_recorded_and_only_those(tmp_path, capsys):
    data = tmp_path / "central"
    cli(capsys, data, "stats")  # the database, empty
    cli(capsys, data, "accounts")  # masked e-mails only: not a view of personal data
    cli(capsys, data, "feedback")  # sums only
    assert cli(capsys, data, "audit") == ""
    cli(capsys, data, "accounts", "--full", "--reference", "ACC-4HJX-2M7Q")
    cli(capsys, data, "follow-ups", "--all")
    cli(capsys, data, "reports", "--contact")
    cli(capsys, data, "documents", "--reference", "=HYPERLINK(\"http://evil.example\")")
    cli(capsys, data, "documents", "--export", str(tmp_path / "out"))
    cli(capsys, data, "feedback", "--comments", "--since", "2026-11-01")
    rows = [json.loads(line) for line in cli(capsys, data, "audit").splitlines()]
    assert [(r["action"], r["subject"], r["rows"]) for r in rows] == [
        ("accounts.full", "ACC-4HJX-2M7Q", 0), ("follow-ups", "all", 0), ("reports.contact", "", 0),
        ("documents", '=HYPERLINK("http://evil.example")', 0), ("documents.export", "", 0),
        ("feedback.comments", "since 2026-11-01", 0)]
    assert {r["actor"] for r in rows} == {f"shell:{getpass.getuser()}"}
    assert rows[0]["at"] < rows[-1]["at"] and rows[0]["at"].endswith("+00:00")
    # the CSV opens in a spreadsheet without running anything a subject says
    table = list(csv.DictReader(io.StringIO(cli(capsys, data, "audit", "--csv"))))
    assert len(table) == 6 and table[3]["subject"] == "'=HYPERLINK(\"http://evil.example\")"
    assert cli(capsys, data, "audit", "--since", "2999-01-01") == ""


def refuses_changes(engine) -> None:
    audit.record(engine, "documents", "50012345", 3, actor="shell:priya")
    for statement in (update(tables.audit).values(actor="shell:nobody"), delete(tables.audit)):
        with pytest.raises(DatabaseError, match="the audit log cannot be changed"):
            with tables.begin(engine) as conn:
                conn.execute(statement)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(tables.audit)).scalar_one() == 1
        assert conn.execute(select(tables.audit.c.actor)).scalar_one() == "shell:priya"


def test_nobody_can_change_the_log_on_sqlite(tmp_path):
    engine = tables.make_engine(tables.sqlite_url(tmp_path))
    refuses_changes(engine)
    engine.dispose()


@pytest.mark.skipif(not os.environ.get("HUBKIOSK_TEST_POSTGRES_URL"), reason="no PostgreSQL server")
def test_nobody_can_change_the_log_on_postgresql():
    from tests.helpers import fresh_postgres_database

    engine = tables.make_engine(fresh_postgres_database(os.environ["HUBKIOSK_TEST_POSTGRES_URL"]))
    refuses_changes(engine)
    with pytest.raises(DatabaseError, match="the audit log cannot be changed"):
        with tables.begin(engine) as conn:
            conn.exec_driver_sql("TRUNCATE audit")
    engine.dispose()
