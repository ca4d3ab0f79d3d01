"""Sites are unique identities, and central's files are for its own user alone."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from datetime import date, datetime, timezone

import pytest

from central import db as tables
from central import visitors
from central.app import create_app, create_code
from central.sites import SiteClash
from kiosk.core.paths import ROOT
from sync.protocol import API

from .conftest import enrol
from .test_records import HOSTS


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_two_names_with_one_slug_are_not_two_sites(app, client):
    """`site a!` would read `site a`'s invitations: it is refused, by name."""
    create_code(app.state.engine, "site a")
    with pytest.raises(SiteClash, match="'site a'"):
        create_code(app.state.engine, "site a!")
    with tables.begin(app.state.engine) as conn:
        visitors.import_hosts(conn, app.state.keys, HOSTS)
        with pytest.raises(SiteClash):
            visitors.create_invite(conn, app.state.keys, "Site A", "Visitor", "h1", date.today())
    # the same name again is the same site
    device = enrol(client, app, "site a")
    assert client.get(f"{API}/reference/invites.site-a", headers=device.auth).status_code in (200, 404)


def test_the_command_line_explains_a_clash(tmp_path):
    data = tmp_path / "central"
    run = lambda site: subprocess.run([sys.executable, "-m", "central", "enrol-code", "--site", site,  # noqa: E731
                                       "--data", str(data)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run("Riverside Hub").returncode == 0
    clash = run("riverside  hub!")
    assert clash.returncode == 1 and "too close to the existing site 'Riverside Hub'" in clash.stderr


def test_data_files_are_private_whatever_the_folder(tmp_path):
    data = tmp_path / "central"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    old = os.umask(0o022)
    try:
        app = create_app(data)
        with tables.begin(app.state.engine) as conn:
            conn.execute(tables.sites.insert().values(slug="x", name="X", created_at=datetime.now(timezone.utc)))
    finally:
        os.umask(old)
    assert mode(data) == 0o700
    for name in ("central.db", "central.db-wal", "council.key", "signing.key"):
        assert mode(data / name) == 0o600, name
    for folder in ("files", "uploads"):
        assert mode(data / folder) == 0o700, folder


def test_an_existing_loose_database_is_tightened(tmp_path):
    data = tmp_path / "central"
    create_app(data)
    os.chmod(data / "central.db", 0o644)
    create_app(data)
    assert mode(data / "central.db") == 0o600
