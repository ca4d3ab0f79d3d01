#!/usr/bin/env bash
# Set up everything, then open the kiosk with the demo configuration and content.
# Staff PIN for the demo: 1357.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mkdir -p var/demo
args=(-m kiosk --config assets/demo/kiosk.toml --data var/demo "$@")
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
    exec .venv/bin/python "${args[@]}"
fi
echo "No screen found: running on a virtual screen (Xvfb). Use a desktop session to see the kiosk."
exec xvfb-run -a -s "-screen 0 1280x800x24 +extension GLX" .venv/bin/python "${args[@]}"
