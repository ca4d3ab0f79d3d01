"""A session's scratch folder and the wipe that removes it."""

from kiosk.core.session import Session


def test_wipe_removes_everything_written(data_dir):
    session = Session(data_dir)
    scratch = session.tmp_dir
    (scratch / "photo.jpg").write_bytes(b"x" * 100)
    (scratch / "sub").mkdir()
    (scratch / "sub" / "page.png").write_bytes(b"y")
    session.wipe()
    assert not scratch.exists()
    assert session.tmp_dir != scratch  # a new one for the next person


def test_sweep_removes_leftovers_of_a_crash(data_dir):
    crashed = Session(data_dir)
    (crashed.tmp_dir / "left.txt").write_text("x")
    (crashed.root / "stray.tmp").write_text("x")
    fresh = Session(data_dir)
    assert fresh.sweep() == 2
    assert list(fresh.root.iterdir()) == []


def test_scratch_folder_is_private(data_dir):
    session = Session(data_dir)
    assert session.tmp_dir.stat().st_mode & 0o077 == 0
