"""Journeys: each a small state machine in plain Python that screens render."""
