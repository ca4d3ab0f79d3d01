"""Device configuration: defaults, the demo file, and clear errors for bad files."""

import pytest
from pydantic import ValidationError

from kiosk.core.config import ConfigError, KioskConfig, load_config, parse_config
from kiosk.core.paths import DEMO_CONFIG
from kiosk.core.pin import verify_pin


def test_defaults_are_valid_and_use_the_demo_pin():
    config = load_config(None)
    assert config.idle.timeout_seconds == 90
    assert config.languages.available == ("en", "pl", "ro", "lt", "bg")
    assert config.uses_demo_pin
    assert verify_pin("1357", config.staff.pin_hash)


def test_demo_file_loads():
    config = load_config(DEMO_CONFIG)
    assert config.site.device_name == "demo-kiosk"
    assert config.central.url == "http://127.0.0.1:8765"


@pytest.mark.parametrize(
    "data, expected",
    [
        ({"idle": {"timeout_seconds": 5}}, "idle.timeout_seconds: input should be greater than or equal to 15 (found 5)"),
        ({"idle": {"timeout_seconds": "soon"}}, "idle.timeout_seconds: input should be a valid integer"),
        ({"idle": {"timeout_seconds": 60, "warning_seconds": 60}}, "warning_seconds must be shorter than timeout_seconds"),
        ({"idel": {}}, "idel: unknown setting (check the spelling)"),
        ({"languages": {"available": ["en", "fr"]}}, "unknown language fr"),
        ({"languages": {"default": "pl", "available": ["en"]}}, "default language 'pl' is not in available"),
        ({"staff": {"pin_hash": "1234"}}, "not a PIN hash; make one with: python -m kiosk hash-pin"),
        ({"central": {"url": "ftp://x"}}, "central.url"),
        ({"site": {"device_name": "kiosk one!"}}, "site.device_name"),
        ({"journeys": ["information", "bingo"]}, "unknown journey bingo"),
        ({"display": {"text_size": "huge"}}, "display.text_size"),
    ],
)
def test_bad_values_are_named_clearly(data, expected):
    with pytest.raises(ConfigError) as err:
        parse_config(data, "kiosk.toml")
    message = str(err.value)
    assert message.startswith("kiosk.toml has 1 problem(s):")
    assert expected in message


def test_every_problem_is_listed_at_once():
    with pytest.raises(ConfigError) as err:
        parse_config({"idle": {"timeout_seconds": 1}, "display": {"width": 10}, "extra": 1})
    assert "3 problem(s)" in str(err.value)


def test_missing_and_broken_files(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[site\nname = 1\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(broken)


def test_config_is_immutable():
    config = KioskConfig()
    with pytest.raises(ValidationError):
        config.site.name = "changed"
