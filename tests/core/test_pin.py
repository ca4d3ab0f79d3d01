"""Staff PINs: hashing, and the lockout that survives a restart."""

import json

import pytest

from kiosk.core.pin import PinGate, hash_pin, is_pin_hash, verify_pin
from tests.helpers import FakeClock


def test_hash_and_verify():
    stored = hash_pin("2468")
    assert is_pin_hash(stored)
    assert "2468" not in stored
    assert verify_pin("2468", stored)
    assert not verify_pin("2469", stored)
    assert hash_pin("2468") != stored  # salted


@pytest.mark.parametrize("pin", ["", "123", "123456789", "12a4", " 1234"])
def test_bad_pins_are_refused(pin):
    with pytest.raises(ValueError):
        hash_pin(pin)
    assert not verify_pin(pin, hash_pin("1234"))


def test_verify_rejects_garbage_hash():
    assert not verify_pin("1234", "scrypt$garbage")



@pytest.fixture
def gate(tmp_path):
    clock = FakeClock()
    g = PinGate(hash_pin("2468", n=1024), tmp_path / "pin.json", max_attempts=5, lockout_seconds=300, clock=clock)
    g.test_clock = clock
    return g


def test_wrong_tries_count_down_then_lock(gate):
    lefts = [gate.attempt("0000").attempts_left for _ in range(4)]
    assert lefts == [4, 3, 2, 1]
    fifth = gate.attempt("0000")
    assert fifth.locked and fifth.locked_for == 300
    # Even the right PIN is refused while locked.
    assert not gate.attempt("2468").ok


def test_lockout_survives_restart_and_then_ends(gate, tmp_path):
    for _ in range(5):
        gate.attempt("1111")
    again = PinGate(gate.pin_hash, tmp_path / "pin.json", clock=gate.test_clock)
    assert again.locked_for() == 300
    gate.test_clock.now += 301
    assert again.locked_for() == 0
    assert again.attempt("2468").ok


def test_success_resets_the_count(gate, tmp_path):
    gate.attempt("0000")
    gate.attempt("0000")
    assert gate.attempt("2468").ok
    assert gate.attempt("0000").attempts_left == 4
    state = json.loads((tmp_path / "pin.json").read_text())
    assert "2468" not in json.dumps(state)


def test_a_corrupt_state_file_locks_rather_than_unlocks(gate, tmp_path):
    """Someone who cuts the state file short (or a crash mid-write on a bad card) must not
    get a fresh set of tries: it counts as a lockout."""
    for _ in range(4):
        gate.attempt("0000")
    (tmp_path / "pin.json").write_text("{not json")
    assert gate.locked_for() == 300
    assert not gate.attempt("2468").ok
    gate.test_clock.now += 301
    assert gate.attempt("2468").ok
    (tmp_path / "pin.json").write_text('{"failures": "many", "locked_until": 0}')  # valid JSON, wrong shape
    assert gate.locked_for() == 300


def test_lockouts_in_a_row_grow_to_a_day_and_a_right_pin_resets_them(gate):
    lockouts = []
    for _ in range(10):
        for _ in range(4):
            gate.attempt("0000")
        lockouts.append(gate.attempt("0000").locked_for)
        gate.test_clock.now += lockouts[-1] + 1
    assert lockouts == [300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 76800, 86400]
    # at a day's lockout, all 10,000 four-digit PINs take over five years to try
    assert 10_000 / 5 * 86400 / (365 * 86400) > 5
    assert gate.attempt("2468").ok
    for _ in range(4):
        gate.attempt("0000")
    assert gate.attempt("0000").locked_for == 300


def test_a_missing_state_file_is_a_fresh_start(gate, tmp_path):
    assert not (tmp_path / "pin.json").exists()
    assert gate.locked_for() == 0 and gate.attempt("0000").attempts_left == 4
