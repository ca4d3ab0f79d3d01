"""Plain-Python heart of the kiosk: configuration, journeys, idle rules, content, PINs.

Nothing here imports Kivy, so all of it is tested without a window.
"""


class KioskError(Exception):
    """Base of every error raised by the kiosk's core."""
