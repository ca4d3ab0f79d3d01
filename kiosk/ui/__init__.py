"""The Kivy layer: screens render journey steps from `kiosk.core` and forward touches.

Import `kiosk.ui.boot` before anything else from Kivy: it sets the environment Kivy reads
at import time (no command-line parsing, no log files that could hold personal data).
"""
