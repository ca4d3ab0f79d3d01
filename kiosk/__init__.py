"""hubkiosk: the self-service kiosk app for a council's civic offices, libraries and hubs.

The package is split in two: `kiosk.core` holds the journeys and rules in plain Python
(no Kivy), `kiosk.ui` renders them with Kivy. Nothing outside `kiosk` imports `kiosk`.
"""

from sync.protocol import APP_VERSION as __version__  # noqa: E402 - one version, from the package metadata
