"""The kiosk's command line: configuration checks and PIN hashes for IT staff."""

import subprocess
import sys

from kiosk.core.paths import DEMO_CONFIG, ROOT
from kiosk.core.pin import verify_pin


def run(*args, stdin=""):
    return subprocess.run([sys.executable, "-m", "kiosk", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_check_config_accepts_the_demo():
    result = run("check-config", str(DEMO_CONFIG))
    assert result.returncode == 0 and "valid" in result.stdout


def test_check_config_lists_problems(tmp_path):
    bad = tmp_path / "kiosk.toml"
    bad.write_text('[idle]\ntimeout_seconds = 2\n[site]\nnmae = "x"\n')
    result = run("check-config", str(bad))
    assert result.returncode == 2
    assert "idle.timeout_seconds" in result.stderr and "site.nmae: unknown setting" in result.stderr


def test_kiosk_refuses_to_start_with_a_bad_config(tmp_path):
    bad = tmp_path / "kiosk.toml"
    bad.write_text("[languages]\ndefault = 'xx'\n")
    result = run("--config", str(bad), "--data", str(tmp_path / "data"))
    assert result.returncode == 2 and "The kiosk cannot start" in result.stderr


def test_hash_pin_from_stdin():
    result = run("hash-pin", stdin="482910\n")
    assert result.returncode == 0
    line = result.stdout.strip()
    assert line.startswith('pin_hash = "scrypt$') and "482910" not in line
    assert verify_pin("482910", line.split('"')[1])


def test_hash_pin_refuses_a_bad_pin():
    result = run("hash-pin", stdin="12\n")
    assert result.returncode == 2 and "4 to 8 digits" in result.stderr
