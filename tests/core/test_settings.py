"""Settings changed from the staff panel persist and are validated."""

import json

import pytest

from kiosk.core.config import KioskConfig, parse_config
from kiosk.core.settings import DeviceSettings


def test_defaults_come_from_config(data_dir):
    config = parse_config({"languages": {"default": "pl"}, "display": {"text_size": "large"}})
    settings = DeviceSettings(config, data_dir / "settings.json")
    assert (settings["language"], settings["text_size"], settings["high_contrast"]) == ("pl", "large", False)


def test_changes_persist(data_dir):
    path = data_dir / "settings.json"
    DeviceSettings(KioskConfig(), path).set("language", "bg")
    assert DeviceSettings(KioskConfig(), path)["language"] == "bg"


@pytest.mark.parametrize("key, value", [("language", "fr"), ("text_size", "huge"), ("high_contrast", "yes"), ("colour", 1)])
def test_bad_values_are_refused(data_dir, key, value):
    settings = DeviceSettings(KioskConfig(), data_dir / "settings.json")
    with pytest.raises(ValueError):
        settings.set(key, value)


def test_stale_or_corrupt_file_falls_back(data_dir):
    path = data_dir / "settings.json"
    path.write_text(json.dumps({"language": "xx", "text_size": "large", "junk": 1}))
    settings = DeviceSettings(KioskConfig(), path)
    assert settings["language"] == "en" and settings["text_size"] == "large"
    path.write_text("garbage")
    assert DeviceSettings(KioskConfig(), path)["language"] == "en"
