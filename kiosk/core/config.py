"""Device configuration: one TOML file per kiosk, validated on load.

Example (every key is optional; the defaults suit the demo)::

    [site]
    name = "Central Library"
    council = "Riverside Borough Council"

    [idle]
    timeout_seconds = 90
    warning_seconds = 30

    [staff]
    pin_hash = "scrypt$16384$8$1$..."   # make one with: python -m kiosk hash-pin

`load_config(path)` returns a `KioskConfig` or raises `ConfigError`, whose message lists
every problem found with the key's dotted name, so IT staff can fix them all in one go.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from kiosk.core import KioskError
from kiosk.core.i18n import LANGUAGES
from kiosk.core.pin import is_pin_hash
from sync.payloads import JOURNEYS

TEXT_SIZES = ("normal", "large", "largest")

# The demo staff PIN is 1357; a real device's config always sets its own.
DEMO_PIN_HASH = (
    "scrypt$16384$8$1$aHVia2lvc2stZGVtby1zYWx0$"
    "1l8YSCqjCnXHDPR9p+3SJt5vFDcoyCcqeAVZHqsOPhU="
)


class ConfigError(KioskError):
    """The configuration file is missing, unreadable or has invalid values."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SiteSettings(_Section):
    name: str = Field("Riverside Central Library", min_length=1, max_length=80)
    council: str = Field("Riverside Borough Council", min_length=1, max_length=80)
    device_name: str = Field("kiosk-1", min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._-]+$")


class IdleSettings(_Section):
    timeout_seconds: int = Field(90, ge=15, le=3600)
    warning_seconds: int = Field(30, ge=5, le=300)

    @model_validator(mode="after")
    def _warning_shorter(self) -> "IdleSettings":
        if self.warning_seconds >= self.timeout_seconds:
            raise ValueError("warning_seconds must be shorter than timeout_seconds")
        return self


class DisplaySettings(_Section):
    fullscreen: bool = False
    width: int = Field(1280, ge=640, le=7680)
    height: int = Field(800, ge=480, le=4320)
    text_size: Literal["normal", "large", "largest"] = "normal"
    high_contrast: bool = False
    #: The panel's diagonal: with it, sizes in millimetres are true on the glass (a 20 mm
    #: button is 20 mm). Without it the kiosk asks the display, which often guesses 96 dpi.
    diagonal_inches: float | None = Field(None, ge=5, le=100)

    @property
    def dpi(self) -> float | None:
        """Pixels per inch on the panel, from `width` x `height` over `diagonal_inches`."""
        if self.diagonal_inches is None:
            return None
        from kiosk.core.layout import display_dpi

        return display_dpi(self.width, self.height, self.diagonal_inches)


class LanguageSettings(_Section):
    default: str = "en"
    available: tuple[str, ...] = tuple(LANGUAGES)

    @field_validator("available")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [code for code in value if code not in LANGUAGES]
        if unknown:
            raise ValueError(
                f"unknown language {', '.join(unknown)}; choose from {', '.join(LANGUAGES)}"
            )
        if not value:
            raise ValueError("list at least one language")
        if len(set(value)) != len(value):
            raise ValueError("a language is listed twice")
        return value

    @model_validator(mode="after")
    def _default_available(self) -> "LanguageSettings":
        if self.default not in self.available:
            raise ValueError(f"default language '{self.default}' is not in available")
        return self


class StaffSettings(_Section):
    pin_hash: str = DEMO_PIN_HASH
    max_attempts: int = Field(5, ge=3, le=10)
    lockout_seconds: int = Field(300, ge=30, le=86400)

    @field_validator("pin_hash")
    @classmethod
    def _hash(cls, value: str) -> str:
        if not is_pin_hash(value):
            raise ValueError("not a PIN hash; make one with: python -m kiosk hash-pin")
        return value


class CentralSettings(_Section):
    url: str = Field("http://127.0.0.1:8765", pattern=r"^https?://[^\s/]+(/\S*)?$")


class VisitorSettings(_Section):
    # Everyone still signed in is signed out at this time each evening (24-hour clock).
    auto_sign_out: str = Field("19:00", pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
    # The on-site register is purged of anything older than this, whatever happened.
    register_hours: int = Field(18, ge=1, le=72)
    ask_vehicle: bool = True
    ask_photo: bool = True
    # Where staff can export the fire roll-call as CSV (a USB stick's mount point); empty: no export.
    export_folder: str = ""


class PrinterSettings(_Section):
    kind: Literal["none", "cups", "folder"] = "none"
    queue: str = Field("", max_length=127, pattern=r"^[A-Za-z0-9_.-]*$")
    server: str = Field("", max_length=255, pattern=r"^[A-Za-z0-9_.:\[\]-]*$")  # host:port of a print server
    folder: str = ""

    @model_validator(mode="after")
    def _complete(self) -> "PrinterSettings":
        if self.kind == "cups" and not self.queue:
            raise ValueError("kind = \"cups\" needs queue (the CUPS queue name)")
        if self.kind == "folder" and not self.folder:
            raise ValueError("kind = \"folder\" needs folder (where to write the PDFs)")
        return self


class DocumentSettings(_Section):
    # Pages one scan may have; more are sent as another document.
    max_pages: int = Field(10, ge=1, le=30)
    # Take the picture by itself once the document has been still and sharp for this long.
    auto_capture: bool = True
    steady_seconds: float = Field(0.8, ge=0.3, le=3.0)


class CameraSettings(_Section):
    # "device:0" (a webcam), "video:PATH", "folder:PATH" (stand-ins) or "none"
    source: str = Field("device:0", pattern=r"^(none|device:[0-9]+|video:.+|folder:.+)$")


class KioskConfig(_Section):
    site: SiteSettings = SiteSettings()
    idle: IdleSettings = IdleSettings()
    display: DisplaySettings = DisplaySettings()
    languages: LanguageSettings = LanguageSettings()
    staff: StaffSettings = StaffSettings()
    central: CentralSettings = CentralSettings()
    visitors: VisitorSettings = VisitorSettings()
    printer: PrinterSettings = PrinterSettings()
    camera: CameraSettings = CameraSettings()
    documents: DocumentSettings = DocumentSettings()
    journeys: tuple[str, ...] = JOURNEYS

    @field_validator("journeys")
    @classmethod
    def _journeys(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [name for name in value if name not in JOURNEYS]
        if unknown:
            raise ValueError(f"unknown journey {', '.join(unknown)}; choose from {', '.join(JOURNEYS)}")
        return value

    @property
    def uses_demo_pin(self) -> bool:
        return self.staff.pin_hash == DEMO_PIN_HASH


def _describe(error: dict) -> str:
    where = ".".join(str(part) for part in error["loc"]) or "(file)"
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        return f"{where}: unknown setting (check the spelling)"
    found = error.get("input")
    if error["type"] not in ("missing", "value_error") and not isinstance(found, dict):
        return f"{where}: {message.lower()} (found {found!r})"
    return f"{where}: {message}"


def parse_config(data: dict, source: str = "configuration") -> KioskConfig:
    """Validate a parsed TOML document; raise `ConfigError` listing every problem."""
    try:
        return KioskConfig.model_validate(data)
    except ValidationError as exc:
        problems = "\n".join(f"  - {_describe(err)}" for err in exc.errors())
        raise ConfigError(f"{source} has {exc.error_count()} problem(s):\n{problems}") from None


def load_config(path: Path | None) -> KioskConfig:
    """Load and validate the device's TOML file; `None` gives the demo defaults."""
    if path is None:
        return KioskConfig()
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_config(data, str(path))
