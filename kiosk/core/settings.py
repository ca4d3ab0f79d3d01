"""Settings staff change on the device (starting language, text size, colours).

They start from the TOML configuration and are kept in `settings.json` in the data folder,
so a change made in the staff panel survives a restart without editing the config file.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.core.config import TEXT_SIZES, KioskConfig
from kiosk.core.paths import atomic_write_json, read_json


class DeviceSettings:
    """A small validated dictionary: `language`, `text_size`, `high_contrast`."""

    def __init__(self, config: KioskConfig, path: Path) -> None:
        self.config = config
        self.path = Path(path)
        self.values = {
            "language": config.languages.default,
            "text_size": config.display.text_size,
            "high_contrast": config.display.high_contrast,
        }
        stored = read_json(self.path, {})
        if isinstance(stored, dict):
            for key, value in stored.items():
                if key in self.values and self._valid(key, value):
                    self.values[key] = value

    def _valid(self, key: str, value: object) -> bool:
        if key == "language":
            return value in self.config.languages.available
        if key == "text_size":
            return value in TEXT_SIZES
        if key == "high_contrast":
            return isinstance(value, bool)
        return False

    def __getitem__(self, key: str):
        return self.values[key]

    def set(self, key: str, value: object) -> None:
        """Change one setting and save it; `ValueError` for an unknown key or bad value."""
        if key not in self.values or not self._valid(key, value):
            raise ValueError(f"invalid setting {key}={value!r}")
        self.values[key] = value
        atomic_write_json(self.path, self.values)
