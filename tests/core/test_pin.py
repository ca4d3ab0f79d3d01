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


def test_corrupt_state_file_is_treated_as_fresh(gate, tmp_path):
    (tmp_path / "pin.json").write_text("{not json")
    assert gate.locked_for() == 0
    assert gate.attempt("0000").attempts_left == 4
