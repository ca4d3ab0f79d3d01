#!/usr/bin/env bash
# Set up everything the tests need, then run the whole suite on a virtual screen.
# Extra arguments go to pytest, e.g. scripts/test.sh -k idle
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export KIVY_NO_ARGS=1 KIVY_NO_CONSOLELOG=1 KIVY_NO_FILELOG=1
exec xvfb-run -a -s "-screen 0 1280x800x24 +extension GLX" .venv/bin/python -m pytest "$@"
