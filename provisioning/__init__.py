"""Enrolling a kiosk with central: identity, keys and settings for a new device."""
